import { Box, Text } from 'ink';
import { useAppStore } from './store-context.js';
import { formatByteRate, formatBytes, formatPercent, formatClock, fit } from '../model/format.js';
import { paint } from './paint.js';
import { Panel } from './Panel.js';
import type { HostSample } from '../model/types.js';

function bar(fraction: number | undefined, width: number): string {
  if (fraction === undefined || width <= 0) return ''.padEnd(width);
  const n = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return '█'.repeat(n) + '░'.repeat(width - n);
}

function loadColor(f: number | undefined) {
  if (f === undefined) return undefined;
  return f >= 0.9 ? 'red' : f >= 0.7 ? 'yellow' : 'green';
}

function Meter({ label, fraction, text, width }: { label: string; fraction?: number; text: string; width: number }) {
  const barWidth = Math.max(0, width - 6 - text.length - 1);
  return (
    <Text wrap="truncate">
      {fit(label, 5)} <Text color={paint(loadColor(fraction))}>{bar(fraction, barWidth)}</Text> {text}
    </Text>
  );
}

function ratio(a?: number, b?: number): number | undefined {
  return a !== undefined && b ? a / b : undefined;
}

/** Host resources: a box in the wide layout, a single line in the narrow one. */
export function HostPanel({ width, height, compact }: { width: number; height: number; compact: boolean }) {
  const h = useAppStore((s) => s.host.sample);
  const problem = useAppStore((s) => {
    const st = s.host.status;
    return st.state === 'unreachable' ? `${st.reason} (since ${formatClock(st.since)})` : undefined;
  });
  const focused = useAppStore((s) => s.ui.panel === 'host');
  const inner = width - 2;
  if (compact) {
    return (
      <Box width={width} height={height}>
        {/* The label keeps its width: a long line of figures is cut at its end, not the label. */}
        <Box flexShrink={0}>
          <Text color={paint(problem ? 'yellow' : undefined)} inverse={focused}>
            {' Host '}
          </Text>
        </Box>
        <Text wrap="truncate"> {problem ?? hostLine(h)}</Text>
      </Box>
    );
  }
  const cpuText = formatPercent(h?.cpuPercent).padStart(6);
  const memText = `${formatBytes(h?.memUsed)}/${formatBytes(h?.memTotal)}`;
  const diskText = `${formatBytes(h?.diskUsed)}/${formatBytes(h?.diskTotal)}`;
  return (
    <Panel title="Host" focused={focused} width={width} height={height}>
      {problem ? <Text color={paint('yellow')} wrap="truncate">{problem}</Text> : null}
      <Meter label="CPU" fraction={h?.cpuPercent !== undefined ? h.cpuPercent / 100 : undefined} text={cpuText} width={inner} />
      <Meter label="Mem" fraction={ratio(h?.memUsed, h?.memTotal)} text={memText} width={inner} />
      <Meter label="Disk" fraction={ratio(h?.diskUsed, h?.diskTotal)} text={diskText} width={inner} />
      <Text dimColor wrap="truncate">{fit(`      ${h?.diskPath ?? ''}`, inner)}</Text>
      <Text wrap="truncate">Net   ↓ {formatByteRate(h?.rxPerSec)}  ↑ {formatByteRate(h?.txPerSec)}</Text>
      <Box flexGrow={1} />
    </Panel>
  );
}

export function hostLine(h: HostSample | undefined): string {
  return `CPU ${formatPercent(h?.cpuPercent)}  Mem ${formatBytes(h?.memUsed)}/${formatBytes(h?.memTotal)}  Disk ${formatBytes(h?.diskUsed)}/${formatBytes(h?.diskTotal)}  Net ↓${formatByteRate(h?.rxPerSec)} ↑${formatByteRate(h?.txPerSec)}`;
}
