import { Text } from 'ink';
import { KEYS } from './keys.js';
import { Panel } from './Panel.js';
import { paint } from './paint.js';
import { fit } from '../model/format.js';

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  // As many lines as the box holds: lines beyond it would be squeezed by the layout and drawn
  // over one another. Two keys share a name (Space), so the index keeps the React keys unique.
  const lines = [
    ...KEYS.map((k, i) => (
      <Text key={`k:${i}`} wrap="truncate">
        <Text bold color={paint('cyan')}>{fit(k.key, 18)}</Text> {k.action}
      </Text>
    )),
    <Text key="gap"> </Text>,
    <Text key="glyphs" dimColor wrap="truncate">Glyphs: ● running  ‖ paused  ↻ restarting  ■ exited  ○ missing  ◆ on host  ? unknown   name · = not essential</Text>,
    <Text key="verdict" dimColor wrap="truncate">Verdict: ALL GO = every essential service up and healthy; DOWN = an essential service is down; else DEGRADED.</Text>,
  ];
  return (
    <Panel title="Help — keys" focused width={width} height={height}>
      {lines.slice(0, Math.max(0, height - 2))}
    </Panel>
  );
}
