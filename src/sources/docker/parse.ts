import type { ContainerInfo, ContainerState, Health } from '../../model/types.js';

// Pure translation of Docker API JSON into k2mc's shapes.

export interface ListedContainer {
  Id: string;
  Names?: string[];
  Image?: string;
  State?: string;
  Status?: string;
  Labels?: Record<string, string>;
  Ports?: { IP?: string; PrivatePort?: number; PublicPort?: number; Type?: string }[];
}

const STATES: ContainerState[] = ['running', 'paused', 'restarting', 'exited', 'created', 'dead', 'removing'];

export function parseState(state: string | undefined): ContainerState {
  const s = (state ?? '').toLowerCase() as ContainerState;
  return STATES.includes(s) ? s : 'dead';
}

/** Health from the list's status text: "Up 3 minutes (healthy)", "Up 1 second (health: starting)". */
export function parseHealth(status: string | undefined): Health {
  const m = /\((healthy|unhealthy|health: starting)\)/.exec(status ?? '');
  if (!m) return 'none';
  return m[1] === 'health: starting' ? 'starting' : (m[1] as Health);
}

/** Exit code from "Exited (137) 5 seconds ago". */
export function parseExitCode(status: string | undefined): number | undefined {
  const m = /^Exited \((-?\d+)\)/.exec(status ?? '');
  return m ? Number(m[1]) : undefined;
}

export function formatPorts(ports: ListedContainer['Ports']): string[] {
  const out = new Set<string>();
  for (const p of ports ?? []) {
    if (p.PublicPort) out.add(`${p.IP && p.IP !== '0.0.0.0' && p.IP !== '::' ? p.IP + ':' : ''}${p.PublicPort}->${p.PrivatePort}/${p.Type ?? 'tcp'}`);
    else if (p.PrivatePort) out.add(`${p.PrivatePort}/${p.Type ?? 'tcp'}`);
  }
  return [...out];
}

export function fromListed(c: ListedContainer): ContainerInfo {
  const state = parseState(c.State);
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
    service: c.Labels?.['com.docker.compose.service'],
    image: c.Image ?? '',
    state,
    health: state === 'running' || state === 'paused' ? parseHealth(c.Status) : 'none',
    exitCode: state === 'exited' || state === 'dead' ? parseExitCode(c.Status) : undefined,
    restartCount: 0,
    ports: formatPorts(c.Ports),
  };
}

/** Docker's "0001-01-01T00:00:00Z" means never. */
export function parseDockerTime(text: string | undefined): number | undefined {
  if (!text || text.startsWith('0001-')) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/** Splits the multiplexed log stream of a container without a TTY (8-byte frame headers). */
export function demuxLogs(buf: Buffer): string[] {
  const lines: string[] = [];
  let text = '';
  let i = 0;
  const framed = buf.length >= 8 && (buf[0] === 1 || buf[0] === 2) && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
  if (!framed) text = buf.toString('utf8');
  else {
    while (i + 8 <= buf.length) {
      const size = buf.readUInt32BE(i + 4);
      text += buf.subarray(i + 8, i + 8 + size).toString('utf8');
      i += 8 + size;
    }
  }
  for (const line of text.split('\n')) if (line.trim() !== '') lines.push(line.replace(/\r$/, ''));
  return lines;
}
