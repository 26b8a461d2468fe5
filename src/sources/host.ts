import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { Source } from './types.js';
import type { HostSample } from '../model/types.js';

// Host resources. On Linux they are read straight from /proc (three small files) and a statfs of
// the Docker data root: no process is spawned. systeminformation, which spawns helper processes
// for its network figures and cost ~15% of a core when polled every 2 s, is used only where /proc
// does not exist.

const MIN_INTERVAL_MS = 250;

interface Counters {
  cpuBusy: number;
  cpuTotal: number;
  rx: number;
  tx: number;
  at: number;
}

export class HostSource implements Source<HostSample> {
  readonly name = 'host';
  readonly timeoutMs = 3000;
  private prev: Counters | undefined;
  private readonly hasProc: boolean;

  constructor(
    private readonly diskPath: () => string | undefined,
    readonly everyTicks = 2,
  ) {
    // A first reading now, so that the first sample already has a CPU figure and rates.
    try {
      this.prev = { ...parseProcStat(readFileSync('/proc/stat', 'utf8')), ...parseNetDev(readFileSync('/proc/net/dev', 'utf8')), at: Date.now() };
    } catch {
      // No /proc (not Linux): systeminformation takes over.
    }
    this.hasProc = this.prev !== undefined;
  }

  async sample(): Promise<HostSample> {
    const disk = await this.disk();
    if (!this.hasProc) return { ...(await this.fallback()), ...disk, at: Date.now() };
    // The first sample may come right after the reading taken at construction: too close for a
    // CPU figure, so let a quarter second pass.
    const since = this.prev ? Date.now() - this.prev.at : Infinity;
    if (since < MIN_INTERVAL_MS) await new Promise((r) => setTimeout(r, MIN_INTERVAL_MS - since));
    // /proc files are generated in memory and never block: reading them synchronously avoids
    // four thread-pool round trips per file.
    const stat = readFileSync('/proc/stat', 'utf8');
    const meminfo = readFileSync('/proc/meminfo', 'utf8');
    const netdev = readFileSync('/proc/net/dev', 'utf8');
    const cpu = parseProcStat(stat);
    const net = parseNetDev(netdev);
    const mem = parseMeminfo(meminfo);
    const cur: Counters = { ...cpu, ...net, at: Date.now() };
    const rates = hostRates(this.prev, cur);
    this.prev = cur;
    return { ...rates, memUsed: mem.used, memTotal: mem.total, ...disk, at: cur.at };
  }

  private async disk(): Promise<Pick<HostSample, 'diskUsed' | 'diskTotal' | 'diskPath'>> {
    const path = this.diskPath() ?? '/';
    for (const p of [path, '/']) {
      try {
        const s = await statfs(p);
        const total = s.blocks * s.bsize;
        return { diskTotal: total, diskUsed: total - s.bfree * s.bsize, diskPath: p };
      } catch {
        // The data root may be on a remote engine or unreadable: fall back to /.
      }
    }
    return {};
  }

  private async fallback(): Promise<Partial<HostSample>> {
    const { default: si } = await import('systeminformation');
    const [load, mem] = await Promise.all([si.currentLoad().catch(() => undefined), si.mem().catch(() => undefined)]);
    return { cpuPercent: load?.currentLoad, memUsed: mem?.active, memTotal: mem?.total };
  }
}

/** Busy and total jiffies from the aggregate "cpu" line of /proc/stat. */
export function parseProcStat(text: string): { cpuBusy: number; cpuTotal: number } {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no cpu line');
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const total = v.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { cpuBusy: total - idle, cpuTotal: total };
}

/** Used memory as `free` shows it: total − available. */
export function parseMeminfo(text: string): { total?: number; used?: number } {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  return { total, used: total !== undefined && available !== undefined ? total - available : undefined };
}

/** Received and sent bytes summed over every interface but loopback. */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest || name!.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx, tx };
}

/** CPU % and network rates between two readings; unknown on the first or after a counter reset. */
export function hostRates(prev: Counters | undefined, cur: Counters): Pick<HostSample, 'cpuPercent' | 'rxPerSec' | 'txPerSec'> {
  if (!prev) return {};
  const dTotal = cur.cpuTotal - prev.cpuTotal;
  const dBusy = cur.cpuBusy - prev.cpuBusy;
  const seconds = (cur.at - prev.at) / 1000;
  const rate = (a: number, b: number) => (seconds > 0 && b >= a ? (b - a) / seconds : undefined);
  return {
    cpuPercent: dTotal > 0 && dBusy >= 0 ? (dBusy / dTotal) * 100 : undefined,
    rxPerSec: rate(prev.rx, cur.rx),
    txPerSec: rate(prev.tx, cur.tx),
  };
}
