import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CgroupReader, statValue } from '../../src/sources/docker/cgroup.js';
import { cpuPercent } from '../../src/model/resources.js';

// Cgroup trees written to a temporary folder, in each layout Docker uses.

const ID = 'a'.repeat(64);

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'k2mc-cgroup-'));
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

describe('CgroupReader', () => {
  it('reads cgroup v2 under the systemd driver', () => {
    const dir = `system.slice/docker-${ID}.scope`;
    const root = tree({
      [`${dir}/cpu.stat`]: 'usage_usec 2500000\nuser_usec 2000000\n',
      [`${dir}/memory.current`]: '10485760\n',
      [`${dir}/memory.stat`]: 'anon 1\ninactive_file 2097152\n',
      [`${dir}/memory.max`]: 'max\n',
    });
    const r = new CgroupReader(root, 2).read(ID)!;
    expect(r.cpuTotal).toBe(2_500_000_000);
    expect(r.memUsage).toBe(8 * 1024 * 1024);
    expect(r.memLimit).toBeUndefined();
    expect(r.onlineCpus).toBe(2);
  });

  it('reads cgroup v2 under cgroupfs', () => {
    const root = tree({ [`docker/${ID}/cpu.stat`]: 'usage_usec 1\n', [`docker/${ID}/memory.current`]: '100\n', [`docker/${ID}/memory.max`]: '1000\n' });
    expect(new CgroupReader(root, 1).read(ID)).toMatchObject({ cpuTotal: 1000, memUsage: 100, memLimit: 1000 });
  });

  it('reads cgroup v1 (cpuacct and memory controllers)', () => {
    const root = tree({
      [`cpuacct/docker/${ID}/cpuacct.usage`]: '123456789\n',
      [`memory/docker/${ID}/memory.usage_in_bytes`]: '5000\n',
      [`memory/docker/${ID}/memory.stat`]: 'cache 10\ntotal_inactive_file 1000\n',
      [`memory/docker/${ID}/memory.limit_in_bytes`]: '9223372036854771712\n',
    });
    expect(new CgroupReader(root, 4).read(ID)).toMatchObject({ cpuTotal: 123456789, memUsage: 4000, memLimit: undefined, onlineCpus: 4 });
  });

  it('gives CPU as a share of one core through the usual formula', async () => {
    const root = tree({ [`docker/${ID}/cpu.stat`]: 'usage_usec 0\n' });
    const reader = new CgroupReader(root, 2);
    const a = reader.read(ID)!;
    // Half a core for 200 ms of wall time: 100 ms of CPU.
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(join(root, `docker/${ID}/cpu.stat`), 'usage_usec 100000\n');
    const b = reader.read(ID)!;
    const pct = cpuPercent(a, b)!;
    expect(pct).toBeGreaterThan(20);
    expect(pct).toBeLessThanOrEqual(50);
  });

  it('is undefined for a container it cannot see, and for ids that are not full ids', () => {
    const root = tree({});
    expect(new CgroupReader(root).read(ID)).toBeUndefined();
    expect(new CgroupReader(root).read('../etc')).toBeUndefined();
  });

  it('reads key-value stat lines exactly', () => {
    expect(statValue('inactive_file 7\ntotal_inactive_file 9\n', 'inactive_file')).toBe(7);
    expect(statValue('total_inactive_file 9\n', 'inactive_file')).toBeUndefined();
  });
});
