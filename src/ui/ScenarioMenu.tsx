import { Text } from 'ink';
import { useAppStore } from './store-context.js';
import { fit } from '../model/format.js';
import { paint } from './paint.js';
import { Panel } from './Panel.js';
import { STATUS_STYLE } from './theme.js';

// The failure scenarios: key, name, what the audience should see, and the current state of each
// target. A key arms a scenario; only Enter fires it, so one stray key never breaks the platform.

export function ScenarioMenu({ width, height }: { width: number; height: number }) {
  const scenarios = useAppStore((s) => s.frame.scenarios);
  const armed = useAppStore((s) => s.faults.armed);
  const busy = useAppStore((s) => s.faults.busy);
  const active = useAppStore((s) => s.faults.active);
  const rows = useAppStore((s) => s.rows);
  const inner = width - 2;
  const nameWidth = Math.max(8, ...scenarios.map((s) => s.name.length));
  const lines: React.ReactNode[] = [];
  if (scenarios.length === 0) {
    lines.push(
      <Text key="none" dimColor>
        no scenarios configured (scenarios: in the config)
      </Text>,
    );
  }
  for (const sc of scenarios) {
    const isArmed = armed === sc.name;
    const isActive = active.some((f) => f.scenario === sc.name);
    const targets = sc.steps.map((st) => {
      const row = rows.find((r) => r.key === st.service);
      const status = row?.status ?? 'unknown';
      return { text: `${st.action} ${row?.name ?? st.service} (${status})`, color: STATUS_STYLE[status].color };
    });
    lines.push(
      <Text key={sc.name} wrap="truncate" inverse={isArmed}>
        <Text bold color={paint('cyan')}>{` ${sc.key} `}</Text> <Text bold>{fit(sc.name, nameWidth)}</Text> {fit(sc.description, Math.max(10, Math.min(60, inner - nameWidth - 40)))}{' '}
        {targets.map((t, i) => (
          <Text key={i} color={paint(t.color)}>
            {i ? ', ' : ''}
            {t.text}
          </Text>
        ))}
        {isActive ? <Text color={paint('red')}> ACTIVE</Text> : null}
      </Text>,
    );
  }
  lines.push(<Text key="gap"> </Text>);
  const armedSc = scenarios.find((s) => s.name === armed);
  lines.push(
    armedSc ? (
      <Text key="armed" bold color={paint('red')} wrap="truncate">
        ARMED: {armedSc.name} — press Enter to fire, Esc to cancel
      </Text>
    ) : (
      <Text key="hint" dimColor wrap="truncate">
        {busy ? 'working…' : 'press a scenario key to arm it, then Enter to fire · r restores the latest fault, R all · Esc closes'}
      </Text>
    ),
  );
  return (
    <Panel title="Failure scenarios — real faults through the Docker API" focused width={width} height={height}>
      {lines.slice(0, Math.max(0, height - 2))}
    </Panel>
  );
}

export function QuitConfirm({ width, height }: { width: number; height: number }) {
  const n = useAppStore((s) => s.faults.active.length);
  return (
    <Panel title="Quit" focused width={width} height={height}>
      <Text bold color={paint('yellow')}>
        restore {n} active fault{n === 1 ? '' : 's'} before quitting? [Y/n]
      </Text>
      <Text dimColor>Y or Enter: restore, then quit · n: quit and leave them (the docker commands to restore are printed) · Esc: stay</Text>
    </Panel>
  );
}
