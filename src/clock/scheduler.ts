import type { Source } from '../sources/types.js';

// The one clock of k2mc. Every tick it starts the sources that are due, unless that source's
// previous sample is still running (no pile-up when a server is slow) and gives each sample a
// deadline. Results and failures go to the callbacks; a failing source never affects another.

export interface SchedulerCallbacks {
  onTick?(now: number): void;
  onSample(source: string, value: unknown, startedAt: number, finishedAt: number): void;
  onError(source: string, error: unknown, startedAt: number): void;
}

/** What one source's sampling did since start: the evidence that nothing piles up. */
export interface SourceStats {
  /** Samples started. */
  started: number;
  ok: number;
  failed: number;
  /** Samples that missed their deadline (counted in failed too when reported). */
  deadlines: number;
  /** Ticks on which the source was due but its previous sample was still running (skipped). */
  busySkips: number;
  /** Samples running at once, at most (1 by construction: this is its measurement). */
  maxInFlight: number;
  /** Wall time of the slowest sample and the sum of all, ms. */
  maxMs: number;
  totalMs: number;
}

interface Slot {
  source: Source<unknown>;
  running: boolean;
  stats: SourceStats;
  inFlight: number;
  /** Set when another sample was asked for while one was running (e.g. an event nudged it). */
  pending: boolean;
  nudgeTimer?: NodeJS.Timeout;
}

export class Scheduler {
  private readonly slots = new Map<string, Slot>();
  private timer: NodeJS.Timeout | undefined;
  private tickCount = 0;
  private stopped = false;

  constructor(
    private readonly periodMs: number,
    private readonly callbacks: SchedulerCallbacks,
    private readonly now: () => number = Date.now,
  ) {}

  add(source: Source<unknown>): void {
    this.slots.set(source.name, { source, running: false, pending: false, inFlight: 0, stats: { started: 0, ok: 0, failed: 0, deadlines: 0, busySkips: 0, maxInFlight: 0, maxMs: 0, totalMs: 0 } });
  }

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.periodMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const slot of this.slots.values()) {
      clearTimeout(slot.nudgeTimer);
      slot.nudgeTimer = undefined;
      slot.source.close?.();
    }
  }

  get ticks(): number {
    return this.tickCount;
  }

  /** Each source's counters (copies). */
  stats(): Record<string, SourceStats> {
    return Object.fromEntries([...this.slots].map(([name, slot]) => [name, { ...slot.stats }]));
  }

  /**
   * Sample a source outside its cadence (an event said something changed), now or after `afterMs`;
   * nudges that arrive while one is waiting join it, so a burst of events costs one sample.
   */
  nudge(name: string, afterMs = 0): void {
    const slot = this.slots.get(name);
    if (!slot || this.stopped || slot.nudgeTimer) return;
    if (afterMs > 0) {
      slot.nudgeTimer = setTimeout(() => {
        slot.nudgeTimer = undefined;
        this.nudge(name);
      }, afterMs);
      return;
    }
    if (slot.running) slot.pending = true;
    else void this.run(slot);
  }

  /** One tick now, without the interval: for a harness that drives the clock itself (bench soak). */
  step(): void {
    if (!this.stopped) this.tick();
  }

  private tick(): void {
    const now = this.now();
    this.callbacks.onTick?.(now);
    for (const slot of this.slots.values()) {
      if (this.tickCount % slot.source.everyTicks !== 0) continue;
      if (slot.running) slot.stats.busySkips++;
      else void this.run(slot);
    }
    this.tickCount++;
  }

  // At the deadline the failure is reported and the sample aborted, but the slot stays busy until
  // the sample really settles, so a server that ignores the abort cannot make requests pile up.
  // A sample that outlives three deadlines is given up on, so one stuck socket cannot freeze a source.
  private async run(slot: Slot): Promise<void> {
    slot.running = true;
    slot.pending = false;
    const stats = slot.stats;
    stats.started++;
    stats.maxInFlight = Math.max(stats.maxInFlight, ++slot.inFlight);
    const startedAt = this.now();
    const controller = new AbortController();
    const { timeoutMs, name } = slot.source;
    let reported = false;
    const deadline = setTimeout(() => {
      reported = true;
      stats.deadlines++;
      controller.abort();
      if (!this.stopped) this.callbacks.onError(name, new DeadlineError(timeoutMs), startedAt);
    }, timeoutMs);
    let release: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => {
      release = setTimeout(resolve, timeoutMs * 3);
    });
    const settled = () => {
      slot.inFlight--;
      const ms = this.now() - startedAt;
      stats.totalMs += ms;
      stats.maxMs = Math.max(stats.maxMs, ms);
    };
    const work = slot.source.sample(controller.signal).then(
      (value) => {
        settled();
        if (reported) stats.failed++;
        else stats.ok++;
        if (!reported && !this.stopped) this.callbacks.onSample(name, value, startedAt, this.now());
      },
      (error: unknown) => {
        settled();
        stats.failed++;
        if (!reported && !this.stopped) this.callbacks.onError(name, error, startedAt);
      },
    );
    try {
      await Promise.race([work, giveUp]);
    } finally {
      clearTimeout(deadline);
      clearTimeout(release);
      slot.running = false;
      if (slot.pending && !this.stopped) void this.run(slot);
    }
  }
}

export class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}
