import type { KafkaSpec } from '../../config/types.js';
import { topicLag, type TopicOffsets } from '../../model/kafka.js';
import { ou, Rng } from './random.js';

// The market-data path of the simulated platform: the Binance stream producing trades into the
// live topic, the broker's topics and partitions, and the Iceberg writer consuming them and
// committing its offsets. Figures, so the panels show what the live platform would:
//
//   - the stream: about 130 trades/s, wandering ±10 %, with bursts (a volatile minute: ×1.6-3 for
//     a few seconds) and lulls (×0.25-0.6), one every 45 s on average; keyed by symbol, so the
//     partitions fill unevenly. While the broker is away its client queues up to 100,000 messages
//     for up to 5 minutes (librdkafka's defaults) and delivers them when the broker is back.
//   - the writer: at most ~400 msg/s (±4 %), so a backlog drains at 400 − the stream's rate; it
//     commits a few times a second, only what it has written to Iceberg. With the storage path
//     down its writes fail and it stops committing; after a minute of failures it exits (1).
//     After a pause longer than the session timeout, or the broker's return, it rejoins the group
//     (3 s) and resumes from its committed offsets.

export const BASE_RATE = 125; // with bursts and lulls the long-run mean is about 130 msg/s
export const CONSUMER_CAPACITY = 400;
/** The writer commits after each written micro-batch: a few times a second. */
const COMMIT_EVERY_MS = 400;
export const SESSION_TIMEOUT_MS = 45_000;
const REJOIN_MS = 3000;
const QUEUE_MAX = 100_000;
const MESSAGE_TIMEOUT_MS = 300_000;
const FLUSH_RATE = 5000;
export const WRITE_FAILURES_EXIT_MS = 60_000;
const EVENT_EVERY_MS = 45_000;
const LIVE_PARTITIONS = 40;
/** Default group of the writer when the config names none (the broker would list it anyway). */
const DEFAULT_GROUP = 'k2-iceberg-writer-crypto-v2';
/** The stream's reference-data topic holds one record per symbol, written when it first started. */
const SYMBOLS = 24;

export interface SimTopic {
  name: string;
  partitions: { low: number; high: number }[];
  /** Share of the traffic each partition gets (keyed by symbol: uneven). */
  weights: number[];
  carry: number[];
}

export interface PipelineEnv {
  brokerUp: boolean;
  /** The stream's container runs and is connected to Binance. */
  producing: boolean;
  /** The writer's container runs and has joined its group. */
  consuming: boolean;
  /** Object store, catalog and its database all answer. */
  storageOk: boolean;
}

export interface PipelineStep {
  /** The writer gave up after a minute of failed writes. */
  writerExited?: boolean;
}

function partitionsFor(name: string, live: boolean): number {
  if (live) return LIVE_PARTITIONS;
  return /reference/.test(name) ? 1 : 6;
}

export class Pipeline {
  readonly topics: SimTopic[];
  /** Committed offsets: group → topic → offset per partition (-1 = never committed). */
  readonly committed = new Map<string, Map<string, number[]>>();
  readonly liveTopic?: string;
  readonly group: string;
  /** Messages the stream has handed to the broker since the world began, and the writer written. */
  produced = 0;
  consumed = 0;
  /** Messages waiting in the stream's client while the broker is away. */
  queue: { at: number; n: number }[] = [];
  /** When the writer's writes began failing; undefined while they succeed. */
  failingSince?: number;
  private readonly rng: Rng;
  private rateFactor = 1;
  private event?: { until: number; factor: number };
  private nextEventAt: number;
  private countCarry = 0;
  private capacityFactor = 1;
  private budgetCarry = 0;
  private position: number[];
  private nextCommitAt: number;
  private rejoinAt = 0;

  constructor(spec: KafkaSpec, seed: number, now: number, history: { uptimeMs: number }) {
    this.rng = Rng.named(seed, 'pipeline');
    this.liveTopic = spec.liveTopic ?? spec.topics[0];
    this.group = spec.groups[0]?.id ?? DEFAULT_GROUP;
    const names = [...spec.topics];
    if (this.liveTopic && !names.includes(this.liveTopic)) names.unshift(this.liveTopic);
    this.topics = names.map((name) => {
      const n = partitionsFor(name, name === this.liveTopic);
      const raw = Array.from({ length: n }, () => this.rng.between(0.4, 1.4));
      const sum = raw.reduce((a, b) => a + b, 0);
      return { name, partitions: raw.map(() => ({ low: 0, high: 0 })), weights: raw.map((w) => w / sum), carry: raw.map(() => 0) };
    });
    // A platform that has run for a while: the live topic holds its history, the writer is current.
    const live = this.live();
    if (live && history.uptimeMs > 0) {
      const total = Math.round((history.uptimeMs / 1000) * BASE_RATE * 1.04);
      live.partitions.forEach((p, i) => (p.high = Math.round(total * live.weights[i]!)));
      const market = live.name.split('.')[1];
      for (const t of this.topics) if (/reference/.test(t.name) && t.name.split('.')[1] === market) t.partitions[0]!.high = SYMBOLS;
    }
    this.position = live ? live.partitions.map((p, i) => Math.max(0, p.high - Math.round(BASE_RATE * 0.4 * live.weights[i]!))) : [];
    const groups = [this.group, ...spec.groups.map((g) => g.id)];
    for (const g of groups) {
      if (this.committed.has(g)) continue;
      const byTopic = new Map<string, number[]>();
      for (const t of this.topics) {
        const offsets = g === this.group && t === live && history.uptimeMs > 0 ? [...this.position] : t.partitions.map(() => -1);
        byTopic.set(t.name, offsets);
      }
      this.committed.set(g, byTopic);
    }
    this.nextEventAt = now + this.rng.exponential(EVENT_EVERY_MS);
    this.nextCommitAt = now + COMMIT_EVERY_MS;
  }

  live(): SimTopic | undefined {
    return this.topics.find((t) => t.name === this.liveTopic);
  }

  /** The stream's trade rate right now (msg/s), whether or not it runs. */
  marketRate(): number {
    return BASE_RATE * this.rateFactor * (this.event?.factor ?? 1);
  }

  /** The writer group's lag over the topics it has committed on (as k2mc measures it). */
  lag(): number {
    const offsets = this.committed.get(this.group)!;
    let lag = 0;
    for (const t of this.topics) {
      const committed = offsets.get(t.name)!;
      if (!committed.some((o) => o >= 0)) continue;
      lag += topicLag(this.offsetsOf(t), { topic: t.name, partitions: committed.map((offset, partition) => ({ partition, offset })) }).lag;
    }
    return lag;
  }

  offsetsOf(t: SimTopic): TopicOffsets {
    return { name: t.name, partitions: t.partitions.map((p, partition) => ({ partition, low: p.low, high: p.high })) };
  }

  queued(): number {
    return this.queue.reduce((a, c) => a + c.n, 0);
  }

  /** The stream's process ended: what it had queued is lost. */
  streamStopped(): void {
    this.queue = [];
  }

  /** The writer's process ended: what it read but did not commit will be read again. */
  writerStopped(): void {
    this.resetToCommitted();
    this.failingSince = undefined;
  }

  /** The writer was frozen for `pausedMs`: past the session timeout the group rebalanced without it. */
  writerResumed(now: number, pausedMs: number): void {
    if (pausedMs > SESSION_TIMEOUT_MS) this.rejoin(now);
  }

  /** The broker is back: the writer's session is gone, it joins the group again. */
  brokerBack(now: number): void {
    this.rejoin(now);
  }

  step(now: number, dtSec: number, env: PipelineEnv): PipelineStep {
    this.stepMarket(now, dtSec);
    if (env.producing) this.produce(now, dtSec, env.brokerUp);
    if (env.brokerUp && env.producing && this.queue.length) this.flush(dtSec);
    return this.consume(now, dtSec, env);
  }

  private stepMarket(now: number, dtSec: number): void {
    this.rateFactor = Math.min(1.3, Math.max(0.7, ou(this.rateFactor, 1, 0.02, 0.016, dtSec, this.rng)));
    if (this.event && now >= this.event.until) this.event = undefined;
    if (now >= this.nextEventAt) {
      const burst = this.rng.chance(0.55);
      const factor = burst ? this.rng.between(1.6, 3) : this.rng.between(0.25, 0.6);
      const lastsMs = burst ? this.rng.between(2000, 8000) : this.rng.between(3000, 10_000);
      this.event = { until: now + lastsMs, factor };
      this.nextEventAt = now + lastsMs + this.rng.exponential(EVENT_EVERY_MS);
    }
  }

  /** Trades arriving in this step, with counting noise around the rate. */
  private produce(now: number, dtSec: number, brokerUp: boolean): void {
    const expected = this.marketRate() * dtSec;
    const total = this.countCarry + expected + Math.sqrt(expected) * this.rng.normal() * 0.5;
    const n = Math.max(0, Math.floor(total));
    this.countCarry = total > 0 ? total - n : 0;
    if (n === 0) return;
    if (brokerUp && this.queue.length === 0) return this.write(n);
    const last = this.queue.at(-1);
    if (last && now - last.at < 1000) last.n += n;
    else this.queue.push({ at: now, n });
    // librdkafka drops what waited longer than message.timeout.ms, and refuses past its queue size.
    while (this.queue.length && now - this.queue[0]!.at > MESSAGE_TIMEOUT_MS) this.queue.shift();
    let excess = this.queued() - QUEUE_MAX;
    while (excess > 0 && this.queue.length) {
      const first = this.queue[0]!;
      const drop = Math.min(first.n, excess);
      first.n -= drop;
      excess -= drop;
      if (first.n === 0) this.queue.shift();
    }
  }

  private flush(dtSec: number): void {
    let budget = Math.round(FLUSH_RATE * dtSec);
    while (budget > 0 && this.queue.length) {
      const first = this.queue[0]!;
      const n = Math.min(first.n, budget);
      this.write(n);
      first.n -= n;
      budget -= n;
      if (first.n === 0) this.queue.shift();
    }
  }

  private write(n: number): void {
    const live = this.live();
    if (!live) return;
    live.partitions.forEach((p, i) => {
      const share = live.carry[i]! + n * live.weights[i]!;
      const k = Math.floor(share);
      live.carry[i] = share - k;
      p.high += k;
      this.produced += k;
    });
  }

  private consume(now: number, dtSec: number, env: PipelineEnv): PipelineStep {
    this.capacityFactor = Math.min(1.1, Math.max(0.9, ou(this.capacityFactor, 1, 0.2, 0.02, dtSec, this.rng)));
    const live = this.live();
    if (!live || !env.consuming || !env.brokerUp || now < this.rejoinAt) return {};
    if (!env.storageOk) {
      // Writes fail and are retried; nothing new is read or committed.
      this.failingSince ??= now;
      if (now - this.failingSince >= WRITE_FAILURES_EXIT_MS) return { writerExited: true };
      return {};
    }
    this.failingSince = undefined;
    const available = live.partitions.map((p, i) => p.high - this.position[i]!);
    const backlog = available.reduce((a, b) => a + b, 0);
    const budget = this.budgetCarry + CONSUMER_CAPACITY * this.capacityFactor * dtSec;
    if (backlog <= budget) {
      live.partitions.forEach((p, i) => (this.position[i] = p.high));
      this.consumed += backlog;
      this.budgetCarry = 0;
    } else {
      // Fetches spread over the partitions in proportion to what each has waiting.
      let left = Math.floor(budget);
      this.budgetCarry = budget - left;
      const takes = available.map((a) => Math.floor((a * left) / backlog));
      left -= takes.reduce((a, b) => a + b, 0);
      for (let i = 0; left > 0 && i < takes.length; i++) {
        if (takes[i]! < available[i]!) {
          takes[i]++;
          left--;
        }
      }
      takes.forEach((k, i) => (this.position[i] += k));
      this.consumed += takes.reduce((a, b) => a + b, 0);
    }
    if (now >= this.nextCommitAt) {
      this.committed.get(this.group)!.set(live.name, [...this.position]);
      this.nextCommitAt = now + COMMIT_EVERY_MS * this.rng.between(0.5, 1.5);
    }
    return {};
  }

  private rejoin(now: number): void {
    this.rejoinAt = now + REJOIN_MS;
    this.resetToCommitted();
  }

  private resetToCommitted(): void {
    const live = this.live();
    const committed = live ? this.committed.get(this.group)!.get(live.name)! : [];
    this.position = committed.map((o, i) => (o >= 0 ? o : live!.partitions[i]!.low));
  }
}
