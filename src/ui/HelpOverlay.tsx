import { Text } from 'ink';
import { KEYS } from './keys.js';
import { Panel } from './Panel.js';
import { paint } from './paint.js';
import { fit } from '../model/format.js';

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  return (
    <Panel title="Help — keys" focused width={width} height={height}>
      {KEYS.map((k) => (
        <Text key={k.key} wrap="truncate">
          <Text bold color={paint('cyan')}>{fit(k.key, 18)}</Text> {k.action}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor wrap="truncate">Glyphs: ● running  ‖ paused  ↻ restarting  ■ exited  ○ missing  ◆ on host  ? unknown   name · = not essential</Text>
      <Text dimColor wrap="truncate">Verdict: ALL GO = every essential service up and healthy; DOWN = an essential service is down; else DEGRADED.</Text>
    </Panel>
  );
}
