// What the Kafka panel shows, derived from one sample and the view before it: per topic the rate
// and its last 60 values, per group and topic the lag, its trend and the degradation level; plus
// the events worth a line in the log. Pure: time and host memory come in as arguments.

import type { GroupSpec } from '../config/types.js';
import type { LogEvent } from './types.js';
import { lagTrend, rateBetween, topicLag, topicTotal, type KafkaSample, type LagTrend, type PartitionLag } from './kafka.js';
import { K2_THRESHOLDS, levelName, stepDegradation, type DegradationState, type Thresholds } from './degradation.js';

export const RATE_HISTORY = 60;
/** Lag samples kept per group for the trend (the trend itself looks at the last 15 s). */
const LAG_HISTORY = 40;
/** The live topic at 0 msg/s for this long, while its producer runs, turns the verdict amber. */
export const LIVE_ZERO_AMBER_MS = 10_000;

export interface TopicView {
  name: string;
  partitions: number;
  /** Messages ever written (sum of end offsets). */
  total: number;
  /** Messages per second since the previous sample; undefined when it cannot be known. */
  rate?: number;
  /** Oldest first; undefined where the rate was unknown. */
  history: (number | undefined)[];
  at: number;
}

export interface GroupTopicView {
  groupId: string;
  /** Undefined when the group has no committed offsets on any watched topic. */
  topic?: string;
  lag?: number;
  worst?: PartitionLag;
  uncommitted: number;
  partitions: number;
}

export interface GroupView {
  groupId: string;
  rows: GroupTopicView[];
  /** Total lag of the group over its topics. */
  lag?: number;
  lagHistory: { at: number; lag: number }[];
  trend: LagTrend;
  level?: DegradationState;
}

export interface KafkaView {
  at: number;
  brokers: number;
  controller?: number;
  topics: TopicView[];
  missingTopics: string[];
  groups: GroupView[];
  /** Since when the live topic's rate has been 0 (undefined while it flows or is unknown). */
  liveZeroSince?: number;
}

export interface KafkaViewOptions {
  liveTopic?: string;
  groups: GroupSpec[];
  /** Host memory in use, percent, for the degradation model. */
  memoryPct?: number;
  thresholds?: Thresholds;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** The next view after a successful sample, and what to log about it. */
export function nextKafkaView(prev: KafkaView | undefined, sample: KafkaSample, opts: KafkaViewOptions): { view: KafkaView; events: LogEvent[] } {
  const at = sample.at;
  const events: LogEvent[] = [];
  const topics: TopicView[] = sample.topics.map((t) => {
    const before = prev?.topics.find((p) => p.name === t.name);
    const total = topicTotal(t);
    // After an outage `at` is NaN: no rate across it.
    const rate = before && Number.isFinite(before.at) ? rateBetween({ total: before.total, at: before.at }, { total, at }) : undefined;
    const history = [...(before?.history ?? []), rate].slice(-RATE_HISTORY);
    return { name: t.name, partitions: t.partitions.length, total, rate, history, at };
  });

  const groups: GroupView[] = sample.groups.map((g) => {
    const spec = opts.groups.find((s) => s.id === g.groupId);
    const before = prev?.groups.find((p) => p.groupId === g.groupId);
    const rows: GroupTopicView[] = [];
    for (const t of sample.topics) {
      const committed = g.topics.find((c) => c.topic === t.name);
      // A group named without topics is shown on the topics it has committed offsets on.
      const consumes = spec && spec.topics.length > 0 ? spec.topics.includes(t.name) : committed?.partitions.some((p) => p.offset >= 0);
      if (!consumes) continue;
      const lag = topicLag(t, committed);
      rows.push({ groupId: g.groupId, topic: t.name, lag: lag.lag, worst: lag.worst, uncommitted: lag.uncommitted, partitions: t.partitions.length });
    }
    if (rows.length === 0) {
      return { groupId: g.groupId, rows: [{ groupId: g.groupId, uncommitted: 0, partitions: 0 }], lagHistory: before?.lagHistory ?? [], trend: { trend: 'unknown' }, level: before?.level };
    }
    const lag = rows.reduce((a, r) => a + (r.lag ?? 0), 0);
    const lagHistory = [...(before?.lagHistory ?? []), { at, lag }].slice(-LAG_HISTORY);
    // A consumer that keeps up still trails by a second or two of messages, up and down as it
    // commits: changes within 2 s of its topics' rate are jitter, not a trend.
    const inflow = rows.reduce((a, r) => a + (topics.find((t) => t.name === r.topic)?.rate ?? 0), 0);
    const step = stepDegradation(before?.level, { lag, memoryPct: opts.memoryPct }, at, opts.thresholds ?? K2_THRESHOLDS);
    if (step.change) {
      const worse = step.change.to > step.change.from;
      events.push({
        at,
        severity: worse ? (step.change.to >= 3 ? 'error' : 'warn') : 'ok',
        text: `${g.groupId}: degradation ${levelName(step.change.from)} → ${levelName(step.change.to)} (${step.change.reason})`,
      });
    }
    return { groupId: g.groupId, rows, lag, lagHistory, trend: lagTrend(lagHistory, Math.max(10, inflow * 2)), level: step.state };
  });

  // The live topic's heartbeat: a line when it stops and when it resumes.
  let liveZeroSince = prev?.liveZeroSince;
  const live = opts.liveTopic ? topics.find((t) => t.name === opts.liveTopic) : undefined;
  const liveBefore = opts.liveTopic ? prev?.topics.find((t) => t.name === opts.liveTopic) : undefined;
  if (live?.rate === undefined) {
    liveZeroSince = undefined;
  } else if (live.rate === 0) {
    if (liveZeroSince === undefined) {
      liveZeroSince = liveBefore?.at ?? at;
      const was = liveBefore?.rate;
      events.push({ at, severity: 'warn', text: was ? `${live.name}: rate dropped to 0 (was ${fmt(was)} msg/s)` : `${live.name}: no new messages` });
    }
  } else {
    if (liveZeroSince !== undefined) events.push({ at, severity: 'ok', text: `${live.name}: messages flowing again, ${fmt(live.rate)} msg/s` });
    liveZeroSince = undefined;
  }

  return {
    view: { at, brokers: sample.brokers.length, controller: sample.controller, topics, missingTopics: sample.missingTopics, groups, liveZeroSince },
    events,
  };
}

/**
 * The view while the broker is unreachable: counts and levels stay for reference, but rates are
 * unknown and the next rate needs two fresh samples (no rate across an outage).
 */
export function kafkaUnreachableView(prev: KafkaView | undefined): KafkaView | undefined {
  if (!prev) return undefined;
  return {
    ...prev,
    topics: prev.topics.map((t) => ({ ...t, rate: undefined, history: [...t.history, undefined].slice(-RATE_HISTORY), at: Number.NaN })),
    groups: prev.groups.map((g) => ({ ...g, lagHistory: [], trend: { trend: 'unknown' } })),
    liveZeroSince: undefined,
  };
}
