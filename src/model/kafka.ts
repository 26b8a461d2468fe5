// Kafka figures as plain data, and the pure arithmetic on them: rates from end offsets over
// measured time, consumer lag per group and topic, its trend and time to drain.
//
// Offsets are JavaScript numbers: exact up to 2^53, which no topic reaches.

/** One partition's watermarks: `low` is the first offset still kept, `high` the next to write. */
export interface PartitionOffsets {
  partition: number;
  low: number;
  high: number;
}

export interface TopicOffsets {
  name: string;
  partitions: PartitionOffsets[];
}

/** A group's committed offset per partition; -1 when the group never committed on it. */
export interface GroupOffsets {
  groupId: string;
  topics: { topic: string; partitions: { partition: number; offset: number }[] }[];
}

export interface KafkaSample {
  /** Epoch ms when the offsets were read (the end of the sample). */
  at: number;
  brokers: { nodeId: number; host: string; port: number }[];
  controller?: number;
  topics: TopicOffsets[];
  /** Topics the config names that the broker does not have. */
  missingTopics: string[];
  groups: GroupOffsets[];
}

/** Sum of the end offsets of a topic: the number of messages ever written to it. */
export function topicTotal(topic: TopicOffsets): number {
  return topic.partitions.reduce((sum, p) => sum + p.high, 0);
}

/**
 * Messages per second between two readings of a topic's total, over the measured time between
 * them. Undefined when it cannot be known: no earlier reading, time not moving forward, or the
 * total going backwards (topic recreated). Never a made-up 0.
 */
export function rateBetween(prev: { total: number; at: number } | undefined, cur: { total: number; at: number }): number | undefined {
  if (!prev) return undefined;
  const dtMs = cur.at - prev.at;
  const delta = cur.total - prev.total;
  if (dtMs <= 0 || delta < 0) return undefined;
  return delta / (dtMs / 1000);
}

export interface PartitionLag {
  partition: number;
  lag: number;
}

export interface TopicLag {
  topic: string;
  /** Sum over partitions of (end offset − committed offset); never negative per partition. */
  lag: number;
  /** The partition with the largest lag (lowest partition number on ties); undefined if none. */
  worst?: PartitionLag;
  /** Partitions the group has never committed on; their lag counts from the low watermark. */
  uncommitted: number;
}

/**
 * Lag of one group on one topic. A partition without a committed offset (-1 or absent from the
 * group's offsets) counts from the low watermark (high − low); a committed offset past the end
 * (topic recreated) counts as 0 for that partition.
 */
export function topicLag(topic: TopicOffsets, committed: GroupOffsets['topics'][number] | undefined): TopicLag {
  const offsets = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
  let lag = 0;
  let uncommitted = 0;
  let worst: PartitionLag | undefined;
  for (const p of topic.partitions) {
    const c = offsets.get(p.partition);
    let partLag: number;
    if (c === undefined || c < 0) {
      uncommitted++;
      partLag = Math.max(0, p.high - p.low);
    } else {
      partLag = Math.max(0, p.high - c);
    }
    lag += partLag;
    // Partitions may come in any order: break ties on the partition number, not on position.
    if (!worst || partLag > worst.lag || (partLag === worst.lag && p.partition < worst.partition)) {
      worst = { partition: p.partition, lag: partLag };
    }
  }
  return { topic: topic.name, lag, worst, uncommitted };
}

export type Trend = 'growing' | 'shrinking' | 'steady' | 'unknown';

export interface LagTrend {
  trend: Trend;
  /** Least-squares slope of the lag over the window, messages per second (negative = draining). */
  perSec?: number;
  /** Seconds until the lag reaches 0 at the current slope; only when shrinking. */
  drainSec?: number;
}

/** Seconds of history the trend looks at. */
export const TREND_WINDOW_MS = 15_000;

/**
 * The trend of a lag from its recent history (oldest first, epoch ms): the least-squares slope
 * over the samples within TREND_WINDOW_MS of the newest. Unknown with fewer than 3 samples in
 * the window or less than 2 s between the first and last. Steady when the change the slope
 * predicts over the window is below max(floor, 2 % of the newest lag); else growing or shrinking
 * by the slope's sign. `floor` (default 10 messages) lets the caller ignore the jitter a healthy
 * consumer shows, which commits every second or so and is always that far behind.
 */
/** The recent part of the window that can overrule it when the lag turns. */
const RECENT_MS = 5_000;

/** Least-squares slope per second; time is taken from the first sample, so numbers stay small. */
function slope(samples: { at: number; lag: number }[]): number {
  const xs = samples.map((s) => (s.at - samples[0]!.at) / 1000);
  const ys = samples.map((s) => s.lag);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

export function lagTrend(history: { at: number; lag: number }[], floor = 10): LagTrend {
  if (history.length === 0) return { trend: 'unknown' };
  const newest = history[history.length - 1];
  const win = history.filter((s) => s.at >= newest.at - TREND_WINDOW_MS);
  if (win.length < 3 || newest.at - win[0].at < 2000) return { trend: 'unknown' };

  let perSec = slope(win);
  // A lag that turns (the consumer restarted) shows in the last few seconds long before it moves
  // a 15 s fit: when the recent slope points the other way, and clearly, it wins.
  const recent = win.filter((s) => s.at >= newest.at - RECENT_MS);
  if (recent.length >= 3 && newest.at - recent[0].at >= 2000) {
    const r = slope(recent);
    const bar = Math.max(floor, 0.02 * newest.lag);
    if (Math.sign(r) !== Math.sign(perSec) && Math.abs(r) * (TREND_WINDOW_MS / 1000) >= bar) perSec = r;
  }

  // "Over the window" is the full TREND_WINDOW_MS, so the bar does not depend on how much
  // history happens to be there.
  const predicted = Math.abs(perSec) * (TREND_WINDOW_MS / 1000);
  if (predicted < Math.max(floor, 0.02 * newest.lag)) return { trend: 'steady', perSec };
  if (perSec > 0) return { trend: 'growing', perSec };
  return { trend: 'shrinking', perSec, drainSec: newest.lag / -perSec };
}
