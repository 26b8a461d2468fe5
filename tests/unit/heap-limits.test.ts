import { describe, expect, it } from 'vitest';
import { HeapLimits, OLD_GROWTH_PERCENT, YOUNG_CAP_BYTES } from '../../src/app/heap-limits.js';

describe('HeapLimits', () => {
  it('limits the old generation at once and stops the young one growing once it reaches the cap', () => {
    const flags: string[] = [];
    let young = 2 * 2 ** 20;
    const limits = new HeapLimits((f) => flags.push(f), () => young);
    expect(flags).toEqual([`--heap-growing-percent=${OLD_GROWTH_PERCENT}`]);
    limits.check();
    expect(flags).toHaveLength(1);
    young = YOUNG_CAP_BYTES;
    limits.check();
    limits.check();
    expect(flags).toEqual([`--heap-growing-percent=${OLD_GROWTH_PERCENT}`, '--semi-space-growth-factor=1']);
  });

});
