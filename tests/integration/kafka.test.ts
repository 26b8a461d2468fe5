import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LogFile } from '../../src/app/log-file.js';
import { startLive, type LiveRuntime } from '../../src/app/live.js';
import type { Config } from '../../src/config/types.js';
import { topicTotal } from '../../src/model/kafka.js';
import type { KafkaView } from '../../src/model/kafka-view.js';
import { KafkaSource } from '../../src/sources/kafka/source.js';
import { SourceError } from '../../src/sources/types.js';
import { createAppStore } from '../../src/store/store.js';
import { eventually } from './docker-helpers.js';
import {
  connectProducer,
  freePort,
  kafkaSpec,
  produceCount,
  producePaced,
  Relay,
  Sampler,
  sleep,
  startBroker,
  startConsumer,
  stopAllBrokers,
  type Broker,
  type RunningConsumer,
  until,
} from './kafka-helpers.js';

// k2mc's Kafka support against a real Kafka-protocol broker (librdkafka's mock cluster, one
// process per broker so a test can kill it): rates and totals from real end offsets, consumer
// lag from real committed offsets, the platform's degradation thresholds, a broker killed and
// replaced under the whole runtime, and an address where nothing listens. Nothing of kafkajs is
// mocked; the test's own producers and consumers are plain kafkajs clients.

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const RATES = 'k2mc.it.rates';
const LAG = 'k2mc.it.lag';
const DEGRADE = 'k2mc.it.degrade';
const PARTITIONS = 4;

let broker: Broker;
let producer: Producer | undefined;
const consumers = new Set<RunningConsumer>();
const samplers = new Set<Sampler>();
let live: LiveRuntime | undefined;
let relay: Relay | undefined;
let logDir: string | undefined;

async function consumer(groupId: string, topic: string, opts: { maxPerSec?: number } = {}): Promise<RunningConsumer> {
  const c = await startConsumer(broker.address, groupId, topic, opts);
  consumers.add(c);
  return c;
}

async function stopConsumer(c: RunningConsumer): Promise<void> {
  await c.stop();
  consumers.delete(c);
}

function sampler(topics: string[], groups: { id: string; topics: string[] }[]): Sampler {
  const s = new Sampler(kafkaSpec(broker.address, topics, groups));
  samplers.add(s);
  return s;
}

/** Sample every `everyMs` in the background until stopped; returns the stop function. */
function sampleInBackground(s: Sampler, everyMs: number): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = Date.now();
      await s.sample();
      await sleep(Math.max(0, everyMs - (Date.now() - t0)));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

beforeAll(async () => {
  broker = await startBroker([`${RATES}:${PARTITIONS}`, `${LAG}:${PARTITIONS}`, `${DEGRADE}:${PARTITIONS}`]);
  producer = await connectProducer(broker.address);
});

afterAll(async () => {
  live?.stop();
  for (const s of samplers) s.close();
  await Promise.all([...consumers].map((c) => c.stop().catch(() => undefined)));
  await producer?.disconnect().catch(() => undefined);
  await relay?.close();
  await stopAllBrokers();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

describe('Kafka against a real broker', () => {
  it('measures the produce rate within 15 % and counts every message exactly', { timeout: 45_000 }, async () => {
    const s = sampler([RATES], []);
    const first = await s.sample();
    expect(first.brokers).toBe(1);
    expect(first.topics).toHaveLength(1);
    expect(first.topics[0]).toMatchObject({ name: RATES, partitions: PARTITIONS, total: 0 });
    // Unknown, not 0: one reading says nothing about a rate.
    expect(first.topics[0].rate).toBeUndefined();
    expect(first.topics[0].history).toEqual([undefined]);

    const stopSampling = sampleInBackground(s, 1000);
    const prod = await producePaced(producer!, RATES, PARTITIONS, 200, 8000);
    await stopSampling();

    const lastAck = prod.acks[prod.acks.length - 1].at;
    const realRate = prod.produced / ((lastAck - prod.startedAt) / 1000);
    expect(prod.produced).toBe(1600);
    // Steady production: windows that start at least a second after the first send and end
    // before the last acknowledgement.
    const steady: { at: number; rate: number | undefined; error: number }[] = [];
    for (let i = 1; i < s.views.length; i++) {
      const prev = s.views[i - 1].topics[0];
      const cur = s.views[i].topics[0];
      if (prev.at < prod.startedAt + 1000 || cur.at > lastAck) continue;
      steady.push({ at: cur.at - prod.startedAt, rate: cur.rate, error: cur.rate === undefined ? Infinity : Math.abs(cur.rate - realRate) / realRate });
    }
    const table = JSON.stringify({ realRate, steady });
    expect(steady.length, table).toBeGreaterThanOrEqual(4);
    for (const w of steady) expect(w.error, table).toBeLessThanOrEqual(0.15);

    // Once production has stopped: the total is exactly what was produced, and the next rate is 0.
    const after = await s.sample();
    const again = await s.sample();
    expect(after.topics[0].total).toBe(prod.produced);
    expect(topicTotal(s.samples[s.samples.length - 1].topics[0])).toBe(prod.produced);
    expect(s.samples[s.samples.length - 1].topics[0].partitions.map((p) => p.high)).toEqual(prod.perPartition);
    expect(again.topics[0].total).toBe(prod.produced);
    expect(again.topics[0].rate).toBe(0);
    // The history is the rates in order, the first unknown.
    expect(again.topics[0].history).toEqual(s.views.map((v) => v.topics[0].rate));
    expect(again.topics[0].history[0]).toBeUndefined();
  });

  it('reports consumer lag exactly, its trend, its drain, and counts uncommitted partitions from the low watermark', { timeout: 90_000 }, async () => {
    const group = 'k2mc-it-lag';
    const never = 'k2mc-it-never';
    const s = sampler([LAG], [
      { id: group, topics: [] },
      { id: never, topics: [LAG] },
    ]);
    await produceCount(producer!, LAG, PARTITIONS, 500, 100);

    // A consumer reads everything and commits it.
    const c1 = await consumer(group, LAG);
    await until(() => s.sample().then(() => s.group(group)?.lag), (lag) => lag === 0, 30_000, 'lag 0 with the consumer running');
    expect(c1.consumed).toBe(500);
    await stopConsumer(c1);
    const before = await s.sample();
    expect(before.groups.find((g) => g.groupId === group)!.lag).toBe(0);

    // With the consumer stopped, M more messages over 4 s: the lag grows to exactly M.
    const M = 2000;
    const stopSampling = sampleInBackground(s, 500);
    const prod = await producePaced(producer!, LAG, PARTITIONS, 500, 4000);
    expect(prod.produced).toBe(M);
    await sleep(1500);
    await stopSampling();
    const grown = await s.sample();
    const g = grown.groups.find((x) => x.groupId === group)!;
    expect(g.lag).toBe(M);
    expect(g.rows).toHaveLength(1);
    expect(g.rows[0]).toMatchObject({ topic: LAG, lag: M, uncommitted: 0, partitions: PARTITIONS, worst: { partition: 0, lag: M / PARTITIONS } });
    // The trend says so while the messages are still coming in.
    const lastAck = prod.acks[prod.acks.length - 1].at;
    const whileGrowing = s.views.filter((v) => v.at >= prod.startedAt && v.at < lastAck);
    const trends = whileGrowing.map((v) => [v.groups.find((x) => x.groupId === group)!.lag, v.groups.find((x) => x.groupId === group)!.trend.trend]);
    expect(trends.map((t) => t[1]), JSON.stringify(trends)).toContain('growing');

    // The group that never committed: every partition counts from the low watermark (0 here).
    const n = grown.groups.find((x) => x.groupId === never)!;
    const total = grown.topics.find((t) => t.name === LAG)!.total;
    expect(total).toBe(500 + M);
    expect(n.lag).toBe(total);
    expect(n.rows[0]).toMatchObject({ topic: LAG, lag: total, uncommitted: PARTITIONS });

    // A slow consumer (≤ 150 msg/s) drains the lag: the trend turns to shrinking with a time to
    // drain, and the lag reaches 0.
    const from = s.views.length;
    const c2 = await consumer(group, LAG, { maxPerSec: 150 });
    await until(() => s.sample().then(() => s.group(group)?.lag), (lag) => lag === 0, 60_000, 'lag drained to 0');
    const draining = s.views.slice(from).map((v) => v.groups.find((x) => x.groupId === group)!);
    const shrinking = draining.filter((x) => x.trend.trend === 'shrinking');
    const seen = JSON.stringify(draining.map((x) => [x.lag, x.trend.trend, x.trend.drainSec]));
    expect(shrinking.length, seen).toBeGreaterThan(0);
    for (const x of shrinking) {
      expect(x.trend.perSec!, seen).toBeLessThan(0);
      expect(Number.isFinite(x.trend.drainSec) && x.trend.drainSec! >= 0, seen).toBe(true);
    }
    // While draining the lag never went up (the consumer only moves forward).
    const lags = draining.map((x) => x.lag!);
    for (let i = 1; i < lags.length; i++) expect(lags[i], seen).toBeLessThanOrEqual(lags[i - 1]);
    expect(c2.consumed).toBe(M);
    await stopConsumer(c2);
    // The group that never consumed still lags by the whole topic.
    expect(s.group(never)!.lag).toBe(500 + M);
  });

  it('enters SOFT at the platform threshold and returns to NORMAL only after the 30 s cooldown', { timeout: 100_000 }, async () => {
    const group = 'k2mc-it-degrade';
    const spec = kafkaSpec(broker.address, [DEGRADE], [{ id: group, topics: [DEGRADE] }]);
    const store = createAppStore({ platform: 'K2 test', project: 'k2kafkait', dockerUrl: 'unix:///nowhere', readOnly: true, refreshMs: 1000, services: [], kafka: spec }, 'live');
    const source = new KafkaSource({ spec });
    const trail: { at: number; lag: number | undefined; level: number | undefined }[] = [];
    const sample = async () => {
      const got = await source.sample(AbortSignal.timeout(6000));
      store.getState().applyKafka(got, got.at);
      const gv = store.getState().kafka.view!.groups.find((x) => x.groupId === group)!;
      trail.push({ at: got.at, lag: gv.lag, level: gv.level?.level });
      return gv;
    };
    const events = () => store.getState().events;
    try {
      await produceCount(producer!, DEGRADE, PARTITIONS, 100, 100);
      const c1 = await consumer(group, DEGRADE);
      await until(sample, (gv) => gv.lag === 0, 30_000, 'lag 0 with the consumer running');
      await stopConsumer(c1);
      expect((await sample()).level?.level).toBe(0);

      // One message short of the threshold: still NORMAL. One more: SOFT at once (≥ 100,000).
      await produceCount(producer!, DEGRADE, PARTITIONS, 99_999, 1000);
      const below = await sample();
      expect(below.lag).toBe(99_999);
      expect(below.level?.level).toBe(0);
      expect(events().some((e) => e.text.includes('degradation'))).toBe(false);
      await produceCount(producer!, DEGRADE, PARTITIONS, 1, 1);
      const soft = await sample();
      expect(soft.lag).toBe(100_000);
      expect(soft.level?.level).toBe(1);
      const softEvent = events().find((e) => e.text.includes('degradation'));
      expect(softEvent).toMatchObject({ severity: 'warn', text: `${group}: degradation NORMAL → SOFT (lag 100,000 ≥ 100,000)` });
      const softAt = soft.level!.since;
      expect(softEvent!.at).toBe(softAt);

      // The consumer drains the lag in seconds; the level stays SOFT until 30 s after the change.
      const c2 = await consumer(group, DEGRADE);
      const normal = await until(sample, (gv) => gv.level?.level === 0, 70_000, 'back to NORMAL', 1000);
      await stopConsumer(c2);
      const recovered = events().filter((e) => e.text.includes('degradation'));
      expect(recovered).toHaveLength(2);
      expect(recovered[1]).toMatchObject({ severity: 'ok', text: `${group}: degradation SOFT → NORMAL (lag ${normal.lag!.toLocaleString('en-US')} < 50,000 for 30 s)` });
      const normalAt = normal.level!.since;
      expect(recovered[1].at).toBe(normalAt);
      expect(normalAt - softAt).toBeGreaterThanOrEqual(30_000);
      // Every sample inside the cooldown was SOFT, including some whose lag was already well
      // below the recovery bar: the cooldown, not the lag, held the level.
      const during = trail.filter((t) => t.at >= softAt && t.at < softAt + 30_000);
      const seen = JSON.stringify(trail.map((t) => [t.at - softAt, t.lag, t.level]));
      expect(during.every((t) => t.level === 1), seen).toBe(true);
      expect(during.filter((t) => t.lag! < 50_000).length, seen).toBeGreaterThanOrEqual(3);
      // And it recovered at the first sample past the cooldown with the lag below the bar.
      const firstEligible = trail.find((t) => t.at >= softAt + 30_000 && t.lag! < 50_000);
      expect(firstEligible?.at, seen).toBe(normalAt);
    } finally {
      source.close();
    }
  });

  it('survives the broker being killed and replaced behind the same address, quietly', { timeout: 90_000 }, async () => {
    const topics = ['k2mc.it.live:2', 'k2mc.it.other:1'];
    const names = topics.map((t) => t.split(':')[0]);
    const first = await startBroker(topics);
    relay = await new Relay(first.address).listen();
    logDir = mkdtempSync(join(tmpdir(), 'k2mc-kafkalog-'));
    const logPath = join(logDir, 'kafkajs.log');
    const config: Config = {
      platform: 'K2 test',
      project: `k2kafka${process.pid}`,
      dockerHost: undefined,
      refreshMs: 500,
      readOnly: true,
      source: 'test',
      plans: { dir: mkdtempSync(join(tmpdir(), 'k2mc-noplans-')) },
      services: [],
      kafka: { ...kafkaSpec(relay.address, names, [{ id: 'k2mc-it-live', topics: [] }], names[0]) },
    };
    const p = await connectProducer(first.address);
    let producing = true;
    const feeding = (async () => {
      while (producing) {
        await p.send({ topic: names[0], messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: 'x' })) });
        await sleep(100);
      }
    })();

    live = startLive(config, { kafkaLog: new LogFile(logPath) });
    const state = () => live!.store.getState();
    const rates = () => state().kafka.view?.topics.map((t) => t.rate) ?? [];
    try {
      await eventually(() => state().kafka.status.state, (st) => st === 'ok', 20_000, 'Kafka ok');
      await eventually(rates, (r) => r.length === 2 && r.every((x) => x !== undefined) && r[0]! > 0, 20_000, 'rates known, live topic flowing');
      expect(state().events.some((e) => e.text.startsWith(`Kafka connected at ${relay!.address} (1 broker`))).toBe(true);
      producing = false;
      await feeding;
      await p.disconnect();

      // From here on, nothing may reach the terminal.
      const writes: string[] = [];
      const record = (what: string) => (...args: unknown[]) => void writes.push(`${what}: ${String(args[0]).slice(0, 200)}`);
      const spies = [
        vi.spyOn(process.stdout, 'write').mockImplementation(((...a: unknown[]) => (record('stdout')(...a), true)) as typeof process.stdout.write),
        vi.spyOn(process.stderr, 'write').mockImplementation(((...a: unknown[]) => (record('stderr')(...a), true)) as typeof process.stderr.write),
        ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(record(`console.${m}`))),
      ];
      let outage: { reason: string; sawRates: (number | undefined)[][] };
      try {
        const eventsBefore = state().events.length;
        await first.kill('SIGKILL');
        const down = await eventually(() => state().kafka.status, (st) => st.state === 'unreachable', 20_000, 'unreachable');
        const reason = down.state === 'unreachable' ? down.reason : '';
        const sawRates: (number | undefined)[][] = [];
        // While it is away (a few seconds, across backoff), no topic has a rate.
        const until = Date.now() + 4000;
        while (Date.now() < until) {
          expect(state().kafka.status.state).toBe('unreachable');
          sawRates.push(rates());
          await sleep(100);
        }
        outage = { reason, sawRates };
        const logged = state().events.slice(eventsBefore);
        expect(logged.some((e) => e.severity === 'error' && e.text.startsWith(`Kafka broker unreachable at ${relay!.address}`)), JSON.stringify(logged)).toBe(true);

        // A new broker (new port, same topics) behind the same address.
        const second = await startBroker(topics);
        expect(second.port).not.toBe(first.port);
        relay!.upstream = second.address;
        await eventually(() => state().kafka.status.state, (st) => st === 'ok', 30_000, 'Kafka ok again');
        await eventually(rates, (r) => r.length === 2 && r.every((x) => x !== undefined), 20_000, 'rates known again');
      } finally {
        for (const s of spies) s.mockRestore();
      }
      expect(writes, writes.join('\n')).toEqual([]);
      expect(outage.reason.startsWith(`Kafka broker unreachable at ${relay!.address}`), outage.reason).toBe(true);
      expect(outage.sawRates.length).toBeGreaterThan(10);
      for (const r of outage.sawRates) expect(r).toEqual([undefined, undefined]);
      const texts = state().events.map((e) => e.text);
      expect(texts.some((t) => t.startsWith(`Kafka broker reachable again at ${relay!.address} (1 broker`)), JSON.stringify(texts)).toBe(true);
      // The new broker is empty: known rates of 0, totals from the new broker.
      const view = state().kafka.view as KafkaView;
      expect(view.topics.map((t) => [t.name, t.total, t.rate])).toEqual([
        [names[0], 0, 0],
        [names[1], 0, 0],
      ]);
      // kafkajs's own complaints went to the log file.
      expect(existsSync(logPath)).toBe(true);
      const lines = readFileSync(logPath, 'utf8').trim().split('\n');
      expect(lines.some((l) => /^\S+ (error|warn) /.test(l)), lines.slice(0, 5).join('\n')).toBe(true);
    } finally {
      live.stop();
      live = undefined;
      producing = false;
      await feeding.catch(() => undefined);
      await p.disconnect().catch(() => undefined);
    }
  });

  it('says "connection refused" for an address where nothing listens, in time; retries one broker every tick, several with back-off', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const spec = kafkaSpec(`127.0.0.1:${port}`, [RATES], []);
    const source = new KafkaSource({ spec });
    try {
      expect(source.everyTicks).toBe(1);
      const ticks: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now();
        const error = await source.sample(AbortSignal.timeout(spec.timeoutMs * 3)).then(
          () => undefined,
          (e: unknown) => e,
        );
        const took = Date.now() - t0;
        expect(error).toBeInstanceOf(SourceError);
        expect((error as Error).message).toBe(`Kafka broker unreachable at 127.0.0.1:${port}: connection refused — is Kafka running and listening there?`);
        expect(took, `sample ${i} took ${took} ms`).toBeLessThan(spec.timeoutMs);
        ticks.push(source.everyTicks);
      }
      // One broker: each retry is one TCP connect, so every tick (a broker that is back shows at once).
      expect(ticks).toEqual([1, 1, 1, 1, 1]);
    } finally {
      source.close();
    }
    // Several brokers: kafkajs tries them all, so every 1, 2, 3, then 5 ticks.
    const two = new KafkaSource({ spec: { ...spec, brokers: [`127.0.0.1:${port}`, `127.0.0.1:${await freePort()}`] } });
    try {
      const ticks: number[] = [];
      for (let i = 0; i < 5; i++) {
        await two.sample(AbortSignal.timeout(spec.timeoutMs * 3)).catch(() => undefined);
        ticks.push(two.everyTicks);
      }
      expect(ticks).toEqual([1, 2, 3, 5, 5]);
    } finally {
      two.close();
    }
  });
});
