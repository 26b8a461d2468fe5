import { describe, expect, it } from 'vitest';
import { kafkaUnreachableView, LIVE_ZERO_AMBER_MS, nextKafkaView, RATE_HISTORY, type KafkaView } from '../../src/model/kafka-view.js';
import { lagTrend, type KafkaSample } from '../../src/model/kafka.js';
import { combineVerdicts, kafkaVerdict, type KafkaFacts } from '../../src/model/verdict.js';
import { vectorValues } from '../../src/sources/prometheus.js';
import { formatDuration, formatInt, formatRate, sparkline } from '../../src/model/format.js';
import { createAppStore, kafkaFacts } from '../../src/store/store.js';
import { DEFAULT_KAFKA } from '../../src/config/defaults.js';
import { container, spec } from './helpers.js';

const LIVE = 'market.crypto.trades.binance';
const GROUP = 'k2-iceberg-writer-crypto-v2';
const T0 = Date.UTC(2026, 0, 14, 10);

/** A sample of the live topic (2 partitions) with `total` messages, the group `committed` behind by `lag`. */
function sample(at: number, total: number, lag?: number): KafkaSample {
  const half = Math.floor(total / 2);
  const committed = lag === undefined ? undefined : total - lag;
  return {
    at,
    brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }],
    controller: 1,
    topics: [{ name: LIVE, partitions: [{ partition: 0, low: 0, high: half }, { partition: 1, low: 0, high: total - half }] }],
    missingTopics: [],
    groups: [
      {
        groupId: GROUP,
        topics:
          committed === undefined
            ? []
            : [{ topic: LIVE, partitions: [{ partition: 0, offset: Math.min(half, committed) }, { partition: 1, offset: Math.max(0, committed - half) }] }],
      },
    ],
  };
}

const opts = { liveTopic: LIVE, groups: [{ id: GROUP, topics: [] }] };

function run(samples: KafkaSample[], memoryPct?: number) {
  let view: KafkaView | undefined;
  const events: string[] = [];
  for (const s of samples) {
    const next = nextKafkaView(view, s, { ...opts, memoryPct });
    view = next.view;
    events.push(...next.events.map((e) => e.text));
  }
  return { view: view!, events };
}

describe('nextKafkaView', () => {
  it('rates from the measured time between samples; unknown first; history bounded', () => {
    const { view } = run([sample(T0, 1000, 0), sample(T0 + 1500, 1300, 0)]);
    expect(view.topics[0]!.rate).toBeCloseTo(200);
    expect(view.topics[0]!.history).toEqual([undefined, 200]);
    const many = run(Array.from({ length: RATE_HISTORY + 10 }, (_, i) => sample(T0 + i * 1000, i * 10, 0)));
    expect(many.view.topics[0]!.history).toHaveLength(RATE_HISTORY);
    expect(many.view.topics[0]!.total).toBe((RATE_HISTORY + 9) * 10);
  });

  it('lag per group, its trend, and the degradation level with an event', () => {
    const samples = [0, 1, 2, 3, 4].map((i) => sample(T0 + i * 1000, 200_000 + i * 50_000, 60_000 + i * 20_000));
    const { view, events } = run(samples);
    const g = view.groups[0]!;
    expect(g.lag).toBe(140_000);
    expect(g.rows[0]!.topic).toBe(LIVE);
    expect(g.trend.trend).toBe('growing');
    expect(g.level?.level).toBe(1);
    expect(events).toContain(`${GROUP}: degradation NORMAL → SOFT (lag 100,000 ≥ 100,000)`);
  });

  it('a consumer keeping up with 130 msg/s, trailing by a jittery few hundred, is steady', () => {
    const lags = [150, 450, 140, 300, 160, 420, 150, 310, 170, 456];
    const samples = lags.map((lag, i) => sample(T0 + i * 1000, 10_000 + i * 130, lag));
    expect(run(samples).view.groups[0]!.trend.trend).toBe('steady');
    // The same jitter without traffic is a trend: nothing excuses it.
    const idle = lags.map((lag, i) => sample(T0 + i * 1000, 10_000, lag));
    expect(run(idle).view.groups[0]!.trend.trend).not.toBe('steady');
  });

  it('a group without committed offsets is listed as such, with no level', () => {
    const { view } = run([sample(T0, 100)]);
    expect(view.groups[0]!.rows).toEqual([{ groupId: GROUP, uncommitted: 0, partitions: 0 }]);
    expect(view.groups[0]!.lag).toBeUndefined();
  });

  it('logs the live topic stopping and resuming, and knows since when it stopped', () => {
    const { view, events } = run([sample(T0, 100, 0), sample(T0 + 1000, 230, 0), sample(T0 + 2000, 230, 0), sample(T0 + 3000, 230, 0)]);
    expect(events).toContain(`${LIVE}: rate dropped to 0 (was 130 msg/s)`);
    expect(view.liveZeroSince).toBe(T0 + 1000);
    const resumed = nextKafkaView(view, sample(T0 + 4000, 330, 0), opts);
    expect(resumed.events.map((e) => e.text)).toContain(`${LIVE}: messages flowing again, 100 msg/s`);
    expect(resumed.view.liveZeroSince).toBeUndefined();
  });

  it('no rate across an outage: two fresh samples are needed', () => {
    const before = run([sample(T0, 100, 0), sample(T0 + 1000, 200, 0)]).view;
    const down = kafkaUnreachableView(before)!;
    expect(down.topics[0]!.rate).toBeUndefined();
    const first = nextKafkaView(down, sample(T0 + 9000, 900, 0), opts).view;
    expect(first.topics[0]!.rate).toBeUndefined();
    const second = nextKafkaView(first, sample(T0 + 10_000, 1000, 0), opts).view;
    expect(second.topics[0]!.rate).toBe(100);
  });

  it('a recreated topic (offsets going back) gives an unknown rate, never 0', () => {
    const { view } = run([sample(T0, 5000, 0), sample(T0 + 1000, 10, 0)]);
    expect(view.topics[0]!.rate).toBeUndefined();
  });
});

describe('lag trend when the lag turns', () => {
  it('a consumer restarted after 10 s of growth shows as draining within a few seconds', () => {
    // 0 → 2,000 over 10 s (200/s), then 2,000 → 1,000 over the next 4 s (250/s down).
    const history = [
      ...Array.from({ length: 11 }, (_, i) => ({ at: T0 + i * 1000, lag: i * 200 })),
      ...[1, 2, 3, 4].map((i) => ({ at: T0 + (10 + i) * 1000, lag: 2000 - i * 250 })),
    ];
    const t = lagTrend(history);
    expect(t.trend).toBe('shrinking');
    // The last 5 s (peak included) fit −185.7/s: 1,000 left drains in about 5.4 s. The whole
    // 15 s window alone would still say "growing".
    expect(t.perSec).toBeCloseTo(-1300 / 7, 5);
    expect(t.drainSec).toBeCloseTo(1000 / (1300 / 7), 5);
    // One sample into the turn is not yet enough to overrule the window.
    expect(lagTrend(history.slice(0, 12)).trend).toBe('growing');
  });
});

describe('Kafka verdict', () => {
  const base: KafkaFacts = { state: 'ok', liveTopic: LIVE, liveStalled: false, streamRunning: true, liveMissing: false, degraded: [] };
  it('green when flowing, red when unreachable, amber when the stream stalls while its producer runs', () => {
    expect(kafkaVerdict(base)).toEqual({ level: 'green', reasons: [] });
    expect(kafkaVerdict({ ...base, state: 'unreachable' })).toEqual({ level: 'red', reasons: ['Kafka broker unreachable'] });
    expect(kafkaVerdict({ ...base, liveStalled: true })).toEqual({ level: 'amber', reasons: [`no messages on ${LIVE}`] });
    expect(kafkaVerdict({ ...base, liveStalled: true, streamRunning: false }).level).toBe('green');
    expect(kafkaVerdict({ ...base, degraded: [{ groupId: 'g', level: 2, name: 'GRACEFUL' }] })).toEqual({ level: 'amber', reasons: ['g GRACEFUL'] });
    expect(kafkaVerdict({ ...base, degraded: [{ groupId: 'g', level: 4, name: 'CIRCUIT_BREAK' }] }).level).toBe('red');
  });
  it('the more serious verdict leads when combined', () => {
    const v = combineVerdicts({ level: 'amber', reasons: ['kafka-ui unhealthy'] }, { level: 'red', reasons: ['Kafka broker unreachable'] });
    expect(v).toEqual({ level: 'red', reasons: ['Kafka broker unreachable', 'kafka-ui unhealthy'] });
    expect(combineVerdicts({ level: 'green', reasons: [] }, { level: 'green', reasons: [] }).level).toBe('green');
  });
  it('the store: a stall counts after 10 s, and only while the stream service runs', () => {
    const store = createAppStore({ platform: 'K2', project: 'k2', dockerUrl: 'x', readOnly: false, refreshMs: 1000, services: [spec('binance-stream')], kafka: DEFAULT_KAFKA }, 'live', T0);
    const s = store.getState();
    s.applyDocker({ engine: { url: 'x' }, containers: [container('binance-stream')] }, T0);
    s.applyKafka(sample(T0, 100, 0), T0);
    s.applyKafka(sample(T0 + 1000, 100, 0), T0 + 1000);
    s.tick(T0 + LIVE_ZERO_AMBER_MS - 1);
    expect(kafkaFacts(store.getState()).liveStalled).toBe(false);
    s.tick(T0 + LIVE_ZERO_AMBER_MS);
    expect(kafkaFacts(store.getState())).toMatchObject({ liveStalled: true, streamRunning: true });
    s.applyDocker({ engine: { url: 'x' }, containers: [container('binance-stream', { state: 'paused' })] }, T0 + LIVE_ZERO_AMBER_MS);
    expect(kafkaVerdict(kafkaFacts(store.getState())).level).toBe('green');
  });
  it('the store logs the broker going away once, and coming back', () => {
    const store = createAppStore({ platform: 'K2', project: 'k2', dockerUrl: 'x', readOnly: false, refreshMs: 1000, services: [], kafka: DEFAULT_KAFKA }, 'live', T0);
    const s = store.getState();
    s.applyKafka(sample(T0, 100, 0), T0);
    s.kafkaFailed('Kafka broker unreachable at localhost:9092: connection refused', T0 + 1000);
    s.kafkaFailed('Kafka broker unreachable at localhost:9092: no answer in time', T0 + 2000);
    s.applyKafka(sample(T0 + 3000, 100, 0), T0 + 3000);
    const texts = store.getState().events.map((e) => e.text);
    expect(texts.filter((t) => t.startsWith('Kafka broker unreachable'))).toHaveLength(1);
    expect(texts.at(-1)).toBe('Kafka broker reachable again at localhost:9092 (1 broker, controller 1)');
  });
});

describe('Prometheus answers', () => {
  it('reads instant vectors and says why when it cannot', () => {
    const ok = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '2'] }, { metric: {}, value: [1, '0'] }] } });
    expect(vectorValues(ok)).toEqual([2, 0]);
    expect(vectorValues(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }))).toEqual([]);
    expect(vectorValues('<html>')).toBe('not a Prometheus answer');
    expect(vectorValues(JSON.stringify({ status: 'error' }))).toBe('not a Prometheus answer');
  });
});

describe('Kafka formatting', () => {
  it('rates, counts and durations', () => {
    expect(formatRate(undefined)).toBe('–');
    expect(formatRate(0)).toBe('0.0');
    expect(formatRate(12.345)).toBe('12.3');
    expect(formatRate(1234.5)).toBe('1,235');
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(formatDuration(0.2)).toBe('1 s');
    expect(formatDuration(75)).toBe('1 min');
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe('3 h 05 min');
    expect(formatDuration(undefined)).toBe('–');
  });
  it('sparklines scale to the maximum; zeros are a floor, unknowns a blank', () => {
    expect(sparkline([0, 50, 100], 3)).toBe('▁▅█');
    expect(sparkline([undefined, 0, 0], 3)).toBe(' ▁▁');
    expect(sparkline([10], 4)).toBe('   █');
    expect(sparkline([1, 2, 3, 4, 5, 6], 3)).toBe('▆▇█');
  });
});
