import type { Admin, Kafka, KafkaConfig, logCreator } from 'kafkajs';
import type { KafkaSpec } from '../../config/types.js';
import type { GroupOffsets, KafkaSample, TopicOffsets } from '../../model/kafka.js';
import { SourceError, type Source } from '../types.js';
import { describeKafkaError } from './errors.js';
import net from 'node:net';
import { cachedLookup } from '../lookup.js';
import { loadKafkaIdleLoopFix } from './idle-loop-fix.js';

/** "host:port" or "[::1]:port" → [host, port]. */
function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), Number(address.slice(i + 1))];
}

// The Kafka source: one kafkajs admin client, asked every tick for the end offsets of every
// configured topic, the committed offsets of every group, and the brokers. kafkajs's own retries
// are off: a sample that fails is reported at once and the next tick tries again, so nothing piles
// up behind a broker that does not answer. After any failure the client is thrown away (its
// half-open connections with it) and the next sample connects afresh. While a single broker is
// away each tick costs one TCP connect; with several brokers the source retries less often (every
// 1, 2, 3, then 5 ticks).
//
// Groups: the configured ones, plus those the broker lists when it supports ListGroups; a broker
// that does not (librdkafka's mock, old brokers) is simply not asked again until a reconnect.

export interface KafkaSourceOptions {
  spec: KafkaSpec;
  /** kafkajs's log lines (never printed: a terminal dashboard owns the screen). */
  onLog?: (level: string, line: string) => void;
}

const BACKOFF_TICKS = [1, 2, 3, 5];
/** ListGroups is asked every N samples (groups come and go slowly). */
const LIST_GROUPS_EVERY = 15;
/** Brokers and the topic list change rarely: asked every N samples (and after every reconnect). */
const METADATA_EVERY = 10;
/** Low watermarks move only when the broker deletes old data: read every N samples. */
const LOW_EVERY = 10;

/**
 * The part of kafkajs's cluster (2.2.x, internal) used to ask for the offsets of every topic in
 * one request per broker. admin.fetchTopicOffsets asks two requests per topic and admin.fetchOffsets
 * looks the group coordinator up every time: at one sample a second that was a dozen requests, the
 * largest part of k2mc's CPU with a live broker.
 */
interface ClusterOffsets {
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number }[];
  fetchTopicsOffset(topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[]): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  findGroupCoordinator(args: { groupId: string }): Promise<Coordinator>;
}
interface Coordinator {
  offsetFetch(args: { groupId: string; topics: { topic: string; partitions: { partition: number }[] }[] }): Promise<{ responses: { topic: string; partitions: { partition: number; offset: string }[] }[] }>;
}

/** The cluster kafkajs builds for an admin client, caught as it is made (undefined if kafkajs changed). */
function adminWithCluster(kafka: Kafka, opts: Parameters<Kafka['admin']>[0]): { admin: Admin; cluster?: ClusterOffsets } {
  const k = kafka as unknown as Record<symbol, unknown>;
  const key = Object.getOwnPropertySymbols(k).find((s) => s.description === 'private:Kafka:createCluster');
  const create = key ? k[key] : undefined;
  if (!key || typeof create !== 'function') return { admin: kafka.admin(opts) };
  let cluster: unknown;
  k[key] = (...args: unknown[]) => (cluster = (create as (...a: unknown[]) => unknown)(...args));
  try {
    const admin = kafka.admin(opts);
    const c = cluster as Partial<ClusterOffsets> | undefined;
    const usable = c && typeof c.fetchTopicsOffset === 'function' && typeof c.findGroupCoordinator === 'function' && typeof c.addMultipleTargetTopics === 'function' && typeof c.findTopicPartitionMetadata === 'function';
    return { admin, cluster: usable ? (c as ClusterOffsets) : undefined };
  } finally {
    k[key] = create;
  }
}

export class KafkaSource implements Source<KafkaSample> {
  readonly name = 'kafka';
  readonly timeoutMs: number;
  private kafka: Kafka | undefined;
  private admin: Admin | undefined;
  private cluster: ClusterOffsets | undefined;
  /** Low watermark per topic and partition, as last read. */
  private lows = new Map<string, Map<number, number>>();
  private coordinators = new Map<string, Coordinator>();
  private failures = 0;
  private samples = 0;
  private metadata: { cluster: Awaited<ReturnType<Admin['describeCluster']>>; topics: string[] } | undefined;
  private listGroupsSupported = true;
  private listedGroups: string[] = [];
  private closed = false;

  constructor(private readonly opts: KafkaSourceOptions) {
    this.timeoutMs = opts.spec.timeoutMs;
  }

  get brokers(): string {
    return this.opts.spec.brokers.join(',');
  }

  get everyTicks(): number {
    // One broker: every tick, since a failing sample costs only a TCP connect (reachable()) and a
    // broker that is back is seen at the next tick. Several: kafkajs tries them all, so back off.
    if (this.opts.spec.brokers.length === 1) return 1;
    return BACKOFF_TICKS[Math.min(this.failures, BACKOFF_TICKS.length) - 1] ?? 1;
  }

  async sample(signal: AbortSignal): Promise<KafkaSample> {
    const onAbort = () => this.drop();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const admin = await this.connect();
      const sample = await this.read(admin);
      this.failures = 0;
      return sample;
    } catch (error) {
      this.failures++;
      this.drop();
      if (error instanceof SourceError) throw error;
      throw new SourceError(describeKafkaError(this.brokers, error));
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  close(): void {
    this.closed = true;
    this.drop();
  }

  /**
   * While the broker is away, a plain TCP connect to the first bootstrap address answers "still
   * refused" for the price of one socket, instead of building a whole kafkajs client each time.
   */
  private reachable(): Promise<void> {
    const [host, port] = splitHostPort(this.opts.spec.brokers[0]!);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, timeout: Math.min(this.opts.spec.timeoutMs, 3000), lookup: cachedLookup as never });
      const done = (error?: Error) => {
        socket.destroy();
        if (error) reject(error);
        else resolve();
      };
      socket.once('connect', () => done());
      socket.once('timeout', () => done(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), { code: 'ETIMEDOUT' })));
      socket.once('error', (e) => done(e));
    });
  }

  private async connect(): Promise<Admin> {
    if (this.admin) return this.admin;
    if (this.failures > 0 && this.opts.spec.brokers.length === 1) await this.reachable();
    // kafkajs is CommonJS: bundled, its exports arrive as the default export.
    const [mod] = await Promise.all([import('kafkajs') as Promise<typeof import('kafkajs') & { default?: typeof import('kafkajs') }>, loadKafkaIdleLoopFix()]);
    const { Kafka, logLevel } = mod.default ?? mod;
    if (this.closed) throw new SourceError('Kafka source closed');
    const { spec, onLog } = this.opts;
    const levels: Record<number, string> = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug' };
    const creator: logCreator = () => (entry) => {
      const { message, ...extra } = entry.log;
      onLog?.(levels[entry.level] ?? 'info', `${entry.namespace ? `${entry.namespace}: ` : ''}${message} ${JSON.stringify(extra)}`);
    };
    const config: KafkaConfig = {
      clientId: spec.clientId,
      brokers: spec.brokers,
      ssl: spec.ssl || undefined,
      sasl: spec.sasl ? ({ mechanism: spec.sasl.mechanism, username: spec.sasl.username, password: spec.sasl.password } as KafkaConfig['sasl']) : undefined,
      connectionTimeout: Math.min(spec.timeoutMs, 3000),
      requestTimeout: spec.timeoutMs,
      enforceRequestTimeout: true,
      retry: { retries: 0 },
      logLevel: logLevel.WARN,
      logCreator: creator,
    };
    this.kafka = new Kafka(config);
    const { admin, cluster } = adminWithCluster(this.kafka, { retry: { retries: 0 } });
    this.admin = admin;
    this.cluster = cluster;
    this.listGroupsSupported = true;
    // drop() forgot the listed groups: list them again on this client's first sample, not up to
    // LIST_GROUPS_EVERY samples later (until then those groups would vanish from the panel).
    this.samples = 0;
    await admin.connect();
    return admin;
  }

  private async read(admin: Admin): Promise<KafkaSample> {
    const { spec } = this.opts;
    const fast = this.cluster;
    const refresh = !this.metadata || this.samples % METADATA_EVERY === 0;
    if (refresh) {
      const [cluster, topics] = await Promise.all([admin.describeCluster(), admin.listTopics()]);
      this.metadata = { cluster, topics };
      // Partitions added to a topic show from the next sample on.
      if (fast) await fast.refreshMetadata();
    }
    const { cluster, topics: existing } = this.metadata!;
    const present = spec.topics.filter((t) => existing.includes(t));
    const missingTopics = spec.topics.filter((t) => !existing.includes(t));
    const topics: TopicOffsets[] = fast
      ? await this.readTopics(fast, present, refresh)
      : await Promise.all(
          present.map(async (name) => ({
            name,
            partitions: (await admin.fetchTopicOffsets(name))
              .map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }))
              .sort((a, b) => a.partition - b.partition),
          })),
        );
    // The rate is the change of end offsets over time: time them when they were read, not after
    // the group offsets (and the occasional ListGroups) that follow.
    const at = Date.now();

    if (this.listGroupsSupported && this.samples % LIST_GROUPS_EVERY === 0) {
      try {
        const listed = await admin.listGroups();
        this.listedGroups = listed.groups.filter((g) => g.protocolType === 'consumer' || g.protocolType === '').map((g) => g.groupId);
      } catch {
        // Unsupported by this broker (or refused): carry on with the configured groups, silently.
        this.listGroupsSupported = false;
        this.listedGroups = [];
      }
    }
    this.samples++;

    const specs = [...spec.groups];
    for (const id of this.listedGroups) if (!specs.some((g) => g.id === id)) specs.push({ id, topics: [] });
    const groups: GroupOffsets[] = await Promise.all(
      specs.map(async (g) => {
        const ask = (g.topics.length > 0 ? g.topics : spec.topics).filter((t) => present.includes(t));
        if (ask.length === 0) return { groupId: g.id, topics: [] };
        const fetched = fast ? await this.readGroup(fast, g.id, ask) : await admin.fetchOffsets({ groupId: g.id, topics: ask });
        return {
          groupId: g.id,
          topics: fetched.map((t) => ({
            topic: t.topic,
            partitions: t.partitions.map((p) => ({ partition: p.partition, offset: Number(p.offset) })),
          })),
        };
      }),
    );

    return {
      at,
      brokers: cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
      controller: cluster.controller ?? undefined,
      topics,
      missingTopics,
      groups,
    };
  }

  /** End offsets of every topic in one request per broker; low watermarks every LOW_EVERY samples. */
  private async readTopics(c: ClusterOffsets, present: string[], refresh: boolean): Promise<TopicOffsets[]> {
    if (present.length === 0) return [];
    await c.addMultipleTargetTopics(present);
    await c.refreshMetadataIfNecessary();
    const ask = (fromBeginning: boolean) =>
      c.fetchTopicsOffset(present.map((topic) => ({ topic, fromBeginning, partitions: c.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId })) })));
    const needLow = refresh || this.samples % LOW_EVERY === 0 || present.some((t) => !this.lows.has(t));
    const [high, low] = await Promise.all([ask(false), needLow ? ask(true) : undefined]);
    for (const t of low ?? []) this.lows.set(t.topic, new Map(t.partitions.map((p) => [p.partition, Number(p.offset)])));
    const byTopic = new Map(high.map((t) => [t.topic, t]));
    return present.map((name) => {
      const lows = this.lows.get(name);
      return {
        name,
        partitions: (byTopic.get(name)?.partitions ?? [])
          .map((p) => ({ partition: p.partition, low: lows?.get(p.partition) ?? 0, high: Number(p.offset) }))
          .sort((a, b) => a.partition - b.partition),
      };
    });
  }

  /** A group's committed offsets from its coordinator, found once per connection. */
  private async readGroup(c: ClusterOffsets, groupId: string, topics: string[]): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]> {
    let coordinator = this.coordinators.get(groupId);
    if (!coordinator) {
      coordinator = await c.findGroupCoordinator({ groupId });
      this.coordinators.set(groupId, coordinator);
    }
    try {
      const { responses } = await coordinator.offsetFetch({
        groupId,
        topics: topics.map((topic) => ({ topic, partitions: c.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId })) })),
      });
      return responses;
    } catch (e) {
      // The coordinator may have moved: look it up again next time.
      this.coordinators.delete(groupId);
      throw e;
    }
  }

  /** Forget the client; its connections are closed in the background. */
  private drop(): void {
    const admin = this.admin;
    this.admin = undefined;
    this.cluster = undefined;
    this.lows.clear();
    this.coordinators.clear();
    this.kafka = undefined;
    this.listedGroups = [];
    this.metadata = undefined;
    if (admin) admin.disconnect().catch(() => undefined);
  }
}
