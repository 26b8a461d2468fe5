import { describe, expect, it } from 'vitest';
import { HostSource, hostRates, parseMeminfo, parseNetDev, parseProcStat } from '../../src/sources/host.js';

describe('host figures from /proc', () => {
  it('parses /proc/stat, /proc/meminfo and /proc/net/dev', () => {
    expect(parseProcStat('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4\n')).toEqual({ cpuBusy: 150, cpuTotal: 1000 });
    expect(parseMeminfo('MemTotal:       16384 kB\nMemFree: 1 kB\nMemAvailable:    4096 kB\n')).toEqual({ total: 16384 * 1024, used: 12288 * 1024 });
    const dev = 'Inter-|   Receive\n face |bytes packets\n    lo: 999 1 0 0 0 0 0 0 999 1 0 0 0 0 0 0\n  eth0: 1000 5 0 0 0 0 0 0 200 3 0 0 0 0 0 0\n';
    expect(parseNetDev(dev)).toEqual({ rx: 1000, tx: 200 });
  });
  it('computes CPU % and byte rates between two readings, unknown on the first or after a reset', () => {
    const a = { cpuBusy: 100, cpuTotal: 1000, rx: 0, tx: 0, at: 0 };
    const b = { cpuBusy: 350, cpuTotal: 2000, rx: 2048, tx: 1024, at: 2000 };
    expect(hostRates(undefined, b)).toEqual({});
    expect(hostRates(a, b)).toEqual({ cpuPercent: 25, rxPerSec: 1024, txPerSec: 512 });
    expect(hostRates(b, { ...a, at: 4000 }).rxPerSec).toBeUndefined();
  });
  it('samples this machine: a CPU figure from the first sample, memory and disk', async () => {
    const h = await new HostSource(() => '/').sample();
    expect(h.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(h.memTotal).toBeGreaterThan(0);
    expect(h.diskTotal).toBeGreaterThan(0);
    expect(h.diskPath).toBe('/');
  });
});
