import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

// V8 sizes its heap for throughput, not for a dashboard that should stay small for hours. Two
// limits, both V8 flags that are read while the program runs (so they can be set from here):
//
// - The old generation may grow to only 1.2× what is alive after a full collection (V8 picks up
//   to 4×). At scale (300 services, 50 topics, 20 groups) objects that die after a few cycles are
//   promoted and then wait for a full collection: peak RSS went from 172 MB to ~150 MB.
// - The young generation stops growing at 8 MB (V8 grows it up to 32 MB under heavy allocation).
//   Its size is fixed when the process starts, so the cap works by setting the growth factor to 1
//   once the young generation has reached 8 MB.
//
// Created before the first frame: at scale the first frames alone would grow the young generation
// past the cap before a later check (it reached 32 MB that way).
//
// A full collection of k2mc's ~30 MB heap takes ~10 ms; at most a few a minute at scale, and far
// fewer with a live 12-container platform.

export const OLD_GROWTH_PERCENT = 20;
export const YOUNG_CAP_BYTES = 8 * 2 ** 20;

export class HeapLimits {
  private capped = false;

  constructor(
    private readonly setFlags: (flags: string) => void = setFlagsFromString,
    private readonly youngBytes: () => number = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0,
  ) {
    this.setFlags(`--heap-growing-percent=${OLD_GROWTH_PERCENT}`);
    this.check();
  }

  /** Called on the clock's ticks: stops the young generation's growth once it reaches the cap. */
  check(): void {
    if (this.capped || this.youngBytes() < YOUNG_CAP_BYTES) return;
    this.capped = true;
    this.setFlags('--semi-space-growth-factor=1');
  }
}
