import { Box, Text } from 'ink';
import { useAppStore } from './store-context.js';
import { combineVerdicts, kafkaVerdict, servicesVerdict, type Verdict } from '../model/verdict.js';
import { DEMO_TARGET_MS, formatMinutes, kafkaFacts, timerElapsed, type AppState } from '../store/store.js';

/** The demo timer against its target, or '' when it was never started: " ⏱ 3:07/12:00 §2 ". */
export function timerText(s: AppState): string {
  const t = s.timer;
  if (!t.running && t.accumulatedMs === 0) return '';
  const elapsed = timerElapsed(t, s.now);
  const section = t.sections.length > 1 ? ` §${t.sections.length}` : '';
  return ` ⏱ ${formatMinutes(elapsed)}/${formatMinutes(DEMO_TARGET_MS)}${section}${t.running ? '' : ' stopped'} `;
}

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
import { LEVEL_STYLE, MODE_STYLE } from './theme.js';
import { paint } from './paint.js';

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
  // Seconds only while the timer runs (a frame a second is then what the presenter asked for).
  const timer = useAppStore(timerText);
  const overTarget = useAppStore((s) => timerElapsed(s.timer, s.now) > DEMO_TARGET_MS);
  const clock = ` ${formatClock(now).slice(0, 5)} `;
  const tag = `${style.glyph} ${style.word}`;
  // Every part is measured so the line never exceeds the terminal: a wrapped header would spill
  // into the line below. In order of importance: verdict, mode, clock, title, fault, project, reasons.
  let avail = width - m.label.length - 1 - tag.length - clock.length - timer.length;
  const fullTitle = ` ${platform} MISSION CONTROL `;
  const title = avail - fullTitle.length >= 20 ? fullTitle : ` ${platform} `;
  avail -= title.length;
  const faultText = faults ? fit(faults, Math.min(faults.length, Math.max(0, avail - 12))) : '';
  avail -= faultText ? faultText.length + 1 : 0;
  const right = ` project ${project}${readOnly ? ' READ-ONLY' : ''}`;
  const showRight = avail - right.length >= 16;
  if (showRight) avail -= right.length;
  const reasonText = verdict.reasons.length ? ` ${verdict.reasons.slice(0, 3).join(', ')}${verdict.reasons.length > 3 ? ` +${verdict.reasons.length - 3}` : ''}` : '';
  const reason = fit(reasonText, Math.max(0, avail));
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        <Text bold>{title}</Text>
        <Text bold color={paint('white')} backgroundColor={paint(m.bg)}>
          {m.label}
        </Text>{' '}
        {faultText ? (
          <>
            <Text bold color={paint('white')} backgroundColor={paint('red')}>
              {faultText}
            </Text>{' '}
          </>
        ) : null}
        <Text bold color={paint(style.color)}>
          {tag}
        </Text>
        <Text color={paint(style.color)}>{reason}</Text>
        {showRight ? <Text dimColor> project {project}</Text> : null}
        {showRight && readOnly ? <Text color={paint('yellow')}> READ-ONLY</Text> : null}
        {timer ? (
          <Text bold color={paint(overTarget ? 'red' : 'cyan')}>
            {timer}
          </Text>
        ) : null}
        <Text bold>{clock}</Text>
      </Text>
    </Box>
  );
}
