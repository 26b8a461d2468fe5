import { Box, Text } from 'ink';
import { useAppStore } from './store-context.js';
import { combineVerdicts, kafkaVerdict, servicesVerdict, type Verdict } from '../model/verdict.js';
import { kafkaFacts, type AppState } from '../store/store.js';

/** The active faults in one line: scenario, targets, since when, countdown to auto-restore. */
export function faultsLine(s: AppState): string {
  const active = s.faults.active;
  if (active.length === 0) return '';
  const f = active.at(-1)!;
  const targets = f.touched.map((t) => t.name).join(', ');
  const auto = f.autoRestoreAt !== undefined ? ` · auto-restore in ${Math.max(0, Math.ceil((f.autoRestoreAt - s.now) / 1000))} s` : '';
  const more = active.length > 1 ? ` (+${active.length - 1} more)` : '';
  return ` FAULT ${f.scenario}: ${targets} since ${formatClock(f.startedAt)}${auto}${more} · r restores `;
}
import { formatClock, fit } from '../model/format.js';
import { LEVEL_STYLE } from './theme.js';
import { paint } from './paint.js';

const MODE_STYLE = {
  live: { label: ' LIVE ', bg: 'green' },
  replay: { label: ' REPLAY ', bg: 'magenta' },
  simulated: { label: ' SIMULATED ', bg: 'blue' },
} as const;

export function Header({ width }: { width: number }) {
  const platform = useAppStore((s) => s.frame.platform);
  const project = useAppStore((s) => s.frame.project);
  const readOnly = useAppStore((s) => s.frame.readOnly);
  const mode = useAppStore((s) => s.mode);
  // Minutes, not seconds: a clock that ticks every second would redraw the screen every second.
  const now = useAppStore((s) => Math.floor(s.now / 60_000) * 60_000);
  const rows = useAppStore((s) => s.rows);
  const dockerState = useAppStore((s) => s.docker.status.state);
  // A string, so the header renders only when Kafka's part of the verdict really changes.
  const kafka = useAppStore((s) => JSON.stringify(kafkaVerdict(kafkaFacts(s))));
  const verdict = combineVerdicts(servicesVerdict(rows, dockerState === 'connecting' ? undefined : dockerState === 'ok'), JSON.parse(kafka) as Verdict);
  const style = LEVEL_STYLE[verdict.level];
  const m = MODE_STYLE[mode];
  const faults = useAppStore(faultsLine);
  const title = ` ${platform} MISSION CONTROL `;
  const clock = ` ${formatClock(now).slice(0, 5)} `;
  const tag = `${style.glyph} ${style.word}`;
  const fixed = title.length + m.label.length + 2 + tag.length + clock.length + (readOnly ? 12 : 0) + project.length + 12 + faults.length;
  const reason = verdict.reasons.length ? ` ${verdict.reasons.slice(0, 3).join(', ')}${verdict.reasons.length > 3 ? ` +${verdict.reasons.length - 3}` : ''}` : '';
  const room = Math.max(0, width - fixed);
  return (
    <Box width={width} height={1}>
      <Text bold>{title}</Text>
      <Text bold color={paint('white')} backgroundColor={paint(m.bg)}>{m.label}</Text>
      <Text> </Text>
      {faults ? (
        <>
          <Text bold color={paint('white')} backgroundColor={paint('red')}>
            {faults}
          </Text>
          <Text> </Text>
        </>
      ) : null}
      <Text bold color={paint(style.color)}>{tag}</Text>
      <Text color={paint(style.color)}>{fit(reason, room)}</Text>
      <Text dimColor> project {project}</Text>
      {readOnly ? <Text color={paint('yellow')}> READ-ONLY</Text> : null}
      <Box flexGrow={1} />
      <Text bold>{clock}</Text>
    </Box>
  );
}
