import { memo } from 'react';
import { Text } from 'ink';
import { useAppStore } from './store-context.js';
import { visibleRows } from '../store/store.js';
import type { ServiceRow } from '../model/services.js';
import { DASH, fit, formatBytes, formatLatency, formatPercent, formatUptime, formatClock } from '../model/format.js';
import { HEALTH_COLOR, STATUS_STYLE } from './theme.js';
import { paint, strong, tint } from './paint.js';
import { Panel } from './Panel.js';

// One line per service. Columns shrink at 80 columns; the probe column takes what is left.

interface Columns {
  name: number;
  state: number;
  health: number;
  uptime: number;
  restarts: number;
  cpu: number;
  mem: number;
  probe: number;
}

export function columnsFor(inner: number): Columns {
  const rest =
    inner >= 100
      ? { state: 12, health: 10, uptime: 8, restarts: 4, cpu: 7, mem: 10 }
      : { state: 9, health: 9, uptime: 6, restarts: 3, cpu: 6, mem: 8 };
  // Glyph (2) and one space after each of the eight columns but the last.
  const free = inner - 2 - sum(rest) - 7;
  // The name takes what it needs (up to 28) while leaving the probe at least 14; the probe the rest.
  const name = Math.max(14, Math.min(28, free - 14));
  return { name, ...rest, probe: Math.max(4, free - name) };
}

function sum(o: Record<string, number>): number {
  return Object.values(o).reduce((a, b) => a + b, 0);
}

function uptimeText(r: ServiceRow, now: number): string {
  return r.status === 'running' || r.status === 'paused' ? formatUptime(r.startedAt, now) : DASH;
}

function stateWord(r: ServiceRow): string {
  if (r.status === 'exited') return r.exitCode !== undefined ? `exited(${r.exitCode})` : 'exited';
  if (r.status === 'external') return 'on host';
  return r.status;
}

function probeText(r: ServiceRow): string {
  if (!r.probeUrl) return DASH;
  const p = r.probe;
  if (!p) return '…';
  if (!p.ok && p.status === undefined) return p.error ?? 'failed';
  return [String(p.status), formatLatency(p.latencyMs), p.bodyStatus].filter(Boolean).join(' ');
}

const Row = memo(function Row({ row, selected, cols, uptime }: { row: ServiceRow; selected: boolean; cols: Columns; uptime: string }) {
  const st = STATUS_STYLE[row.status];
  const up = row.status === 'running';
  const probeBad = row.probeUrl && row.probe && (!row.probe.ok || (row.probe.bodyStatus && row.probe.bodyStatus !== 'healthy'));
  const name = `${row.name}${row.essential ? '' : ' ·'}`;
  const text =
    tint(st.color, `${st.glyph} `) +
    (row.essential ? strong(fit(name, cols.name)) : fit(name, cols.name)) +
    ' ' +
    tint(st.color, fit(stateWord(row), cols.state)) +
    ' ' +
    tint(HEALTH_COLOR[row.health], fit(row.health === 'none' ? DASH : row.health, cols.health)) +
    ` ${fit(uptime, cols.uptime, 'right')} ` +
    tint(row.restartCount > 0 ? 'yellow' : undefined, fit(String(row.containerId ? row.restartCount : DASH), cols.restarts, 'right')) +
    ` ${fit(up ? formatPercent(row.cpuPercent) : DASH, cols.cpu, 'right')} ${fit(up ? formatBytes(row.memBytes) : DASH, cols.mem, 'right')} ` +
    tint(probeBad ? 'red' : row.probe?.ok ? 'green' : undefined, fit(probeText(row), cols.probe));
  return (
    <Text inverse={selected} wrap="truncate">
      {text}
    </Text>
  );
});

export function ServicesPanel({ width, height }: { width: number; height: number }) {
  const rows = useAppStore((s) => s.rows);
  const filter = useAppStore((s) => s.ui.filter);
  const selected = useAppStore((s) => s.ui.selected);
  const focused = useAppStore((s) => s.ui.panel === 'services');
  // The banner's text, not the status object: the object is new with every sample.
  const banner = useAppStore((s) => {
    const st = s.docker.status;
    return st.state === 'unreachable' ? `${st.reason} (since ${formatClock(st.since)})` : undefined;
  });
  const project = useAppStore((s) => s.frame.project);
  // The uptime texts as one string: the panel re-renders when one of them changes (every second
  // for a container younger than a minute, every minute otherwise), not on every clock tick.
  const uptimes = useAppStore((s) => s.rows.map((r) => uptimeText(r, s.now)).join('\u0000')).split('\u0000');
  const uptimeOf = new Map(rows.map((r, i) => [r.key, uptimes[i] ?? DASH]));
  const shown = visibleRows(rows, filter);
  const inner = width - 2;
  const cols = columnsFor(inner);
  const capacity = Math.max(1, height - 3 - (banner ? 1 : 0));
  // Keep the selection in view.
  const first = Math.max(0, Math.min(selected - capacity + 1, shown.length - capacity));
  const start = Math.max(0, Math.min(first, selected));
  const page = shown.slice(start, start + capacity);
  const upCount = rows.filter((r) => r.status === 'running' || r.status === 'external').length;
  const title = `Services ${upCount}/${rows.length} up · project ${project}${filter ? ` · filter "${filter}" ${shown.length}` : ''}${shown.length > capacity ? ` · ${start + 1}-${start + page.length} of ${shown.length}` : ''}`;
  return (
    <Panel title={title} focused={focused} width={width} height={height}>
      {banner ? (
        <Text color={paint('red')} wrap="truncate">✕ {banner}</Text>
      ) : null}
      <Text dimColor wrap="truncate">
        {'  '}
        {fit('SERVICE', cols.name)} {fit('STATE', cols.state)} {fit('HEALTH', cols.health)} {fit('UPTIME', cols.uptime, 'right')}{' '}
        {fit('RST', cols.restarts, 'right')} {fit('CPU', cols.cpu, 'right')} {fit('MEM', cols.mem, 'right')} {fit('PROBE', cols.probe)}
      </Text>
      {page.map((r, i) => (
        <Row
          key={r.key}
          row={r}
          selected={focused && start + i === selected}
          cols={cols}
          uptime={uptimeOf.get(r.key) ?? DASH}
        />
      ))}
      {shown.length === 0 ? <Text dimColor>{filter ? `no service matches "${filter}"` : 'no services configured'}</Text> : null}
    </Panel>
  );
}
