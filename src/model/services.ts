import type { ServiceSpec } from '../config/types.js';
import type { ContainerInfo, ContainerStats, Health, ProbeResult } from './types.js';

// Joins what the config expects with what Docker and the probes report into one row per service.

// 'unknown' while Docker cannot be asked; 'external' for a service found running outside Docker.
export type RowStatus = ContainerInfo['state'] | 'missing' | 'external' | 'unknown';

export interface ServiceRow {
  /** Stable key: the expected service name, or the container name for extra containers. */
  key: string;
  /** What the presenter reads: the container name. */
  name: string;
  service?: string;
  expected: boolean;
  essential: boolean;
  status: RowStatus;
  exitCode?: number;
  health: Health;
  containerId?: string;
  startedAt?: number;
  restartCount: number;
  cpuPercent?: number;
  memBytes?: number;
  memLimit?: number;
  probe?: ProbeResult;
  probeUrl?: string;
}

export function buildRows(
  specs: ServiceSpec[],
  containers: ContainerInfo[] | undefined,
  stats: Record<string, ContainerStats>,
  probes: Record<string, ProbeResult>,
): ServiceRow[] {
  const list = containers ?? [];
  const used = new Set<string>();
  const rows: ServiceRow[] = [];
  for (const spec of specs) {
    const c =
      list.find((x) => x.name === spec.container && !used.has(x.id)) ??
      list.find((x) => x.service === spec.name && !used.has(x.id));
    if (c) used.add(c.id);
    const probe = probes[spec.name];
    let status: RowStatus = c ? c.state : containers === undefined ? 'unknown' : 'missing';
    // The K2 API and consumer may run on the host: Docker has no such container, but a passing
    // probe means up. (While Docker cannot be asked, we cannot tell, so the row stays unknown.)
    if (!c && containers !== undefined && spec.mayRunOnHost && probe?.ok) status = 'external';
    rows.push(row(spec.name, c, stats, status, {
      name: c?.name ?? spec.container,
      service: spec.name,
      expected: true,
      essential: spec.essential,
      probe,
      probeUrl: spec.probe?.url,
    }));
  }
  const extras = list.filter((c) => !used.has(c.id)).sort((a, b) => a.name.localeCompare(b.name));
  for (const c of extras) {
    rows.push(row(c.name, c, stats, c.state, { name: c.name, service: c.service, expected: false, essential: false }));
  }
  return rows;
}

function row(
  key: string,
  c: ContainerInfo | undefined,
  stats: Record<string, ContainerStats>,
  status: RowStatus,
  base: Pick<ServiceRow, 'name' | 'service' | 'expected' | 'essential' | 'probe' | 'probeUrl'>,
): ServiceRow {
  const s = c ? stats[c.id] : undefined;
  return {
    key,
    ...base,
    status,
    exitCode: c?.exitCode,
    health: c?.health ?? 'none',
    containerId: c?.id,
    startedAt: c?.startedAt,
    restartCount: c?.restartCount ?? 0,
    cpuPercent: s?.cpuPercent,
    memBytes: s?.memBytes,
    memLimit: s?.memLimit,
  };
}

export function isUp(r: ServiceRow): boolean {
  return r.status === 'running' || r.status === 'external';
}

/** Up and, where Docker or a probe can tell, healthy. */
export function isHealthy(r: ServiceRow): boolean {
  if (!isUp(r)) return false;
  if (r.health === 'unhealthy' || r.health === 'starting') return false;
  if (r.probeUrl && r.probe && !r.probe.ok) return false;
  if (r.probe?.bodyStatus && r.probe.bodyStatus !== 'healthy' && r.probe.bodyStatus !== 'ok' && r.probe.bodyStatus !== 'UP') return false;
  return true;
}

/** Why a row is not green, in a few words; undefined when it is. */
export function rowProblem(r: ServiceRow): string | undefined {
  if (r.status === 'missing') return 'missing';
  if (r.status === 'unknown') return 'state unknown';
  if (r.status === 'exited') return r.exitCode !== undefined ? `exited (${r.exitCode})` : 'exited';
  if (!isUp(r)) return r.status;
  if (r.health === 'unhealthy') return 'unhealthy';
  if (r.health === 'starting') return 'health starting';
  if (r.probeUrl && r.probe && !r.probe.ok) return `probe ${r.probe.status ?? r.probe.error ?? 'failed'}`;
  if (r.probe?.bodyStatus && !isHealthy(r)) return `reports ${r.probe.bodyStatus}`;
  return undefined;
}

/** Whether two row lists would draw the same (so the store can keep the old one and skip a frame). */
export function sameRows(a: ServiceRow[], b: ServiceRow[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameRow(a[i]!, b[i]!)) return false;
  return true;
}

function sameRow(a: ServiceRow, b: ServiceRow): boolean {
  for (const k of Object.keys(b) as (keyof ServiceRow)[]) {
    if (k === 'probe') continue;
    if (a[k] !== b[k]) return false;
  }
  if (Object.keys(a).length !== Object.keys(b).length) return false;
  const p = a.probe;
  const q = b.probe;
  if (!p || !q) return p === q;
  return p.ok === q.ok && p.status === q.status && p.bodyStatus === q.bodyStatus && p.error === q.error && p.latencyMs === q.latencyMs && p.url === q.url;
}
