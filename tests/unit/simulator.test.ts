import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/types.js';
import { createSimulatedPlatform, type SimulatedPlatformOptions } from '../../src/control/simulator/index.js';
import { CONSUMER_CAPACITY } from '../../src/control/simulator/pipeline.js';
import { checkExpectation } from '../../src/control/expect.js';
import { expectationInput } from '../../src/control/faults.js';
import { DEFAULT_SCENARIOS } from '../../src/control/defaults.js';
import { K2_THRESHOLDS, type Thresholds } from '../../src/model/degradation.js';
import { topicTotal, type KafkaSample } from '../../src/model/kafka.js';
import type { ContainerStats, DockerSample, HostSample, ProbeResult } from '../../src/model/types.js';
import { combineVerdicts, kafkaVerdict, servicesVerdict } from '../../src/model/verdict.js';
import type { PrometheusSample } from '../../src/sources/prometheus.js';
import { SourceError } from '../../src/sources/types.js';
import { createAppStore, kafkaFacts, type Frame, type Store } from '../../src/store/store.js';

// The simulated platform, driven by an injected clock: every "second" below is a step of that
// clock, never a real timer.

const T0 = Date.UTC(2026, 0, 14, 10);
const LIVE = DEFAULT_CONFIG.kafka.liveTopic!;
const GROUP = DEFAULT_CONFIG.kafka.groups[0]!.id;

function frameOf(config: Config): Frame {
  const { platform, project, readOnly, refreshMs, services, kafka, scenarios } = config;
  return { platform, project, dockerUrl: 'simulated', readOnly, refreshMs, services, kafka, scenarios };
}

/** What live.ts does with a sample or a failure, by source name. */
function deliver(store: Store, name: string, outcome: { value?: unknown; error?: unknown }, at: number): void {
  const s = store.getState();
  if (outcome.error !== undefined) {
    const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    if (name === 'docker') s.dockerFailed(reason, at);
    else if (name === 'host') s.hostFailed(reason, at);
    else if (name === 'kafka') s.kafkaFailed(reason, at);
    else if (name === 'prometheus') s.applyPrometheus({ at, note: `unreachable: ${reason}` });
    return;
  }
  const v = outcome.value;
  if (name === 'docker') s.applyDocker(v as DockerSample, at);
  else if (name === 'stats') s.applyStats(v as Record<string, ContainerStats>, at);
  else if (name === 'probes') s.applyProbes(v as Record<string, ProbeResult>, at);
  else if (name === 'host') s.applyHost(v as HostSample, at);
  else if (name === 'kafka') s.applyKafka(v as KafkaSample, at);
  else if (name === 'prometheus') s.applyPrometheus(v as PrometheusSample);
}

function harness(opts: SimulatedPlatformOptions & { config?: Config } = {}) {
  const config = opts.config ?? DEFAULT_CONFIG;
  let real = T0;
  const platform = createSimulatedPlatform(config, { seed: 7, ...opts, now: () => real });
  const store = createAppStore(frameOf(config), 'simulated', platform.clock());
  let ticks = 0;
  const h = {
    platform,
    world: platform.world,
    store,
    config,
    now: () => platform.clock(),
    /** `n` clock ticks: each samples the sources due, like the scheduler, then a period passes. */
    async tick(n = 1): Promise<void> {
      for (let i = 0; i < n; i++) {
        const now = platform.clock();
        store.getState().tick(now);
        for (const src of platform.sources) {
          if (ticks % src.everyTicks !== 0) continue;
          try {
            deliver(store, src.name, { value: await src.sample(new AbortController().signal) }, platform.clock());
          } catch (error) {
            deliver(store, src.name, { error }, now);
          }
        }
        ticks++;
        real += config.refreshMs;
      }
    },
    /** Real time passes without sampling. */
    wait(ms: number): void {
      real += ms;
      platform.world.advance(platform.clock());
    },
    source(name: string) {
      return platform.sources.find((s) => s.name === name)!;
    },
    verdict() {
      const s = store.getState();
      return combineVerdicts(servicesVerdict(s.rows, s.docker.status.state === 'ok'), kafkaVerdict(kafkaFacts(s)));
    },
    row(service: string) {
      return store.getState().rows.find((r) => r.key === service)!;
    },
    group() {
      return store.getState().kafka.view?.groups.find((g) => g.groupId === GROUP);
    },
    liveView() {
      return store.getState().kafka.view?.topics.find((t) => t.name === LIVE);
    },
    liveTotal() {
      return platform.world.pipeline.live()!.partitions.reduce((a, p) => a + p.high, 0);
    },
    container(service: string) {
      return platform.world.container(service)!;
    },
  };
  return h;
}

describe('a healthy simulated platform', () => {
  it('feeds every panel of the store: all rows up and healthy, the verdict green', async () => {
    const h = harness();
    await h.tick(12);
    const s = h.store.getState();
    expect(s.docker.status.state).toBe('ok');
    expect(s.docker.sample!.engine.url).toBe('simulated');
    expect(s.rows.map((r) => r.key)).toEqual(DEFAULT_CONFIG.services.map((x) => x.name));
    for (const r of s.rows) {
      expect(r.status, r.key).toBe('running');
      expect(r.health, r.key).toBe(DEFAULT_CONFIG.services.find((x) => x.name === r.key)!.healthcheck ? 'healthy' : 'none');
      expect(r.name).toBe(DEFAULT_CONFIG.services.find((x) => x.name === r.key)!.container);
      expect(r.cpuPercent, r.key).toBeGreaterThan(0);
      expect(r.memBytes, r.key).toBeGreaterThan(20 * 1024 * 1024);
      if (r.probeUrl) expect(r.probe?.ok, r.key).toBe(true);
    }
    expect(h.row('api').probe!.bodyStatus).toBe('healthy');
    expect(h.row('kafka-ui').probe!.bodyStatus).toBe('UP');
    expect(h.verdict()).toEqual({ level: 'green', reasons: [] });

    const view = s.kafka.view!;
    expect(s.kafka.status.state).toBe('ok');
    expect(view.brokers).toBe(1);
    expect(view.topics.map((t) => t.name)).toEqual(DEFAULT_CONFIG.kafka.topics);
    expect(view.missingTopics).toEqual([]);
    expect(h.liveView()!.partitions).toBe(40);
    expect(h.liveView()!.total).toBeGreaterThan(1000);
    expect(h.liveView()!.rate).toBeGreaterThan(20);
    // The writer keeps up: a second or so of messages behind, steady, NORMAL.
    const g = h.group()!;
    expect(g.lag).toBeLessThan(1500);
    expect(g.level?.level).toBe(0);
    // The legacy group has no committed offsets on the watched topics.
    expect(view.groups.find((x) => x.groupId === 'k2-iceberg-writer')!.lag).toBeUndefined();
    expect(s.prometheus).toMatchObject({ level: 0 });
    expect(s.prometheus!.lag).toBeLessThan(1500);
    const host = s.host.sample!;
    expect(host.memUsed! / host.memTotal!).toBeGreaterThan(0.1);
    expect(host.memUsed! / host.memTotal!).toBeLessThan(0.5);
    expect(host.cpuPercent).toBeGreaterThan(0);
    expect(host.diskUsed).toBeLessThan(host.diskTotal!);
    expect(host.rxPerSec).toBeGreaterThan(0);
  });

  it('the stream produces about 130 msg/s with noise: bursts and lulls, never flat', async () => {
    const h = harness();
    const rates: number[] = [];
    await h.tick(2);
    for (let i = 0; i < 600; i++) {
      await h.tick();
      rates.push(h.liveView()!.rate!);
    }
    const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
    expect(mean).toBeGreaterThan(115);
    expect(mean).toBeLessThan(150);
    expect(Math.max(...rates)).toBeGreaterThan(200);
    expect(Math.min(...rates)).toBeLessThan(90);
    expect(new Set(rates.map((r) => Math.round(r))).size).toBeGreaterThan(30);
    // Keyed by symbol, the partitions fill unevenly.
    const highs = h.world.pipeline.live()!.partitions.map((p) => p.high);
    expect(Math.max(...highs)).toBeGreaterThan(1.5 * Math.min(...highs));
    expect(h.group()!.trend.trend).not.toBe('growing');
  });

  it('is deterministic for a seed, and another seed gives another platform', async () => {
    const run = async (seed: number) => {
      const h = harness({ seed });
      const seen: unknown[] = [];
      for (let i = 0; i < 30; i++) {
        if (i === 10) await h.platform.actuator.fire(DEFAULT_SCENARIOS[1]!);
        await h.tick();
        seen.push(await h.source('kafka').sample(new AbortController().signal), await h.source('docker').sample(new AbortController().signal));
      }
      seen.push(await h.source('stats').sample(new AbortController().signal), await h.source('probes').sample(new AbortController().signal));
      return seen;
    };
    const a = await run(42);
    expect(await run(42)).toEqual(a);
    expect(await run(43)).not.toEqual(a);
  });

  it('the world does not depend on how often it is looked at', () => {
    const a = harness();
    const b = harness();
    for (let i = 0; i < 300; i++) a.wait(1000);
    for (let i = 0; i < 30; i++) b.wait(10_000);
    expect(a.liveTotal()).toBe(b.liveTotal());
    expect(a.world.pipeline.lag()).toBe(b.world.pipeline.lag());
  });
});

describe('the writer (consumer) and the lag', () => {
  it('paused: it stops committing and the lag grows at the producer rate', async () => {
    const h = harness();
    await h.tick(5);
    const fired = await h.platform.actuator.fire(DEFAULT_SCENARIOS.find((s) => s.name === 'consumer-stall')!);
    expect(fired.results.map((r) => r.text)).toEqual(['k2-consumer-crypto paused']);
    await h.tick(2);
    const lag0 = h.world.pipeline.lag();
    const total0 = h.liveTotal();
    await h.tick(300);
    const grown = h.world.pipeline.lag() - lag0;
    // Nothing is committed: the lag grows by exactly what the stream wrote…
    expect(grown).toBe(h.liveTotal() - total0);
    // …which is about 130 msg/s.
    expect(grown / 300).toBeGreaterThan(110);
    expect(grown / 300).toBeLessThan(155);
    expect(h.group()!.trend.trend).toBe('growing');
    expect(h.group()!.trend.perSec).toBeGreaterThan(50);
  });

  it('resumed: the backlog drains at capacity minus the producer rate', async () => {
    const h = harness();
    const writer = h.container('consumer-crypto');
    h.world.act(writer, 'pause');
    h.wait(240_000);
    expect(h.world.act(writer, 'unpause')).toBeUndefined();
    // Paused past the session timeout: it rejoins its group first (3 s).
    h.wait(5000);
    const lag0 = h.world.pipeline.lag();
    const total0 = h.liveTotal();
    h.wait(60_000);
    const drained = lag0 - h.world.pipeline.lag();
    const produced = h.liveTotal() - total0;
    const expected = CONSUMER_CAPACITY * 60 - produced;
    expect(lag0).toBeGreaterThan(25_000);
    expect(drained).toBeGreaterThan(expected * 0.92);
    expect(drained).toBeLessThan(expected * 1.08);
    // And it keeps up again once the backlog is gone.
    h.wait(120_000);
    expect(h.world.pipeline.lag()).toBeLessThan(500);
  });

  it('the store sees the drain: lag shrinking with a time to drain', async () => {
    const h = harness();
    const writer = h.container('consumer-crypto');
    await h.tick(3);
    h.world.act(writer, 'pause');
    await h.tick(80);
    h.world.act(writer, 'unpause');
    await h.tick(20);
    const g = h.group()!;
    expect(g.trend.trend).toBe('shrinking');
    expect(g.trend.drainSec).toBeGreaterThan(0);
    expect(-g.trend.perSec!).toBeGreaterThan(100);
  });

  it('the degradation level rises past the thresholds and falls back one level at a time', async () => {
    // One tick = one real second = two virtual minutes.
    const h = harness({ speed: 120 });
    await h.tick(3);
    const writer = h.container('consumer-crypto');
    h.world.act(writer, 'stop');
    expect(writer.exitCode).toBe(0);
    const seen: { lag: number; level: number; platform?: number }[] = [];
    const look = () => {
      const g = h.group()!;
      seen.push({ lag: g.lag!, level: g.level!.level, platform: h.store.getState().prometheus?.level });
    };
    while (h.group()!.lag! < 560_000) {
      await h.tick();
      look();
      expect(seen.length, 'lag never reached 560,000').toBeLessThan(200);
    }
    expect(h.group()!.level!.level).toBe(2);
    h.world.act(writer, 'start');
    while (h.group()!.level!.level > 0) {
      await h.tick();
      look();
      expect(seen.length).toBeLessThan(200);
    }
    // Up: entered at once at each trigger.
    const firstSoft = seen.find((x) => x.level === 1)!;
    const firstGraceful = seen.find((x) => x.level === 2)!;
    expect(firstSoft.lag).toBeGreaterThanOrEqual(100_000);
    expect(firstGraceful.lag).toBeGreaterThanOrEqual(500_000);
    expect(seen.filter((x) => x.level === 0 && x.lag >= 100_000)).toEqual([]);
    // Down: hysteresis — below the trigger is not enough, below half of it is.
    const peak = seen.findIndex((x) => x.lag === Math.max(...seen.map((y) => y.lag)));
    const after = seen.slice(peak);
    expect(after.some((x) => x.level === 2 && x.lag < 500_000 && x.lag >= 250_000)).toBe(true);
    expect(after.some((x) => x.level === 1 && x.lag < 100_000 && x.lag >= 50_000)).toBe(true);
    for (const x of after) {
      if (x.level === 1) expect(x.lag).toBeLessThan(250_000);
      if (x.level === 0) expect(x.lag).toBeLessThan(50_000);
    }
    // The platform's own level (Prometheus) followed the same path.
    expect(seen.some((x) => x.platform === 2)).toBe(true);
    const changes = h.world.levelChanges.map((c) => [c.from, c.to]);
    expect(changes).toEqual([
      [0, 1],
      [1, 2],
      [2, 1],
      [1, 0],
    ]);
    const events = h.store.getState().events.map((e) => e.text);
    expect(events).toContain(`${GROUP}: degradation NORMAL → SOFT (lag ${seen.find((x) => x.level === 1)!.lag.toLocaleString('en-US')} ≥ 100,000)`);
  });

  it('recovery waits for the cooldown after the last change', () => {
    // Small thresholds, so a short stall crosses one and the drain is quicker than the cooldown.
    const thresholds: Thresholds = { ...K2_THRESHOLDS, lag: [0, 1000, 5000, 10_000, 50_000] };
    const h = harness({ thresholds });
    const writer = h.container('consumer-crypto');
    h.world.act(writer, 'pause');
    for (let i = 0; h.world.degradation.level === 0; i++) {
      expect(i, 'never left NORMAL').toBeLessThan(600);
      h.wait(100);
    }
    const entered = h.world.degradation.since;
    h.world.act(writer, 'unpause');
    h.wait(20_000);
    // Well below half the trigger, but the cooldown has not passed.
    expect(h.world.pipeline.lag()).toBeLessThan(500);
    expect(h.world.degradation.level).toBe(1);
    for (let i = 0; h.world.degradation.level === 1; i++) {
      expect(i, 'never went back to NORMAL').toBeLessThan(600);
      h.wait(100);
    }
    const left = h.world.levelChanges.at(-1)!;
    expect(left).toMatchObject({ from: 1, to: 0 });
    expect(left.at - entered).toBeGreaterThanOrEqual(thresholds.cooldownMs);
    expect(left.at - entered).toBeLessThanOrEqual(thresholds.cooldownMs + 1000);
  });
});

describe('faults and their effects', () => {
  it('stream stopped or paused: the live topic rate goes to 0', async () => {
    for (const action of ['stop', 'pause'] as const) {
      const h = harness();
      await h.tick(4);
      expect(h.liveView()!.rate).toBeGreaterThan(0);
      h.world.act(h.container('binance-stream'), action);
      await h.tick(3);
      expect(h.liveView()!.rate).toBe(0);
      expect(h.store.getState().kafka.view!.liveZeroSince).toBeDefined();
      expect(h.row('binance-stream').status).toBe(action === 'stop' ? 'exited' : 'paused');
    }
  });

  it('Kafka stopped: the kafka source fails as live mode words it, and recovers after a start', async () => {
    const h = harness();
    await h.tick(3);
    const kafka = h.container('kafka');
    h.world.act(kafka, 'stop');
    expect(kafka.exitCode).toBe(143);
    const sample = h.source('kafka').sample(new AbortController().signal);
    await expect(sample).rejects.toBeInstanceOf(SourceError);
    await expect(sample).rejects.toThrow('Kafka broker unreachable at localhost:9092: connection refused — is Kafka running and listening there?');
    await h.tick(2);
    expect(h.store.getState().kafka.status.state).toBe('unreachable');
    expect(h.verdict().level).toBe('red');
    // The stream keeps trading into its client's queue; the writer stalls.
    const total = h.liveTotal();
    h.wait(10_000);
    expect(h.liveTotal()).toBe(total);
    expect(h.world.pipeline.queued()).toBeGreaterThan(800);

    h.world.act(kafka, 'start');
    // Kafka takes a while to start: still refused, health starting.
    await h.tick(2);
    expect(h.store.getState().kafka.status.state).toBe('unreachable');
    expect(h.row('kafka').health).toBe('starting');
    await h.tick(14);
    expect(h.store.getState().kafka.status.state).toBe('ok');
    expect(h.row('kafka').health).toBe('healthy');
    expect(h.store.getState().events.map((e) => e.text)).toContain('Kafka broker reachable again at localhost:9092 (1 broker, controller 1)');
    // What was queued is delivered.
    expect(h.world.pipeline.queued()).toBe(0);
    expect(h.liveTotal()).toBeGreaterThan(total + 800);
  });

  it('Kafka paused: no answer in time; the API reports degraded', async () => {
    const h = harness();
    await h.tick(3);
    h.world.act(h.container('kafka'), 'pause');
    await expect(h.source('kafka').sample(new AbortController().signal)).rejects.toThrow('Kafka broker unreachable at localhost:9092: no answer in time');
    await h.tick(5);
    expect(h.row('api').probe).toMatchObject({ ok: true, status: 200, bodyStatus: 'degraded' });
    expect(h.store.getState().prometheus?.level).toBe(0);
    expect(h.store.getState().prometheus?.lag).toBeUndefined();
  });

  it('storage down: the API reports unhealthy, the writer stalls, then exits and is restarted by its policy', async () => {
    const h = harness();
    await h.tick(3);
    h.world.act(h.container('minio'), 'pause');
    await h.tick(5);
    expect(h.row('minio').probe).toMatchObject({ ok: false, error: 'timeout 1500 ms' });
    expect(h.row('api').probe).toMatchObject({ ok: false, status: 503, bodyStatus: 'unhealthy' });
    const writer = h.container('consumer-crypto');
    const lag0 = h.world.pipeline.lag();
    const total0 = h.liveTotal();
    h.wait(50_000);
    // Nothing written, nothing committed: the lag grows by all the stream wrote.
    expect(h.liveTotal() - total0).toBeGreaterThan(50 * 60);
    expect(h.world.pipeline.lag() - lag0).toBe(h.liveTotal() - total0);
    expect(writer.restartCount).toBe(0);
    h.wait(15_000);
    expect(writer.restartCount).toBe(1);
    expect(writer.state).toBe('running');
    expect(writer.logs.map((l) => l.text).join('\n')).toContain('writer_giving_up');
    // A kill by hand is not undone by the restart policy.
    const api = h.container('api');
    h.world.act(api, 'kill', { signal: 'SIGKILL' });
    h.wait(30_000);
    expect(api).toMatchObject({ state: 'exited', exitCode: 137, restartCount: 0 });
  });

  it('a started container is starting, then healthy; uptime and restart counts as Docker keeps them', async () => {
    const h = harness();
    await h.tick(2);
    const before = h.row('schema-registry-1').startedAt!;
    h.world.act(h.container('schema-registry-1'), 'restart');
    await h.tick(1);
    expect(h.row('schema-registry-1')).toMatchObject({ status: 'running', health: 'starting', restartCount: 0 });
    expect(h.row('schema-registry-1').startedAt!).toBeGreaterThan(before);
    await h.tick(10);
    expect(h.row('schema-registry-1').health).toBe('healthy');
    expect(h.row('schema-registry-1').probe?.ok).toBe(true);
  });

  it('Docker answers actions that do not apply as the engine would', () => {
    const h = harness();
    const sr = h.container('schema-registry-1');
    expect(h.world.act(sr, 'unpause')).toEqual({ status: 409, message: `Container ${sr.id} is not paused` });
    h.world.act(sr, 'stop');
    expect(h.world.act(sr, 'pause')).toEqual({ status: 409, message: `Container ${sr.id} is not running` });
    expect(h.world.act(sr, 'kill')?.status).toBe(409);
    h.world.act(sr, 'start');
    h.world.act(sr, 'pause');
    expect(h.world.act(sr, 'start')?.message).toBe('cannot start a paused container, try unpause instead');
    h.world.act(sr, 'stop');
    // A frozen process cannot handle SIGTERM: killed at the timeout.
    expect(sr.exitCode).toBe(137);
    h.world.act(sr, 'start');
    h.world.act(sr, 'kill', { signal: 'SIGTERM' });
    expect(sr.exitCode).toBe(143);
  });
});

describe('the default scenarios on the simulation', () => {
  for (const scenario of DEFAULT_SCENARIOS) {
    it(`${scenario.name}: fires, shows what it promises, and restores`, async () => {
      const h = harness();
      await h.tick(5);
      const states = h.store.getState().rows.map((r) => [r.key, r.status]);
      const { fault, results } = await h.platform.actuator.fire(scenario);
      expect(results.every((r) => r.ok), results.map((r) => r.text).join('; ')).toBe(true);
      expect(fault.touched.length).toBe(scenario.steps.length);
      const e = scenario.expect!;
      let check = checkExpectation(e, fault.startedAt, expectationInput(h.store), h.now());
      while (check.status === 'pending') {
        await h.tick();
        check = checkExpectation(e, fault.startedAt, expectationInput(h.store), h.now());
      }
      expect(check.status, check.text).toBe('met');
      await h.tick(2);
      expect(h.verdict().level).not.toBe('green');

      const restored = await h.platform.actuator.restore(fault);
      expect(restored.every((r) => r.ok), restored.map((r) => r.text).join('; ')).toBe(true);
      await h.tick(20);
      expect(h.store.getState().rows.map((r) => [r.key, r.status])).toEqual(states);
      expect(h.verdict(), JSON.stringify(h.verdict())).toEqual({ level: 'green', reasons: [] });
    });
  }

  it('words its step results like the Docker actuator', async () => {
    const h = harness();
    const stream = DEFAULT_SCENARIOS.find((s) => s.name === 'stream-outage')!;
    const { fault, results } = await h.platform.actuator.fire(stream);
    expect(results.map((r) => r.text)).toEqual(['k2-binance-stream paused']);
    expect(fault).toMatchObject({ scenario: 'stream-outage', project: 'k2', touched: [{ name: 'k2-binance-stream', service: 'binance-stream', before: 'running' }] });
    const again = await h.platform.actuator.fire(stream);
    expect(again.results.map((r) => r.text)).toEqual(['k2-binance-stream already paused']);
    expect(again.fault.touched).toEqual([]);
    expect((await h.platform.actuator.restore(fault)).map((r) => r.text)).toEqual(['k2-binance-stream unpaused', 'k2-binance-stream already running']);

    const crash = await h.platform.actuator.fire(DEFAULT_SCENARIOS.find((s) => s.name === 'api-crash')!);
    expect(crash.results.map((r) => r.text)).toEqual(['k2-api killed (SIGKILL)']);
    expect(h.container('api')).toMatchObject({ state: 'exited', exitCode: 137 });
    const failover = await h.platform.actuator.fire(DEFAULT_SCENARIOS.find((s) => s.name === 'registry-failover')!);
    expect(h.container('schema-registry-1')).toMatchObject({ state: 'exited', exitCode: 143 });
    expect((await h.platform.actuator.restore(failover.fault)).map((r) => r.text)).toEqual(['k2-schema-registry-1 started', 'k2-schema-registry-1 already running']);
    // A fault with no explicit restore steps: back to the state before.
    const storage = await h.platform.actuator.fire(DEFAULT_SCENARIOS.find((s) => s.name === 'storage-outage')!);
    expect((await h.platform.actuator.restore(storage.fault)).map((r) => r.text)).toEqual(['k2-minio unpaused (back to running)']);
    expect(h.platform.actuator.manualRestore(crash.fault)).toEqual(['# api-crash: simulated platform, nothing to restore by hand (k2-api)']);
    // Another project's fault is left alone.
    const foreign = await h.platform.actuator.restore({ ...crash.fault, project: 'other' });
    expect(foreign[0]).toMatchObject({ ok: false });
    expect(foreign[0]!.text).toMatch(/^refused: fault api-crash@\d+ belongs to compose project "other", not "k2"; k2-api left alone$/);
    expect(h.container('api').state).toBe('exited');
  });

  it('read-only: nothing is touched', async () => {
    const h = harness({ config: { ...DEFAULT_CONFIG, readOnly: true } });
    const { fault, results } = await h.platform.actuator.fire(DEFAULT_SCENARIOS[0]!);
    expect(results).toEqual([{ step: DEFAULT_SCENARIOS[0]!.steps[0], ok: false, text: 'read-only: not pausing k2-binance-stream (k2mc was started read-only)' }]);
    expect(fault.touched).toEqual([]);
    expect(h.container('binance-stream').state).toBe('running');
  });
});

describe('details and custom configs', () => {
  it('details: image, ports, compose labels, health log and log lines like the service writes', async () => {
    const h = harness();
    h.wait(60_000);
    const api = await h.platform.details(h.container('api').id);
    expect(api.name).toBe('k2-api');
    expect(api.ports).toEqual(['0.0.0.0:8000->8000/tcp']);
    expect(api.labels['com.docker.compose.service']).toBe('api');
    expect(api.labels['com.docker.compose.project']).toBe('k2');
    expect(api.logLines.length).toBe(20);
    expect(api.logLines.at(-1)).toMatch(/^INFO: {5}172\.18\.0\.1:\d+ - "GET \/.* HTTP\/1\.1" 200 OK$/);
    const kafka = await h.platform.details(h.container('kafka').id);
    expect(kafka.image).toBe('confluentinc/cp-kafka:7.6.1');
    expect(kafka.healthLog.length).toBeGreaterThan(2);
    expect(kafka.healthLog.every((x) => x.exitCode === 0)).toBe(true);
    expect(kafka.logLines.at(-1)).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] INFO /);
    // A stopped stream says goodbye; its lines stay.
    h.world.act(h.container('binance-stream'), 'stop');
    h.wait(2000);
    const stream = await h.platform.details(h.container('binance-stream').id);
    expect(stream.image).toBe('k2-binance-stream:latest');
    expect(stream.logLines.at(-1)).toContain('producer_flushed');
    await expect(h.platform.details('nope')).rejects.toThrow('No such container: nope');
  });

  it('works on a custom config: its services, project, topics and groups', async () => {
    const config: Config = {
      ...DEFAULT_CONFIG,
      project: 'k2test',
      services: DEFAULT_CONFIG.services
        .filter((s) => !['kafka-ui', 'schema-registry-2', 'grafana'].includes(s.name))
        .map((s) => ({ ...s, container: s.container.replace(/^k2-/, 'k2test-') })),
      kafka: { ...DEFAULT_CONFIG.kafka, brokers: ['127.0.0.1:35151'], topics: [LIVE, 'market.crypto.quotes.binance'], groups: [{ id: 'writer', topics: [LIVE] }], prometheusUrl: undefined },
    };
    const h = harness({ config });
    await h.tick(6);
    const s = h.store.getState();
    expect(s.rows.map((r) => r.name)).toEqual(config.services.map((x) => x.container));
    expect(h.platform.sources.map((x) => x.name)).toEqual(['docker', 'stats', 'probes', 'host', 'kafka']);
    expect(s.kafka.view!.topics.map((t) => t.name)).toEqual(config.kafka.topics);
    expect(s.kafka.view!.groups.map((g) => g.groupId)).toEqual(['writer']);
    expect(s.kafka.view!.groups[0]!.lag).toBeLessThan(1500);
    expect(h.verdict()).toEqual({ level: 'green', reasons: [] });
    h.world.act(h.container('kafka'), 'stop');
    await expect(h.source('kafka').sample(new AbortController().signal)).rejects.toThrow('Kafka broker unreachable at 127.0.0.1:35151: connection refused');
  });

  it('a cold start: the stack warms up, then goes green', async () => {
    const h = harness({ coldStart: true });
    await h.tick(2);
    expect(h.row('kafka').health).toBe('starting');
    expect(h.store.getState().kafka.status.state).toBe('unreachable');
    expect(h.verdict().level).not.toBe('green');
    await h.tick(25);
    expect(h.verdict()).toEqual({ level: 'green', reasons: [] });
    expect(topicTotal(h.world.pipeline.offsetsOf(h.world.pipeline.live()!))).toBeGreaterThan(500);
  });

  it('sources are what live mode schedules: names, cadences, short deadlines', () => {
    const h = harness();
    expect(h.platform.dockerUrl).toBe('simulated');
    expect(h.platform.sources.map((s) => [s.name, s.everyTicks])).toEqual([
      ['docker', 1],
      ['stats', 5],
      ['probes', 5],
      ['host', 5],
      ['kafka', 1],
      ['prometheus', 5],
    ]);
    for (const s of h.platform.sources) expect(s.timeoutMs).toBeLessThanOrEqual(1000);
    expect(() => createSimulatedPlatform(DEFAULT_CONFIG, { speed: 0 })).toThrow(RangeError);
  });

  it('speed: virtual time runs that many times faster than the clock given', () => {
    let real = T0;
    const p = createSimulatedPlatform(DEFAULT_CONFIG, { speed: 10, now: () => real });
    real += 3000;
    expect(p.clock()).toBe(T0 + 30_000);
  });
});
