import type { ServiceRow } from './services.js';
import type { LogEvent, Severity } from './types.js';

// The event log's lines for what changed between two snapshots of the service rows.

function describeStatus(r: ServiceRow): string {
  if (r.status === 'exited' && r.exitCode !== undefined) return `exited (${r.exitCode})`;
  return r.status;
}

function probeWord(r: ServiceRow): string | undefined {
  if (!r.probe) return undefined;
  return r.probe.ok ? `${r.probe.status}` : (r.probe.status?.toString() ?? r.probe.error ?? 'failed');
}

export function diffRows(prev: ServiceRow[], next: ServiceRow[], at: number): LogEvent[] {
  const events: LogEvent[] = [];
  const before = new Map(prev.map((r) => [r.key, r]));
  const push = (severity: Severity, text: string) => events.push({ at, severity, text });
  for (const r of next) {
    const p = before.get(r.key);
    if (!p) {
      if (!r.expected) push('info', `${r.name} appeared (${describeStatus(r)})`);
      continue;
    }
    before.delete(r.key);
    if (p.status !== r.status || (r.status === 'exited' && p.exitCode !== r.exitCode)) {
      const bad = r.status !== 'running' && r.status !== 'external';
      push(bad ? (r.essential ? 'error' : 'warn') : 'ok', `${r.name} ${describeStatus(p)} → ${describeStatus(r)}`);
    } else if (p.health !== r.health && r.health !== 'none' && p.health !== 'none') {
      push(r.health === 'unhealthy' ? (r.essential ? 'error' : 'warn') : r.health === 'healthy' ? 'ok' : 'info',
        `${r.name} ${p.health} → ${r.health}`);
    } else if (p.health === 'none' && r.health !== 'none' && p.status === r.status) {
      push(r.health === 'unhealthy' ? 'warn' : 'info', `${r.name} health ${r.health}`);
    }
    if (r.restartCount > p.restartCount && p.containerId === r.containerId) {
      push('warn', `${r.name} restarted (${r.restartCount} restarts)`);
    }
    const pw = probeWord(p);
    const nw = probeWord(r);
    if (p.probe && r.probe && p.probe.ok !== r.probe.ok) {
      push(r.probe.ok ? 'ok' : r.essential ? 'error' : 'warn', `${r.name} probe ${pw} → ${nw}`);
    } else if (p.probe?.bodyStatus && r.probe?.bodyStatus && p.probe.bodyStatus !== r.probe.bodyStatus) {
      push(r.probe.bodyStatus === 'healthy' ? 'ok' : 'warn', `${r.name} reports ${p.probe.bodyStatus} → ${r.probe.bodyStatus}`);
    }
  }
  for (const p of before.values()) {
    if (!p.expected) push('info', `${p.name} removed`);
  }
  return events;
}
