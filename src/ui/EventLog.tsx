import { Text } from 'ink';
import { useAppStore } from './store-context.js';
import { formatClock } from '../model/format.js';
import { SEVERITY_COLOR } from './theme.js';
import { paint } from './paint.js';
import { Panel } from './Panel.js';

const MARK = { info: '·', ok: '✓', warn: '!', error: '✕' } as const;

/** The newest events first, as many as fit. */
export function EventLog({ width, height }: { width: number; height: number }) {
  const events = useAppStore((s) => s.events);
  const focused = useAppStore((s) => s.ui.panel === 'events');
  const capacity = Math.max(0, height - 2);
  const shown = events.slice(-capacity).reverse();
  return (
    <Panel title={`Events ${events.length}`} focused={focused} width={width} height={height}>
      {shown.length === 0 ? <Text dimColor>no events yet</Text> : null}
      {shown.map((e, i) => (
        <Text key={`${e.at}-${events.length - i}`} wrap="truncate" color={paint(SEVERITY_COLOR[e.severity])}>
          <Text dimColor>{formatClock(e.at)}</Text> {MARK[e.severity]} {e.text}
        </Text>
      ))}
    </Panel>
  );
}
