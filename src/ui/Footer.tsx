import { Box, Text } from 'ink';
import { useAppStore } from './store-context.js';
import { FOOTER_KEYS } from './keys.js';
import { paint } from './paint.js';

export function Footer({ width }: { width: number }) {
  const filtering = useAppStore((s) => s.ui.filtering);
  const filter = useAppStore((s) => s.ui.filter);
  const overlay = useAppStore((s) => s.ui.overlay);
  if (filtering) {
    return (
      <Box width={width} height={1}>
        <Text color={paint('cyan')}>/ filter: </Text>
        <Text>{filter}</Text>
        <Text inverse> </Text>
        <Text dimColor>   Enter keep · Esc clear</Text>
      </Box>
    );
  }
  const keys = overlay === 'none' ? FOOTER_KEYS : FOOTER_KEYS.filter(([k]) => k === 'q' || k === 'Esc' || k === '?');
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        {keys.map(([k, label]) => (
          <Text key={k}>
            <Text bold color={paint('cyan')}> {k}</Text>
            <Text> {label} </Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}
