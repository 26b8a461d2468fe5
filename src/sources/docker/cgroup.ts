import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { RawStats } from '../../model/resources.js';

// CPU and memory of a container read straight from its cgroup, when k2mc runs on the engine's own
// host: the same counters `docker stats` reads, without a request to the daemon per container.
// Both cgroup versions and both drivers (cgroupfs, systemd) are recognised by the container's
// full id in the path; when none matches, the stats source asks the Docker API as before.

export interface CgroupStats extends RawStats {
  memUsage?: number;
  memLimit?: number;
}

interface Layout {
  cpu(id: string): string[];
  mem(id: string): string[];
  read(id: string, cpuDir: string, memDir: string): CgroupStats;
}

const NO_LIMIT = 2 ** 62;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readNumber(path: string): number | undefined {
  const t = readText(path)?.trim();
  if (t === undefined || t === 'max') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** A "key value" line of a cgroup stat file. */
export function statValue(text: string | undefined, key: string): number | undefined {
  const m = text ? new RegExp(`^${key} (\\d+)$`, 'm').exec(text) : null;
  return m ? Number(m[1]) : undefined;
}

function wall(cpuCount: number): Pick<RawStats, 'systemTotal' | 'onlineCpus'> {
  // Docker's formula divides by host CPU time and multiplies by the CPU count; host CPU time over
  // an interval is the wall time times the CPU count, so CPU % comes out as a share of one core.
  return { systemTotal: Number(process.hrtime.bigint()) * cpuCount, onlineCpus: cpuCount };
}

function v2(root: string, cpuCount: number): Layout {
  const dirs = (id: string) => [`${root}/system.slice/docker-${id}.scope`, `${root}/docker/${id}`];
  return {
    cpu: dirs,
    mem: dirs,
    read(_id, dir) {
      const usec = statValue(readText(`${dir}/cpu.stat`), 'usage_usec');
      if (usec === undefined) throw new Error('no cpu.stat');
      const current = readNumber(`${dir}/memory.current`);
      const inactive = statValue(readText(`${dir}/memory.stat`), 'inactive_file') ?? 0;
      return {
        cpuTotal: usec * 1000,
        ...wall(cpuCount),
        memUsage: current === undefined ? undefined : Math.max(0, current - inactive),
        memLimit: readNumber(`${dir}/memory.max`),
      };
    },
  };
}

function v1(root: string, cpuCount: number): Layout {
  const under = (controller: string, id: string) => [`${root}/${controller}/docker/${id}`, `${root}/${controller}/system.slice/docker-${id}.scope`];
  return {
    cpu: (id) => under('cpuacct', id),
    mem: (id) => under('memory', id),
    read(_id, cpuDir, memDir) {
      const ns = readNumber(`${cpuDir}/cpuacct.usage`);
      if (ns === undefined) throw new Error('no cpuacct.usage');
      const usage = readNumber(`${memDir}/memory.usage_in_bytes`);
      const inactive = statValue(readText(`${memDir}/memory.stat`), 'total_inactive_file') ?? 0;
      const limit = readNumber(`${memDir}/memory.limit_in_bytes`);
      return {
        cpuTotal: ns,
        ...wall(cpuCount),
        memUsage: usage === undefined ? undefined : Math.max(0, usage - inactive),
        memLimit: limit !== undefined && limit < NO_LIMIT ? limit : undefined,
      };
    },
  };
}

export class CgroupReader {
  private readonly layouts: Layout[];
  private readonly found = new Map<string, { layout: Layout; cpu: string; mem: string } | null>();

  constructor(root = '/sys/fs/cgroup', cpuCount = cpus().length || 1) {
    this.layouts = [v2(root, cpuCount), v1(root, cpuCount)];
  }

  /** The container's counters, or undefined when its cgroup is not visible from here. */
  read(id: string): CgroupStats | undefined {
    if (!/^[0-9a-f]{64}$/.test(id)) return undefined;
    let where = this.found.get(id);
    if (where === undefined) {
      where = this.locate(id);
      this.found.set(id, where);
    }
    if (!where) return undefined;
    try {
      return where.layout.read(id, where.cpu, where.mem);
    } catch {
      this.found.delete(id);
      return undefined;
    }
  }

  forget(id: string): void {
    this.found.delete(id);
  }

  private locate(id: string): { layout: Layout; cpu: string; mem: string } | null {
    for (const layout of this.layouts) {
      const cpu = layout.cpu(id).find((d) => {
        try {
          layout.read(id, d, d);
          return true;
        } catch {
          return false;
        }
      });
      if (!cpu) continue;
      const mem = layout.mem(id).find((d) => readText(`${d}/memory.stat`) !== undefined) ?? cpu;
      try {
        layout.read(id, cpu, mem);
        return { layout, cpu, mem };
      } catch {
        // keep looking
      }
    }
    return null;
  }
}
