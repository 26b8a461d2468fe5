// CPU and memory figures from Docker's raw stats counters.

export interface RawStats {
  cpuTotal: number;
  systemTotal: number;
  onlineCpus: number;
  memUsage?: number;
  memLimit?: number;
}

/**
 * CPU use in percent of one core between two one-shot samples, as `docker stats` computes it:
 * container CPU time delta over host CPU time delta, times the number of CPUs. Unknown without a
 * previous sample or when a counter went backwards (container restarted).
 */
export function cpuPercent(prev: RawStats | undefined, cur: RawStats): number | undefined {
  if (!prev) return undefined;
  const cpuDelta = cur.cpuTotal - prev.cpuTotal;
  const sysDelta = cur.systemTotal - prev.systemTotal;
  if (cpuDelta < 0 || sysDelta <= 0) return undefined;
  return (cpuDelta / sysDelta) * Math.max(1, cur.onlineCpus) * 100;
}

/** Memory in use without the page cache, as `docker stats` shows it (cgroup v1 and v2). */
export function memoryInUse(memoryStats: {
  usage?: number;
  stats?: Record<string, number | undefined>;
}): number | undefined {
  if (memoryStats.usage === undefined) return undefined;
  const s = memoryStats.stats ?? {};
  const cache = s.inactive_file ?? s.total_inactive_file ?? s.cache ?? 0;
  return Math.max(0, memoryStats.usage - (cache ?? 0));
}
