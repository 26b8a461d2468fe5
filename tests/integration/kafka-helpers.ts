import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { DEFAULT_KAFKA } from '../../src/config/defaults.js';
import type { GroupSpec, KafkaSpec } from '../../src/config/types.js';
import { nextKafkaView, type KafkaView } from '../../src/model/kafka-view.js';
import type { KafkaSample } from '../../src/model/kafka.js';
import { KafkaSource } from '../../src/sources/kafka/source.js';

// Real Kafka-protocol brokers for the Kafka integration tests: librdkafka's mock cluster run by
// scripts/mock-broker.py, one process per broker, so a test can kill one and start another.
// Plus a TCP relay (a stable bootstrap address in front of a broker that changes), kafkajs
// clients for producing and consuming, and a sampler that drives KafkaSource + nextKafkaView.

// kafkajs warns about its v2 partitioner change on every producer unless told not to.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const PYTHON = '/usr/bin/python3';
const SCRIPT = new URL('../../scripts/mock-broker.py', import.meta.url).pathname;

export interface Broker {
  address: string;
  port: number;
  pid: number;
  proc: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const brokers = new Set<Broker>();
let tmp: string | undefined;

function tempDir(): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'k2mc-kafka-'));
  return tmp;
}

// Last resort if the test process goes away without afterAll: no broker outlives it.
process.once('exit', () => {
  for (const b of brokers) if (b.alive()) b.proc.kill('SIGKILL');
});

/** Start a broker with the given topics ("name:partitions"); resolves with its address. */
export async function startBroker(topics: string[], startTimeoutMs = 20_000): Promise<Broker> {
  const pidFile = join(tempDir(), `broker-${Date.now()}-${Math.floor(Math.random() * 1e6)}.pid`);
  const proc = spawn(PYTHON, [SCRIPT, '--pid-file', pidFile, ...topics], { stdio: ['ignore', 'pipe', 'pipe'] });
  let exitedFlag = false;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => ((exitedFlag = true), resolve())));
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const broker: Broker = {
    address: '',
    port: 0,
    pid: proc.pid!,
    proc,
    exited,
    alive: () => !exitedFlag,
    async kill(signal = 'SIGTERM') {
      if (!exitedFlag) proc.kill(signal);
      await exited;
      brokers.delete(broker);
    },
  };
  brokers.add(broker);
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`mock broker did not start in ${startTimeoutMs} ms; stderr: ${stderr}`)), startTimeoutMs);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl).trim());
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`mock broker exited before printing its address (code ${proc.exitCode}); stderr: ${stderr}`));
    });
  });
  if (!/^127\.0\.0\.1:\d+$/.test(address)) throw new Error(`unexpected broker address ${JSON.stringify(address)}`);
  broker.address = address;
  broker.port = Number(address.split(':')[1]);
  return broker;
}

/** Stop every broker this process started (SIGTERM, SIGKILL after 3 s) and remove the temp dir. */
export async function stopAllBrokers(): Promise<void> {
  await Promise.all(
    [...brokers].map(async (b) => {
      if (!b.alive()) return void brokers.delete(b);
      b.proc.kill('SIGTERM');
      const timer = setTimeout(() => b.alive() && b.proc.kill('SIGKILL'), 3000);
      await b.exited;
      clearTimeout(timer);
      brokers.delete(b);
    }),
  );
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
}

/** A local port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A TCP relay on 127.0.0.1 to `upstream` ("host:port"), which can be changed at any time (new
 * connections go to the new one). When the upstream refuses, the client's connection is closed.
 */
export class Relay {
  upstream: string;
  readonly sockets = new Set<net.Socket>();
  private server!: net.Server;

  constructor(upstream: string) {
    this.upstream = upstream;
  }

  async listen(): Promise<this> {
    this.server = net.createServer((client) => {
      const [host, port] = this.upstream.split(':');
      const upstream = net.connect(Number(port), host);
      this.sockets.add(client);
      this.sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server?.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

/** A kafkajs client for the test's own producers and consumers (silent: the tests read k2mc's log). */
export function testClient(address: string, clientId = 'k2mc-test'): Kafka {
  return new Kafka({ clientId, brokers: [address], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
}

export async function connectProducer(address: string): Promise<Producer> {
  const producer = testClient(address, 'k2mc-test-producer').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Produce `count` messages round-robin over the partitions, in batches; resolves when all are acknowledged. */
export async function produceCount(producer: Producer, topic: string, partitions: number, count: number, batch = 1000): Promise<void> {
  let next = 0;
  for (let sent = 0; sent < count; sent += batch) {
    const n = Math.min(batch, count - sent);
    const messages = Array.from({ length: n }, () => ({ partition: next++ % partitions, value: 'm' }));
    await producer.send({ topic, messages, acks: -1 });
  }
}

export interface PacedProduction {
  /** Epoch ms before the first send. */
  startedAt: number;
  /** Epoch ms when the last send was acknowledged. */
  endedAt: number;
  produced: number;
  /** Per acknowledged send: when it was acknowledged and how many messages were acknowledged so far. */
  acks: { at: number; total: number }[];
  /** Messages per partition. */
  perPartition: number[];
}

/**
 * Produce at `ratePerSec` for `durationMs`, round-robin over the partitions. Every `tickMs` it sends
 * what the schedule says is due (so a late timer is caught up, not lost): the produced count
 * tracks rate × elapsed time within one tick's worth.
 */
export async function producePaced(
  producer: Producer,
  topic: string,
  partitions: number,
  ratePerSec: number,
  durationMs: number,
  tickMs = 50,
): Promise<PacedProduction> {
  const result: PacedProduction = { startedAt: Date.now(), endedAt: 0, produced: 0, acks: [], perPartition: Array(partitions).fill(0) };
  const target = Math.round((ratePerSec * durationMs) / 1000);
  let scheduled = 0;
  let next = 0;
  while (scheduled < target) {
    const elapsed = Date.now() - result.startedAt;
    const due = Math.min(target, Math.floor((ratePerSec * elapsed) / 1000)) - scheduled;
    if (due > 0) {
      const messages = Array.from({ length: due }, () => {
        const partition = next++ % partitions;
        result.perPartition[partition]++;
        return { partition, value: `m${scheduled}` };
      });
      scheduled += due;
      await producer.send({ topic, messages, acks: -1 });
      result.produced += due;
      result.acks.push({ at: Date.now(), total: result.produced });
    }
    await sleep(tickMs);
  }
  result.endedAt = Date.now();
  return result;
}

export interface RunningConsumer {
  consumer: Consumer;
  /** Messages handled so far. */
  readonly consumed: number;
  stop(): Promise<void>;
}

/**
 * A consumer in `groupId` reading `topic` from the beginning, committing every 100 ms. With
 * `maxPerSec` it handles at most that many messages per second (a slow consumer, so draining is
 * slow enough to be watched).
 */
export async function startConsumer(address: string, groupId: string, topic: string, opts: { maxPerSec?: number } = {}): Promise<RunningConsumer> {
  const consumer = testClient(address, `k2mc-test-${groupId}`).consumer({
    groupId,
    // The mock makes a re-joining group wait about a session timeout for the member that left:
    // short enough to keep the tests quick, long enough that a busy machine does not evict it.
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
    retry: { retries: 5, initialRetryTime: 100 },
  });
  let consumed = 0;
  let started: number | undefined;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    autoCommitInterval: 100,
    eachMessage: async () => {
      if (opts.maxPerSec) {
        // From the first message on, never ahead of maxPerSec × elapsed (no burst after joining).
        started ??= Date.now();
        const ahead = consumed + 1 - (opts.maxPerSec * (Date.now() - started)) / 1000;
        if (ahead > 0) await sleep(Math.ceil((ahead * 1000) / opts.maxPerSec));
      }
      consumed++;
    },
  });
  return {
    consumer,
    get consumed() {
      return consumed;
    },
    stop: () => consumer.disconnect(),
  };
}

export function kafkaSpec(address: string, topics: string[], groups: GroupSpec[], liveTopic?: string): KafkaSpec {
  return { ...DEFAULT_KAFKA, brokers: [address], topics, liveTopic, groups, prometheusUrl: undefined, timeoutMs: 2000 };
}

/** KafkaSource + nextKafkaView, as the store does it, keeping every sample and view. */
export class Sampler {
  readonly source: KafkaSource;
  readonly log: string[] = [];
  readonly samples: KafkaSample[] = [];
  readonly views: KafkaView[] = [];
  view: KafkaView | undefined;

  constructor(readonly spec: KafkaSpec) {
    this.source = new KafkaSource({ spec, onLog: (level, line) => this.log.push(`${level} ${line}`) });
  }

  async sample(): Promise<KafkaView> {
    const sample = await this.source.sample(AbortSignal.timeout(this.spec.timeoutMs * 3));
    this.samples.push(sample);
    this.view = nextKafkaView(this.view, sample, { liveTopic: this.spec.liveTopic, groups: this.spec.groups }).view;
    this.views.push(this.view);
    return this.view;
  }

  topic(name: string) {
    return this.view?.topics.find((t) => t.name === name);
  }

  group(id: string) {
    return this.view?.groups.find((g) => g.groupId === id);
  }

  close(): void {
    this.source.close();
  }
}

/** Like `eventually`, but paced: at most one call every `everyMs` (each call samples the broker). */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string, everyMs = 500): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    const t0 = Date.now();
    last = await fn();
    if (ok(last)) return last;
    await sleep(Math.max(0, everyMs - (Date.now() - t0)));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
}
