import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler, DeadlineError } from '../../src/clock/scheduler.js';
import type { Source } from '../../src/sources/types.js';

// Fake timers: the scheduler's logic (cadence, no overlap, deadlines) is checked without
// depending on how fast this machine is.

function source(name: string, everyTicks: number, timeoutMs: number, impl: (signal: AbortSignal) => Promise<unknown>): Source<unknown> & { calls: number } {
  const s = {
    name,
    everyTicks,
    timeoutMs,
    calls: 0,
    sample(signal: AbortSignal) {
      s.calls++;
      return impl(signal);
    },
  };
  return s;
}

describe('Scheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('samples each source on its cadence and reports results', async () => {
    const results: string[] = [];
    const sch = new Scheduler(1000, {
      onSample: (name, value) => results.push(`${name}=${value}`),
      onError: () => results.push('error'),
    });
    const fast = source('fast', 1, 500, async () => 'f');
    const slow = source('slow', 2, 500, async () => 's');
    sch.add(fast);
    sch.add(slow);
    sch.start();
    await vi.advanceTimersByTimeAsync(3500); // ticks at 0, 1000, 2000, 3000
    sch.stop();
    expect(fast.calls).toBe(4);
    expect(slow.calls).toBe(2);
    expect(results.filter((r) => r === 'fast=f')).toHaveLength(4);
  });

  it('never overlaps two samples of one source, however slow it is', async () => {
    let resolve: (() => void) | undefined;
    const hanging = source('docker', 1, 10_000, () => new Promise<void>((r) => (resolve = r)));
    const sch = new Scheduler(1000, { onSample: () => {}, onError: () => {} });
    sch.add(hanging);
    sch.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(hanging.calls).toBe(1);
    resolve!();
    await vi.advanceTimersByTimeAsync(1000);
    expect(hanging.calls).toBe(2);
    sch.stop();
  });

  it('reports a deadline error, aborts the sample, and frees the slot once it settles', async () => {
    const errors: unknown[] = [];
    let aborted = false;
    const s = source('kafka', 1, 300, (signal) => new Promise((_, reject) => {
      signal.addEventListener('abort', () => {
        aborted = true;
        reject(new Error('aborted'));
      });
    }));
    const sch = new Scheduler(1000, { onSample: () => {}, onError: (_n, e) => errors.push(e) });
    sch.add(s);
    sch.start();
    await vi.advanceTimersByTimeAsync(301);
    expect(aborted).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DeadlineError);
    expect((errors[0] as Error).message).toBe('no answer within 300 ms');
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.calls).toBe(2); // the next tick samples again
    sch.stop();
  });

  it('gives up on a sample that ignores the abort after three deadlines', async () => {
    const s = source('stuck', 1, 100, () => new Promise(() => {}));
    const sch = new Scheduler(1000, { onSample: () => {}, onError: () => {} });
    sch.add(s);
    sch.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(s.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.calls).toBe(2);
    sch.stop();
  });

  it('a nudge samples at once, or right after the running sample', async () => {
    let resolve: (() => void) | undefined;
    const s = source('docker', 1, 5000, () => new Promise<void>((r) => (resolve = r)));
    const sch = new Scheduler(1000, { onSample: () => {}, onError: () => {} });
    sch.add(s);
    sch.start();
    expect(s.calls).toBe(1);
    sch.nudge('docker');
    expect(s.calls).toBe(1);
    resolve!();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.calls).toBe(2);
    sch.stop();
  });

  it('a delayed nudge waits, and nudges during the wait join it', async () => {
    const s = source('docker', 10, 500, async () => 1);
    const sch = new Scheduler(1000, { onSample: () => {}, onError: () => {} });
    sch.add(s);
    sch.start();
    expect(s.calls).toBe(1);
    sch.nudge('docker', 60);
    sch.nudge('docker', 60);
    sch.nudge('docker');
    await vi.advanceTimersByTimeAsync(59);
    expect(s.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.calls).toBe(2);
    sch.nudge('docker', 60);
    sch.stop();
    await vi.advanceTimersByTimeAsync(100);
    expect(s.calls).toBe(2);
  });

  it('one failing source does not stop another', async () => {
    const seen: string[] = [];
    const sch = new Scheduler(1000, { onSample: (n) => seen.push(n), onError: (n) => seen.push(`${n}!`) });
    sch.add(source('bad', 1, 500, async () => { throw new Error('boom'); }));
    sch.add(source('good', 1, 500, async () => 1));
    sch.start();
    await vi.advanceTimersByTimeAsync(1500);
    sch.stop();
    expect(seen.filter((x) => x === 'good')).toHaveLength(2);
    expect(seen.filter((x) => x === 'bad!')).toHaveLength(2);
  });

  it('counts what each source did: samples, failures, deadlines, busy ticks, the slowest sample', async () => {
    let resolve: (() => void) | undefined;
    let slow = true;
    const s = source('docker', 1, 2500, () => (slow ? new Promise<void>((r) => (resolve = r)) : Promise.resolve()));
    const bad = source('kafka', 1, 500, async () => {
      throw new Error('refused');
    });
    const sch = new Scheduler(1000, { onSample: () => {}, onError: () => {} });
    sch.add(s);
    sch.add(bad);
    sch.start();
    await vi.advanceTimersByTimeAsync(2000); // ticks at 0, 1000, 2000: two skipped while the first runs
    slow = false;
    resolve!();
    await vi.advanceTimersByTimeAsync(1000); // tick at 3000 samples again
    sch.stop();
    const st = sch.stats();
    expect(st.docker).toEqual({ started: 2, ok: 2, failed: 0, deadlines: 0, busySkips: 2, maxInFlight: 1, maxMs: 2000, totalMs: 2000 });
    expect(st.kafka).toMatchObject({ started: 4, ok: 0, failed: 4, deadlines: 0, busySkips: 0, maxInFlight: 1 });
  });

  it('a deadline is counted, and a sample given up on shows as two in flight', async () => {
    const s = source('stuck', 1, 100, () => new Promise(() => {}));
    const sch = new Scheduler(1000, { onSample: () => {}, onError: () => {} });
    sch.add(s);
    sch.start();
    await vi.advanceTimersByTimeAsync(1000); // the first is given up on at 300 ms; the tick at 1000 starts another
    sch.stop();
    expect(sch.stats().stuck).toMatchObject({ started: 2, ok: 0, deadlines: 1, maxInFlight: 2 });
  });
});
