import { Text } from 'ink';
import { useAppStore } from './store-context.js';
import { DASH, fit } from '../model/format.js';
import { readiness, MANUAL_CHECKS, type Light } from '../model/readiness.js';
import type { StepStatus } from '../sources/plans/parse.js';
import { paint } from './paint.js';
import { Panel } from './Panel.js';
import type { Color } from './theme.js';
import type { AppState } from '../store/store.js';

// The demo-readiness checklist: the plan's steps (Space marks the selected one done or undone on
// disk), its score as computed next to what it claims, every discrepancy, and the readiness lights
// judged from live data.

const STATUS: Record<StepStatus, { glyph: string; word: string; color: Color }> = {
  complete: { glyph: '✓', word: 'complete', color: 'green' },
  validated: { glyph: '✓', word: 'validated', color: 'green' },
  'in-progress': { glyph: '◐', word: 'in progress', color: 'yellow' },
  'not-started': { glyph: '○', word: 'not started', color: 'gray' },
  blocked: { glyph: '✕', word: 'blocked', color: 'red' },
  skipped: { glyph: '–', word: 'skipped', color: 'gray' },
  unknown: { glyph: '?', word: 'unknown', color: 'yellow' },
};

export const LIGHT: Record<Light, { glyph: string; color: Color }> = {
  green: { glyph: '●', color: 'green' },
  amber: { glyph: '▲', color: 'yellow' },
  red: { glyph: '✕', color: 'red' },
};

/** The lights as one string, so the view re-renders only when one of them changes. */
function lightsKey(s: AppState): string {
  return JSON.stringify(
    readiness({ rows: s.rows, dockerState: s.docker.status.state, kafkaStatus: s.kafka.status, kafka: s.kafka.view, liveTopic: s.frame.kafka.liveTopic }),
  );
}

export function ChecklistView({ width, height }: { width: number; height: number }) {
  const plan = useAppStore((s) => s.plan);
  const selected = useAppStore((s) => s.ui.step);
  const pending = useAppStore((s) => s.planToggle?.step);
  const readOnly = useAppStore((s) => s.frame.readOnly);
  const lights = JSON.parse(useAppStore(lightsKey)) as ReturnType<typeof readiness>;
  const inner = width - 2;
  const lines: React.ReactNode[] = [];
  const doc = plan?.doc;
  const score = plan?.score;
  const title = plan?.path ? `Checklist · ${plan.path}` : 'Checklist';

  if (!plan || plan.error || !doc || !score) {
    lines.push(
      <Text key="err" wrap="truncate" color={paint('yellow')}>
        {plan?.error ?? 'reading the plan…'}
      </Text>,
    );
  } else {
    const claimed = score.claimedScore;
    const over = claimed && claimed.value > claimed.max;
    lines.push(
      <Text key="sum" wrap="truncate">
        <Text bold>
          {score.stepsDone}/{score.stepsTotal} steps done
        </Text>
        {' · computed '}
        <Text bold>
          {score.computedScore}/{score.maxScore}
        </Text>{' '}
        ({score.band})
        {claimed ? (
          <Text color={paint(over || claimed.value !== score.computedScore ? 'yellow' : undefined)}>
            {` · claims ${claimed.value}/${claimed.max}${over ? ' (over the maximum)' : ''}`}
          </Text>
        ) : null}
        {score.breakdownScore !== undefined ? ` · breakdown ${score.breakdownScore}/${score.breakdownMax ?? score.maxScore}` : ''}
        {doc.headline.target !== undefined ? ` · target ${doc.headline.target}` : ''}
      </Text>,
    );
    const steps = doc.steps;
    // Room: summary, table heading, discrepancies (≤ 4), lights heading and lights, manual line.
    const fixed = 1 + 1 + Math.min(4, score.discrepancies.length) + (score.discrepancies.length ? 1 : 0) + 1 + lights.length + 1;
    const room = Math.max(3, height - 2 - fixed);
    const first = Math.max(0, Math.min(selected - Math.floor(room / 2), steps.length - room));
    const titleWidth = Math.max(10, Math.min(44, inner - 40));
    lines.push(
      <Text key="th" wrap="truncate" dimColor>
        {'  '}
        {fit('step', 4)} {fit('title', titleWidth)} {fit('status', 14)} {fit('pts', 6, 'right')} {fit('%', 5, 'right')} {'completed'}
      </Text>,
    );
    steps.slice(first, first + room).forEach((st, i) => {
      const index = first + i;
      const look = STATUS[st.status];
      const isSel = index === selected;
      const pts = st.points === undefined ? DASH : `${st.points}${st.bonus ? '+' : ''}`;
      lines.push(
        <Text key={`s:${st.number}:${index}`} wrap="truncate" inverse={isSel}>
          {isSel ? '▸ ' : '  '}
          {fit(st.number, 4)} {fit(st.title, titleWidth)}{' '}
          <Text color={paint(look.color)}>{fit(`${look.glyph} ${pending === st.number ? 'saving…' : look.word}`, 14)}</Text> {fit(pts, 6, 'right')}{' '}
          {fit(st.percent === undefined ? DASH : `${st.percent}%`, 5, 'right')} {st.completed ?? DASH}
        </Text>,
      );
    });
    if (score.discrepancies.length) {
      lines.push(
        <Text key="dh" bold wrap="truncate">
          Discrepancies ({score.discrepancies.length})
        </Text>,
      );
      for (const d of score.discrepancies.slice(0, 4)) {
        lines.push(
          <Text key={`d:${d}`} wrap="truncate" color={paint('yellow')}>
            {'  ! '}
            {d}
          </Text>,
        );
      }
    }
  }
  lines.push(
    <Text key="lh" bold wrap="truncate">
      Readiness (live)
    </Text>,
  );
  for (const l of lights) {
    lines.push(
      <Text key={`l:${l.name}`} wrap="truncate">
        {'  '}
        <Text color={paint(LIGHT[l.light].color)}>{LIGHT[l.light].glyph}</Text> {fit(l.name, 30)} <Text dimColor>{l.reason}</Text>
      </Text>,
    );
  }
  lines.push(
    <Text key="manual" wrap="truncate" dimColor>
      {'  manual: '}
      {MANUAL_CHECKS.join(' · ')}
    </Text>,
  );
  const hint = readOnly ? '↑↓ select · Esc back (read-only: no edits)' : '↑↓ select · Space done/undone · Esc back';
  return (
    <Panel title={`${title} · ${hint}`} focused width={width} height={height}>
      {lines.slice(0, Math.max(0, height - 2))}
    </Panel>
  );
}
