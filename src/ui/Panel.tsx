import { Box, Text } from 'ink';
import { paint } from './paint.js';
import { fit } from '../model/format.js';

/**
 * A bordered box with its title in the top border. Ink's borders cannot carry text, so the top
 * edge is drawn as a line of its own and the box below has no top border. Children are sized to
 * fit by their panels: Ink's overflow clipping re-slices every line of every frame, which is costly.
 */
export function Panel({
  title,
  focused,
  width,
  height,
  children,
}: {
  title: string;
  focused: boolean;
  width: number;
  height: number;
  children: React.ReactNode;
}) {
  const color = paint(focused ? 'cyan' : 'gray');
  const label = fit(` ${title} `, Math.max(0, width - 5)).trimEnd() + ' ';
  const rest = Math.max(0, width - 3 - label.length);
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text wrap="truncate">
        <Text color={color}>╭─</Text>
        <Text bold={focused} color={paint(focused ? 'cyan' : undefined)}>{label}</Text>
        <Text color={color}>{'─'.repeat(rest)}╮</Text>
      </Text>
      <Box
        flexDirection="column"
        borderStyle="round"
        borderTop={false}
        borderColor={color}
        width={width}
        height={height - 1}
      >
        {children}
      </Box>
    </Box>
  );
}
