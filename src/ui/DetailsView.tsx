import { Text } from 'ink';
import { useAppStore } from './store-context.js';
import { Panel } from './Panel.js';
import { paint } from './paint.js';
import { formatClock } from '../model/format.js';

/** Details of one container, fetched on demand by the runtime when the overlay opens. */
export function DetailsView({ width, height }: { width: number; height: number }) {
  const d = useAppStore((s) => s.ui.details);
  if (!d) return null;
  const lines: { text: string; color?: 'red' | 'cyan' | 'yellow'; dim?: boolean }[] = [];
  if (!d.containerId) lines.push({ text: 'No container: Docker does not have this service.', color: 'yellow' });
  else if (d.loading) lines.push({ text: 'loading…', dim: true });
  if (d.error) lines.push({ text: d.error, color: 'red' });
  const x = d.data;
  if (x) {
    lines.push({ text: `image   ${x.image}` });
    lines.push({ text: `id      ${x.id.slice(0, 12)}` });
    lines.push({ text: `ports   ${x.ports.length ? x.ports.join('  ') : '–'}` });
    const labels = Object.entries(x.labels).sort(([a], [b]) => a.localeCompare(b));
    lines.push({ text: `labels  ${labels.length}`, color: 'cyan' });
    for (const [k, v] of labels.slice(0, 8)) lines.push({ text: `  ${k}=${v}`, dim: true });
    if (labels.length > 8) lines.push({ text: `  … ${labels.length - 8} more`, dim: true });
    lines.push({ text: 'health checks', color: 'cyan' });
    if (x.healthLog.length === 0) lines.push({ text: '  no health check defined', dim: true });
    for (const h of x.healthLog.slice(-5)) {
      lines.push({ text: `  ${formatClock(h.at)} exit ${h.exitCode} ${h.output.replace(/\s+/g, ' ').slice(0, 200)}`, color: h.exitCode === 0 ? undefined : 'red' });
    }
    lines.push({ text: `last ${x.logLines.length} log lines`, color: 'cyan' });
    if (x.error) lines.push({ text: `  ${x.error}`, color: 'red' });
    const room = Math.max(0, height - 2 - lines.length);
    for (const l of x.logLines.slice(-Math.min(20, room))) lines.push({ text: `  ${l}` });
  }
  return (
    <Panel title={`Details — ${d.name} (Esc back)`} focused width={width} height={height}>
      {lines.slice(0, Math.max(0, height - 2)).map((l, i) => (
        <Text key={i} wrap="truncate" color={paint(l.color)} dimColor={l.dim}>
          {l.text}
        </Text>
      ))}
    </Panel>
  );
}
