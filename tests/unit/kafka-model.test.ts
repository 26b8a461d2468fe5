import { describe, expect, it } from 'vitest';
import { lagTrend, rateBetween, topicLag, topicTotal, TREND_WINDOW_MS, type TopicOffsets } from '../../src/model/kafka.js';

const T0 = Date.UTC(2026, 0, 14, 10);

function topic(parts: [low: number, high: number][], name = 'market.ticks'): TopicOffsets {
  return { name, partitions: parts.map(([low, high], partition) => ({ partition, low, high })) };
}

function committed(offsets: Record<number, number>, topicName = 'market.ticks') {
  return { topic: topicName, partitions: Object.entries(offsets).map(([p, offset]) => ({ partition: Number(p), offset })) };
}

/** History samples from [seconds after T0, lag] pairs. */
function hist(points: [sec: number, lag: number][]) {
  return points.map(([sec, lag]) => ({ at: T0 + sec * 1000, lag }));
}

describe('topicTotal', () => {
  it('sums the end offsets of all partitions, whatever the low watermarks', () => {
    expect(topicTotal(topic([[0, 100], [50, 250], [7, 7]]))).toBe(357);
  });
  it('is 0 for a topic without partitions or without messages', () => {
    expect(topicTotal({ name: 'empty', partitions: [] })).toBe(0);
    expect(topicTotal(topic([[0, 0], [0, 0]]))).toBe(0);
  });
});

describe('rateBetween', () => {
  it('is unknown for the first sample', () => {
    expect(rateBetween(undefined, { total: 1000, at: T0 })).toBeUndefined();
  });
  it('divides by the measured time, not a nominal interval', () => {
    expect(rateBetween({ total: 1000, at: T0 }, { total: 1300, at: T0 + 1500 })).toBe(200);
    expect(rateBetween({ total: 1300, at: T0 + 1500 }, { total: 1400, at: T0 + 2000 })).toBe(200);
    expect(rateBetween({ total: 0, at: T0 }, { total: 50, at: T0 + 250 })).toBe(200);
    expect(rateBetween({ total: 0, at: T0 }, { total: 100, at: T0 + 4000 })).toBe(25);
  });
  it('is a genuine 0 when the total did not change', () => {
    expect(rateBetween({ total: 500, at: T0 }, { total: 500, at: T0 + 1000 })).toBe(0);
  });
  it('is unknown, never 0, when the total went backwards (topic recreated)', () => {
    const r = rateBetween({ total: 10_000, at: T0 }, { total: 20, at: T0 + 1000 });
    expect(r).toBeUndefined();
    expect(rateBetween({ total: 10_000, at: T0 }, { total: 9_999, at: T0 + 1000 })).toBeUndefined();
  });
  it('is unknown when time did not move forward', () => {
    expect(rateBetween({ total: 100, at: T0 }, { total: 200, at: T0 })).toBeUndefined();
    expect(rateBetween({ total: 100, at: T0 }, { total: 200, at: T0 - 1000 })).toBeUndefined();
    expect(rateBetween({ total: 100, at: T0 }, { total: 100, at: T0 })).toBeUndefined();
  });
});

describe('topicLag', () => {
  it('sums end − committed over the partitions', () => {
    const r = topicLag(topic([[0, 100], [0, 200], [0, 300]]), committed({ 0: 90, 1: 150, 2: 300 }));
    expect(r).toEqual({ topic: 'market.ticks', lag: 10 + 50 + 0, worst: { partition: 1, lag: 50 }, uncommitted: 0 });
  });
  it('names the worst partition, the lowest number on ties, whatever the order given', () => {
    const t: TopicOffsets = {
      name: 'x',
      partitions: [
        { partition: 3, low: 0, high: 100 },
        { partition: 1, low: 0, high: 100 },
        { partition: 2, low: 0, high: 100 },
      ],
    };
    const r = topicLag(t, committed({ 1: 60, 2: 90, 3: 60 }, 'x'));
    expect(r.lag).toBe(40 + 10 + 40);
    expect(r.worst).toEqual({ partition: 1, lag: 40 });
  });
  it('counts a partition without a committed offset (-1 or absent) from the low watermark', () => {
    // p0 committed at 100 of 120 → 20; p1 -1, low 30 high 80 → 50; p2 absent, low 10 high 15 → 5
    const r = topicLag(topic([[0, 120], [30, 80], [10, 15]]), committed({ 0: 100, 1: -1 }));
    expect(r.lag).toBe(20 + 50 + 5);
    expect(r.uncommitted).toBe(2);
    expect(r.worst).toEqual({ partition: 1, lag: 50 });
  });
  it('counts a committed offset past the end (topic recreated) as 0 for that partition', () => {
    const r = topicLag(topic([[0, 10], [0, 100]]), committed({ 0: 5_000, 1: 40 }));
    expect(r.lag).toBe(60);
    expect(r.uncommitted).toBe(0);
    expect(r.worst).toEqual({ partition: 1, lag: 60 });
  });
  it('counts every partition from the low watermark when the group has no offsets on the topic', () => {
    const r = topicLag(topic([[5, 25], [0, 0], [100, 400]]), undefined);
    expect(r).toEqual({ topic: 'market.ticks', lag: 20 + 0 + 300, worst: { partition: 2, lag: 300 }, uncommitted: 3 });
  });
  it('has no worst partition for a topic without partitions', () => {
    expect(topicLag({ name: 'e', partitions: [] }, undefined)).toEqual({ topic: 'e', lag: 0, worst: undefined, uncommitted: 0 });
  });
  it('with no lag anywhere, still names the lowest partition with 0', () => {
    const r = topicLag(topic([[0, 10], [0, 20]]), committed({ 0: 10, 1: 20 }));
    expect(r.lag).toBe(0);
    expect(r.worst).toEqual({ partition: 0, lag: 0 });
  });
});

describe('lagTrend', () => {
  it('is unknown with fewer than 3 samples', () => {
    expect(lagTrend([])).toEqual({ trend: 'unknown' });
    expect(lagTrend(hist([[0, 100]]))).toEqual({ trend: 'unknown' });
    expect(lagTrend(hist([[0, 100], [10, 5000]]))).toEqual({ trend: 'unknown' });
  });
  it('is unknown when the samples span less than 2 s, known from 2 s', () => {
    expect(lagTrend(hist([[0, 0], [1, 1000], [1.999, 2000]])).trend).toBe('unknown');
    expect(lagTrend(hist([[0, 0], [1, 1000], [2, 2000]])).trend).toBe('growing');
  });
  it('is growing with a positive slope, in messages per second', () => {
    const r = lagTrend(hist([[0, 1000], [1, 1500], [2, 2000], [3, 2500]]));
    expect(r.trend).toBe('growing');
    expect(r.perSec).toBeCloseTo(500);
    expect(r.drainSec).toBeUndefined();
  });
  it('is shrinking with the time to drain from the newest lag', () => {
    // lag 1000 falling 100/s → 10 s to drain
    const r = lagTrend(hist([[0, 1300], [1, 1200], [2, 1100], [3, 1000]]));
    expect(r.trend).toBe('shrinking');
    expect(r.perSec).toBeCloseTo(-100);
    expect(r.drainSec).toBeCloseTo(10);
  });
  it('fits a least-squares slope rather than joining the ends', () => {
    // Points (0,0) (1,30) (2,20) (3,30): slope = Σ(x−1.5)(y−20) / Σ(x−1.5)²
    // = (30 − 5 + 0 + 15) / 5 = 8/s (first-to-last would give 10/s) → growing.
    const r = lagTrend(hist([[0, 0], [1, 30], [2, 20], [3, 30]]));
    expect(r.perSec).toBeCloseTo(8);
    expect(r.trend).toBe('growing');
  });
  it('is steady when the predicted change over the window is under 10 messages', () => {
    // 0.6/s × 15 s = 9 < 10 → steady; 0.7/s × 15 s = 10.5 → growing
    const steady = lagTrend(hist([[0, 100], [5, 103], [10, 106]]));
    expect(steady.trend).toBe('steady');
    expect(steady.perSec).toBeCloseTo(0.6);
    expect(steady.drainSec).toBeUndefined();
    expect(lagTrend(hist([[0, 100], [5, 103.5], [10, 107]])).trend).toBe('growing');
    expect(lagTrend(hist([[0, 106], [5, 103], [10, 100]])).trend).toBe('steady');
  });
  it('is steady when the predicted change is under 2 % of the newest lag', () => {
    // newest lag 100,000 → bar 2,000; 120/s × 15 s = 1,800 steady, 140/s × 15 s = 2,100 not
    expect(lagTrend(hist([[0, 99_760], [1, 99_880], [2, 100_000]])).trend).toBe('steady');
    expect(lagTrend(hist([[0, 100_240], [1, 100_120], [2, 100_000]])).trend).toBe('steady');
    expect(lagTrend(hist([[0, 99_720], [1, 99_860], [2, 100_000]])).trend).toBe('growing');
    const r = lagTrend(hist([[0, 100_280], [1, 100_140], [2, 100_000]]));
    expect(r.trend).toBe('shrinking');
    expect(r.drainSec).toBeCloseTo(100_000 / 140);
  });
  it('ignores samples older than the window before the newest', () => {
    // The old 1,000,000 samples would turn the slope negative; only the last three count.
    const span = TREND_WINDOW_MS / 1000;
    const r = lagTrend(hist([[0, 1_000_000], [1, 1_000_000], [20, 0], [21, 1000], [22, 2000]]));
    expect(r.trend).toBe('growing');
    expect(r.perSec).toBeCloseTo(1000);
    // Only two samples within the window → unknown, though five were given.
    expect(lagTrend(hist([[0, 0], [1, 10], [2, 20], [30, 30], [31, 40]])).trend).toBe('unknown');
    // A sample exactly TREND_WINDOW_MS before the newest still counts; 1 ms older does not.
    expect(lagTrend(hist([[0, 0], [span / 2, 750], [span, 1500]])).perSec).toBeCloseTo(100);
    expect(lagTrend(hist([[-0.001, 0], [span / 2, 750], [span, 1500]])).trend).toBe('unknown');
  });
  it('weights by the actual times with uneven intervals', () => {
    // Lag = 2000 − 100·t sampled at 0, 0.5, 3, 3.5 s: any correct fit gives exactly −100/s.
    const r = lagTrend(hist([[0, 2000], [0.5, 1950], [3, 1700], [3.5, 1650]]));
    expect(r.trend).toBe('shrinking');
    expect(r.perSec).toBeCloseTo(-100);
    expect(r.drainSec).toBeCloseTo(16.5);
    // Index-based spacing would give a different slope here: (0,0) (0.2,100) (4,500)
    // x̄ = 1.4, ȳ = 200: Σ(x−x̄)(y−ȳ) = 280 + 120 + 780 = 1180; Σ(x−x̄)² = 1.96 + 1.44 + 6.76 = 10.16
    expect(lagTrend(hist([[0, 0], [0.2, 100], [4, 500]])).perSec).toBeCloseTo(1180 / 10.16);
  });
});
