import { describe, expect, it } from 'vitest';
import { BUSY_CPU_PCT, BUSY_WINDOW_MS, OptimizerSwitch } from '../../src/app/optimizer.js';

describe('OptimizerSwitch', () => {
  const setup = (startsOff = true) => {
    const t = { now: 0, cpu: 0, turnedOn: 0 };
    const sw = new OptimizerSwitch(() => t.now, () => t.cpu, () => t.turnedOn++, startsOff);
    /** Let `ms` pass at `pct` % of a core, then ask. */
    const pass = (ms: number, pct: number) => {
      t.now += ms;
      t.cpu += (ms * pct) / 100;
      return sw.check();
    };
    return { t, sw, pass };
  };

  it('ignores a busy start-up, stays off while k2mc idles, turns on once for good when a window is busy', () => {
    const { t, sw, pass } = setup();
    expect(pass(BUSY_WINDOW_MS, 20)).toBe(false);
    for (let i = 0; i < 4; i++) expect(pass(BUSY_WINDOW_MS, BUSY_CPU_PCT - 1)).toBe(false);
    // Busy, but the window is not over yet.
    expect(pass(BUSY_WINDOW_MS / 2, 8)).toBe(false);
    expect(pass(BUSY_WINDOW_MS / 2, 8)).toBe(true);
    expect(t.turnedOn).toBe(1);
    expect(pass(BUSY_WINDOW_MS, 8)).toBe(false);
    expect(t.turnedOn).toBe(1);
    expect(sw.on).toBe(true);
  });

  it('does nothing when the compiler was on from the start', () => {
    const { t, pass } = setup(false);
    pass(BUSY_WINDOW_MS, 20);
    expect(pass(BUSY_WINDOW_MS, 20)).toBe(false);
    expect(t.turnedOn).toBe(0);
  });
});
