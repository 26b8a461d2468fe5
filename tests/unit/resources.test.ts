import { describe, expect, it } from 'vitest';
import { cpuPercent, memoryInUse } from '../../src/model/resources.js';

describe('cpuPercent', () => {
  it('is unknown without a previous sample', () => {
    expect(cpuPercent(undefined, { cpuTotal: 10, systemTotal: 100, onlineCpus: 2 })).toBeUndefined();
  });
  it('scales the container share of host CPU time by the CPU count (docker stats formula)', () => {
    const prev = { cpuTotal: 1_000, systemTotal: 100_000, onlineCpus: 2 };
    const cur = { cpuTotal: 6_000, systemTotal: 200_000, onlineCpus: 2 };
    // 5,000 / 100,000 × 2 × 100 = 10 %
    expect(cpuPercent(prev, cur)).toBeCloseTo(10);
  });
  it('is unknown when a counter went backwards (container restarted)', () => {
    expect(cpuPercent({ cpuTotal: 5000, systemTotal: 100, onlineCpus: 1 }, { cpuTotal: 10, systemTotal: 200, onlineCpus: 1 })).toBeUndefined();
    expect(cpuPercent({ cpuTotal: 1, systemTotal: 100, onlineCpus: 1 }, { cpuTotal: 2, systemTotal: 100, onlineCpus: 1 })).toBeUndefined();
  });
});

describe('memoryInUse', () => {
  it('subtracts inactive file pages (cgroup v2) or cache (cgroup v1)', () => {
    expect(memoryInUse({ usage: 1000, stats: { inactive_file: 300 } })).toBe(700);
    expect(memoryInUse({ usage: 1000, stats: { cache: 100 } })).toBe(900);
    expect(memoryInUse({ usage: 1000 })).toBe(1000);
    expect(memoryInUse({})).toBeUndefined();
  });
});
