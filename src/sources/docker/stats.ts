import type { Source } from '../types.js';
import type { ContainerInfo, ContainerStats } from '../../model/types.js';
import { cpuPercent, memoryInUse, type RawStats } from '../../model/resources.js';
import { eachLimited } from './source.js';
import type { DockerApi } from './api.js';
import type { CgroupReader } from './cgroup.js';

// CPU and memory per running container: from its cgroup files when the engine runs on this host
// (no work for the daemon at all), else from one-shot stats requests. A bounded batch per sample,
// round-robin, each container refreshed at most every `intervalMs`; no streams per container.
// CPU % comes from the difference between two of our own samples, which is why the first figure
// of a container appears one round later.

interface StatsJson {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
}

function fromApi(s: StatsJson): { raw: RawStats; memBytes?: number; memLimit?: number } {
  return {
    raw: {
      cpuTotal: s.cpu_stats?.cpu_usage?.total_usage ?? 0,
      systemTotal: s.cpu_stats?.system_cpu_usage ?? 0,
      onlineCpus: s.cpu_stats?.online_cpus ?? s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 1,
    },
    memBytes: memoryInUse(s.memory_stats ?? {}),
    memLimit: s.memory_stats?.limit,
  };
}

export interface StatsSourceOptions {
  /** Read counters from the local cgroup filesystem when the engine runs on this host. */
  cgroups?: CgroupReader;
  everyTicks?: number;
  timeoutMs?: number;
  intervalMs?: number;
  maxPerSample?: number;
  concurrency?: number;
}

export class DockerStatsSource implements Source<Record<string, ContainerStats>> {
  readonly name = 'stats';
  readonly everyTicks: number;
  readonly timeoutMs: number;
  private readonly raw = new Map<string, { raw: RawStats; local: boolean }>();
  private readonly stats = new Map<string, ContainerStats>();
  private cursor = 0;

  constructor(
    private readonly api: DockerApi,
    private readonly containers: () => ContainerInfo[],
    private readonly opts: StatsSourceOptions = {},
  ) {
    this.everyTicks = opts.everyTicks ?? 2;
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  async sample(signal: AbortSignal): Promise<Record<string, ContainerStats>> {
    const interval = this.opts.intervalMs ?? 2000;
    const max = this.opts.maxPerSample ?? 24;
    const now = Date.now();
    const all = this.containers();
    const running = all.filter((c) => c.state === 'running');
    // Paused and stopped containers use no CPU: drop their figures rather than show stale ones.
    const runningIds = new Set(running.map((c) => c.id));
    for (const id of [...this.stats.keys()]) {
      if (!runningIds.has(id)) {
        this.stats.delete(id);
        this.raw.delete(id);
        this.opts.cgroups?.forget(id);
      }
    }
    const due: ContainerInfo[] = [];
    for (let k = 0; k < running.length && due.length < max; k++) {
      const c = running[(this.cursor + k) % running.length]!;
      const last = this.stats.get(c.id);
      // Lenient: a round that started a little early (the previous one ran long) still counts.
      if (!last || now - last.at >= interval * 0.75) due.push(c);
    }
    if (running.length) this.cursor = (this.cursor + due.length) % running.length;
    await eachLimited(due, this.opts.concurrency ?? 4, async (c) => {
      if (signal.aborted) return;
      try {
        const local = this.opts.cgroups?.read(c.id);
        const { raw, memBytes, memLimit } = local
          ? { raw: local, memBytes: local.memUsage, memLimit: local.memLimit }
          : fromApi(await this.api.json<StatsJson>(`/containers/${c.id}/stats?stream=false&one-shot=true`, signal));
        // Counters of the two origins do not mix: a switch starts the CPU figure afresh.
        const prev = this.raw.get(c.id);
        const cpu = prev && prev.local === Boolean(local) ? cpuPercent(prev.raw, raw) : undefined;
        this.raw.set(c.id, { raw, local: Boolean(local) });
        this.stats.set(c.id, { cpuPercent: cpu ?? this.stats.get(c.id)?.cpuPercent, memBytes, memLimit, at: Date.now() });
      } catch {
        // Stopped between list and stats, or aborted: its figures simply stay as they were.
      }
    });
    return Object.fromEntries(this.stats);
  }
}
