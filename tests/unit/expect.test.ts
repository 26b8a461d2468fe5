import { describe, it, expect } from 'vitest';
import {
  DOWN_STATUSES,
  checkExpectation,
  expectationWhat,
  formatElapsed,
  formatWithin,
  type ExpectationInput,
} from '../../src/control/expect.js';
import type { Expectation } from '../../src/control/types.js';
import type { RowStatus } from '../../src/model/services.js';

const T0 = 1_000_000;
const LIVE = 'market.crypto.trades.binance';

function input(extra: Partial<ExpectationInput> = {}): ExpectationInput {
  return {
    liveTopic: LIVE,
    topics: [
      { name: LIVE, rate: 128 },
      { name: 'market.crypto.quotes.binance', rate: 40.25 },
    ],
    groups: [
      { groupId: 'k2-iceberg-writer-crypto-v2', trend: 'steady', lag: 120 },
      { groupId: 'k2-iceberg-writer', trend: 'unknown' },
    ],
    kafkaState: 'ok',
    rows: [
      { key: 'kafka', name: 'k2-kafka', service: 'kafka', status: 'running' },
      { key: 'minio', name: 'k2-minio', service: 'minio', status: 'running' },
      { key: 'api', name: 'k2-api', service: 'api', status: 'running' },
      { key: 'schema-registry-1', name: 'k2-schema-registry-1', service: 'schema-registry-1', status: 'running' },
    ],
    ...extra,
  };
}

const withRow = (service: string, status: RowStatus, name = `k2-${service}`) =>
  input({ rows: [...input().rows.filter((r) => r.key !== service), { key: service, name, service, status }] });

const at = (e: Expectation, state: ExpectationInput, afterMs: number) => checkExpectation(e, T0, state, T0 + afterMs);

describe('formatting', () => {
  it('elapsed: one decimal under a minute, whole seconds after', () => {
    expect(formatElapsed(0)).toBe('0.0 s');
    expect(formatElapsed(2100)).toBe('2.1 s');
    expect(formatElapsed(2149)).toBe('2.1 s');
    expect(formatElapsed(2150)).toBe('2.2 s');
    expect(formatElapsed(59_940)).toBe('59.9 s');
    expect(formatElapsed(59_960)).toBe('60 s');
    expect(formatElapsed(60_000)).toBe('60 s');
    expect(formatElapsed(75_400)).toBe('75 s');
    expect(formatElapsed(-500)).toBe('0.0 s'); // a clock step backwards
  });

  it('deadlines: whole seconds, else one decimal', () => {
    expect(formatWithin(10_000)).toBe('10 s');
    expect(formatWithin(1500)).toBe('1.5 s');
    expect(formatWithin(500)).toBe('0.5 s');
    expect(formatWithin(90_000)).toBe('90 s');
    expect(formatWithin(1250)).toBe('1.3 s');
    expect(formatWithin(100)).toBe('0.1 s');
    expect(formatWithin(3_600_000)).toBe('3600 s');
  });

  it('names what is expected', () => {
    expect(expectationWhat({ kind: 'rate-zero', withinMs: 1 })).toBe('rate 0');
    expect(expectationWhat({ kind: 'lag-growing', withinMs: 1 })).toBe('lag growing');
    expect(expectationWhat({ kind: 'broker-unreachable', withinMs: 1 })).toBe('broker unreachable');
    expect(expectationWhat({ kind: 'service-state', service: 'minio', state: 'paused', withinMs: 1 })).toBe('minio paused');
  });
});

describe('rate-zero', () => {
  const e: Expectation = { kind: 'rate-zero', withinMs: 10_000 };
  const zero = input({ topics: [{ name: LIVE, rate: 0 }] });

  it('is pending while the rate flows, with the rate', () => {
    expect(at(e, input(), 1000)).toEqual({ status: 'pending', text: 'waiting: 128 msg/s' });
    expect(at(e, input({ topics: [{ name: LIVE, rate: 12.34 }] }), 1000)).toEqual({ status: 'pending', text: 'waiting: 12.3 msg/s' });
    expect(at(e, input({ topics: [{ name: LIVE, rate: 1234.6 }] }), 1000)).toEqual({ status: 'pending', text: 'waiting: 1,235 msg/s' });
  });

  it('is met when the live topic\'s rate is 0', () => {
    expect(at(e, zero, 2100)).toEqual({ status: 'met', text: 'trade rate 0 after 2.1 s ✓' });
  });

  it('fails once the deadline passes, with what it saw', () => {
    expect(at(e, input(), 10_000)).toEqual({ status: 'failed', text: 'expected rate 0 within 10 s: still 128 msg/s ✗' });
    expect(at(e, input(), 9_999).status).toBe('pending');
  });

  it('is met even when first seen past the deadline', () => {
    expect(at(e, zero, 11_000)).toEqual({ status: 'met', text: 'trade rate 0 after 11.0 s ✓' });
  });

  it('an unknown rate is not 0', () => {
    const unknown = input({ topics: [{ name: LIVE }] });
    expect(at(e, unknown, 1000)).toEqual({ status: 'pending', text: 'waiting: rate unknown' });
    expect(at(e, unknown, 10_000)).toEqual({ status: 'failed', text: 'expected rate 0 within 10 s: rate unknown ✗' });
  });

  it('says so when the broker cannot be asked', () => {
    const down = input({ kafkaState: 'unreachable', topics: [{ name: LIVE }] });
    expect(at(e, down, 1000)).toEqual({ status: 'pending', text: 'waiting: broker unreachable' });
    expect(at(e, down, 10_000)).toEqual({ status: 'failed', text: 'expected rate 0 within 10 s: broker unreachable ✗' });
    expect(at(e, input({ kafkaState: 'connecting', topics: [] }), 1000)).toEqual({ status: 'pending', text: 'waiting: not connected to the broker yet' });
  });

  it('says so when the topic is not in the view', () => {
    expect(at(e, input({ topics: [] }), 1000)).toEqual({ status: 'pending', text: `waiting: topic ${LIVE} not seen` });
    expect(at(e, input({ topics: [] }), 10_000)).toEqual({ status: 'failed', text: `expected rate 0 within 10 s: topic ${LIVE} not seen ✗` });
  });

  it('watches a topic of its own when given', () => {
    const q: Expectation = { kind: 'rate-zero', topic: 'market.crypto.quotes.binance', withinMs: 5000 };
    expect(at(q, input(), 1000)).toEqual({ status: 'pending', text: 'waiting: 40.3 msg/s' });
    expect(at(q, input(), 5000)).toEqual({ status: 'failed', text: 'expected rate 0 within 5 s: still 40.3 msg/s ✗' });
    const quiet = input({ topics: [{ name: LIVE, rate: 128 }, { name: 'market.crypto.quotes.binance', rate: 0 }] });
    expect(at(q, quiet, 400)).toEqual({ status: 'met', text: 'market.crypto.quotes.binance rate 0 after 0.4 s ✓' });
    // the live topic at 0 does not satisfy another topic
    expect(at(q, zero, 400).status).toBe('pending');
    // naming the live topic itself reads as the trade rate
    expect(at({ kind: 'rate-zero', topic: LIVE, withinMs: 5000 }, zero, 400).text).toBe('trade rate 0 after 0.4 s ✓');
  });

  it('fails at once with no topic to watch', () => {
    expect(at(e, input({ liveTopic: undefined }), 0)).toEqual({
      status: 'failed',
      text: 'expected rate 0: no topic to watch (no live topic configured) ✗',
    });
  });
});

describe('lag-growing', () => {
  const e: Expectation = { kind: 'lag-growing', withinMs: 15_000 };
  const growing = input({ groups: [{ groupId: 'k2-iceberg-writer-crypto-v2', trend: 'growing', lag: 5000 }] });

  it('is pending with the lag and its trend', () => {
    expect(at(e, input(), 1000)).toEqual({ status: 'pending', text: 'waiting: lag 120, steady' });
    const big = input({ groups: [{ groupId: 'g', trend: 'shrinking', lag: 123_456 }] });
    expect(at(e, big, 1000)).toEqual({ status: 'pending', text: 'waiting: lag 123,456, shrinking' });
  });

  it('is met when the lag grows', () => {
    expect(at(e, growing, 4000)).toEqual({ status: 'met', text: 'lag growing after 4.0 s ✓' });
  });

  it('fails with the trend it saw', () => {
    expect(at(e, input(), 15_000)).toEqual({ status: 'failed', text: 'expected lag growing within 15 s: steady ✗' });
    const shrinking = input({ groups: [{ groupId: 'g', trend: 'shrinking', lag: 10 }] });
    expect(at(e, shrinking, 15_000)).toEqual({ status: 'failed', text: 'expected lag growing within 15 s: shrinking ✗' });
    const unknown = input({ groups: [{ groupId: 'g', trend: 'unknown', lag: 10 }] });
    expect(at(e, unknown, 1000)).toEqual({ status: 'pending', text: 'waiting: lag 10, trend unknown' });
    expect(at(e, unknown, 15_000)).toEqual({ status: 'failed', text: 'expected lag growing within 15 s: trend unknown ✗' });
  });

  it('defaults to the first group with committed offsets', () => {
    const groups = [
      { groupId: 'idle', trend: 'growing' as const }, // no committed offsets: no lag
      { groupId: 'busy', trend: 'steady' as const, lag: 50 },
      { groupId: 'other', trend: 'growing' as const, lag: 900 },
    ];
    expect(at(e, input({ groups }), 1000)).toEqual({ status: 'pending', text: 'waiting: lag 50, steady' });
    expect(at(e, input({ groups: [{ groupId: 'idle', trend: 'unknown' }] }), 1000)).toEqual({
      status: 'pending',
      text: 'waiting: no group with committed offsets',
    });
    expect(at(e, input({ groups: [] }), 15_000)).toEqual({
      status: 'failed',
      text: 'expected lag growing within 15 s: no group with committed offsets ✗',
    });
  });

  it('watches a group of its own when given', () => {
    const g: Expectation = { kind: 'lag-growing', group: 'other', withinMs: 15_000 };
    const groups = [
      { groupId: 'busy', trend: 'steady' as const, lag: 50 },
      { groupId: 'other', trend: 'growing' as const, lag: 900 },
    ];
    expect(at(g, input({ groups }), 2500)).toEqual({ status: 'met', text: 'lag growing after 2.5 s ✓' });
    expect(at(g, input(), 1000)).toEqual({ status: 'pending', text: 'waiting: group other not seen' });
    expect(at(g, input(), 15_000)).toEqual({ status: 'failed', text: 'expected lag growing within 15 s: group other not seen ✗' });
  });

  it('says so when the broker cannot be asked', () => {
    const down = input({ kafkaState: 'unreachable', groups: [{ groupId: 'g', trend: 'unknown', lag: 10 }] });
    expect(at(e, down, 1000)).toEqual({ status: 'pending', text: 'waiting: broker unreachable' });
    expect(at(e, down, 15_000)).toEqual({ status: 'failed', text: 'expected lag growing within 15 s: broker unreachable ✗' });
  });
});

describe('broker-unreachable', () => {
  const e: Expectation = { kind: 'broker-unreachable', withinMs: 10_000 };

  it('is pending while the broker answers', () => {
    expect(at(e, input(), 1000)).toEqual({ status: 'pending', text: 'waiting: broker reachable' });
    expect(at(e, input({ kafkaState: 'connecting' }), 1000)).toEqual({ status: 'pending', text: 'waiting: still connecting' });
  });

  it('is met once the broker is unreachable', () => {
    expect(at(e, input({ kafkaState: 'unreachable' }), 1200)).toEqual({ status: 'met', text: 'broker unreachable after 1.2 s ✓' });
  });

  it('fails when the broker still answers at the deadline', () => {
    expect(at(e, input(), 10_000)).toEqual({ status: 'failed', text: 'expected broker unreachable within 10 s: still reachable ✗' });
    expect(at(e, input({ kafkaState: 'connecting' }), 10_000)).toEqual({
      status: 'failed',
      text: 'expected broker unreachable within 10 s: still connecting ✗',
    });
  });
});

describe('service-state', () => {
  const paused: Expectation = { kind: 'service-state', service: 'minio', state: 'paused', withinMs: 5000 };

  it('is pending with the container and its state', () => {
    expect(at(paused, input(), 100)).toEqual({ status: 'pending', text: 'waiting: k2-minio running' });
  });

  it('is met with the container name', () => {
    expect(at(paused, withRow('minio', 'paused'), 400)).toEqual({ status: 'met', text: 'k2-minio paused after 0.4 s ✓' });
  });

  it('fails with the state it saw', () => {
    expect(at(paused, input(), 5000)).toEqual({ status: 'failed', text: 'expected minio paused within 5 s: running ✗' });
    expect(at(paused, withRow('minio', 'exited'), 5000)).toEqual({ status: 'failed', text: 'expected minio paused within 5 s: exited ✗' });
  });

  it('exited means exited', () => {
    const e: Expectation = { kind: 'service-state', service: 'schema-registry-1', state: 'exited', withinMs: 15_000 };
    expect(at(e, withRow('schema-registry-1', 'exited'), 3000)).toEqual({ status: 'met', text: 'k2-schema-registry-1 exited after 3.0 s ✓' });
    expect(at(e, withRow('schema-registry-1', 'dead'), 3000).status).toBe('pending');
    expect(at(e, withRow('schema-registry-1', 'dead'), 15_000)).toEqual({
      status: 'failed',
      text: 'expected schema-registry-1 exited within 15 s: dead ✗',
    });
  });

  it('running also accepts a service running on the host', () => {
    const e: Expectation = { kind: 'service-state', service: 'api', state: 'running', withinMs: 5000 };
    expect(at(e, input(), 800)).toEqual({ status: 'met', text: 'k2-api running after 0.8 s ✓' });
    expect(at(e, withRow('api', 'external'), 800)).toEqual({ status: 'met', text: 'k2-api running after 0.8 s ✓' });
    expect(at(e, withRow('api', 'restarting'), 5000)).toEqual({ status: 'failed', text: 'expected api running within 5 s: restarting ✗' });
  });

  describe('down', () => {
    const down: Expectation = { kind: 'service-state', service: 'api', state: 'down', withinMs: 5000 };

    it('is exited, dead, missing, created, removing or restarting, and names what it found', () => {
      expect(DOWN_STATUSES).toEqual(['exited', 'dead', 'missing', 'created', 'removing', 'restarting']);
      for (const status of DOWN_STATUSES) {
        expect(at(down, withRow('api', status), 1500)).toEqual({ status: 'met', text: `k2-api ${status} after 1.5 s ✓` });
      }
    });

    it('is not running, paused, on the host or unknown', () => {
      expect(at(down, input(), 1000)).toEqual({ status: 'pending', text: 'waiting: k2-api running' });
      expect(at(down, withRow('api', 'paused'), 1000)).toEqual({ status: 'pending', text: 'waiting: k2-api paused' });
      expect(at(down, withRow('api', 'external'), 1000)).toEqual({ status: 'pending', text: 'waiting: k2-api running on the host' });
      expect(at(down, withRow('api', 'unknown'), 1000)).toEqual({ status: 'pending', text: 'waiting: k2-api Docker unreachable' });
      expect(at(down, input(), 5000)).toEqual({ status: 'failed', text: 'expected api down within 5 s: running ✗' });
      expect(at(down, withRow('api', 'external'), 5000)).toEqual({ status: 'failed', text: 'expected api down within 5 s: running on the host ✗' });
      expect(at(down, withRow('api', 'unknown'), 5000)).toEqual({ status: 'failed', text: 'expected api down within 5 s: Docker unreachable ✗' });
    });

    it('counts a service with no row as missing', () => {
      expect(at(down, input({ rows: [] }), 300)).toEqual({ status: 'met', text: 'api missing after 0.3 s ✓' });
      expect(at(paused, input({ rows: [] }), 5000)).toEqual({ status: 'failed', text: 'expected minio paused within 5 s: missing ✗' });
    });
  });

  it('finds the row by key, else by compose service', () => {
    const rows = [{ key: 'k2-extra-1', name: 'k2-extra-1', service: 'extra', status: 'paused' as const }];
    const e: Expectation = { kind: 'service-state', service: 'extra', state: 'paused', withinMs: 5000 };
    expect(at(e, input({ rows }), 1000)).toEqual({ status: 'met', text: 'k2-extra-1 paused after 1.0 s ✓' });
    // the configured row (by key) wins over an extra container of the same compose service
    const both = [
      { key: 'k2-minio-2', name: 'k2-minio-2', service: 'minio', status: 'paused' as const },
      { key: 'minio', name: 'k2-minio', service: 'minio', status: 'running' as const },
    ];
    expect(at(paused, input({ rows: both }), 1000)).toEqual({ status: 'pending', text: 'waiting: k2-minio running' });
  });

  it('uses the service name when the row has no container name', () => {
    const rows = [{ key: 'minio', status: 'paused' as const }];
    expect(at(paused, input({ rows }), 400)).toEqual({ status: 'met', text: 'minio paused after 0.4 s ✓' });
  });
});

describe('deadlines', () => {
  it('fail from the deadline on, whatever the unit', () => {
    const e: Expectation = { kind: 'broker-unreachable', withinMs: 1500 };
    expect(at(e, input(), 1499).status).toBe('pending');
    expect(at(e, input(), 1500)).toEqual({ status: 'failed', text: 'expected broker unreachable within 1.5 s: still reachable ✗' });
    expect(at({ kind: 'broker-unreachable', withinMs: 90_000 }, input(), 95_000).text).toBe(
      'expected broker unreachable within 90 s: still reachable ✗',
    );
  });

  it('met after a minute shows whole seconds', () => {
    const e: Expectation = { kind: 'broker-unreachable', withinMs: 120_000 };
    expect(at(e, input({ kafkaState: 'unreachable' }), 75_400).text).toBe('broker unreachable after 75 s ✓');
  });
});
