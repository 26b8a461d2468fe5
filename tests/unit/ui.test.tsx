import React from 'react';
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/App.js';
import { StoreProvider } from '../../src/ui/store-context.js';
import { createAppStore, type Store } from '../../src/store/store.js';
import { container, spec } from './helpers.js';
import { DEFAULT_KAFKA } from '../../src/config/defaults.js';
import { loadPlan } from '../../src/sources/plans/load.js';
import { resolve } from 'node:path';

const services = [spec('kafka'), spec('minio'), spec('kafka-ui', false), spec('api', true, { mayRunOnHost: true, probe: { url: 'http://127.0.0.1:1/health', timeoutMs: 100 } })];
const T0 = new Date(2026, 0, 14, 14, 2, 11).getTime();

function storeWith(columns = 160, rows = 45): Store {
  const store = createAppStore({ platform: 'K2', project: 'k2', dockerUrl: 'unix:///var/run/docker.sock', readOnly: false, refreshMs: 1000, services, kafka: DEFAULT_KAFKA }, 'live', T0);
  store.getState().resize(columns, rows);
  return store;
}

function healthy(store: Store) {
  const s = store.getState();
  s.applyDocker({ engine: { url: 'unix:///var/run/docker.sock', version: '20.10' }, containers: [container('kafka'), container('minio'), container('kafka-ui'), container('api')] }, T0);
  s.applyProbes({ api: { url: 'http://127.0.0.1:1/health', ok: true, status: 200, latencyMs: 12, bodyStatus: 'healthy', at: T0 } }, T0);
  s.applyHost({ cpuPercent: 12.5, memUsed: 4 * 2 ** 30, memTotal: 16 * 2 ** 30, diskUsed: 100 * 2 ** 30, diskTotal: 250 * 2 ** 30, diskPath: '/var/lib/docker', rxPerSec: 2048, txPerSec: 1024, at: T0 });
}

const tick = () => new Promise((r) => setTimeout(r, 30));

const LIVE = 'market.crypto.trades.binance';
const GROUP = 'k2-iceberg-writer-crypto-v2';

/** Two Kafka samples a second apart: the live topic at 130 msg/s, the group `lag` behind. */
function kafkaFlowing(store: Store, lag = 12, at = T0) {
  const s = store.getState();
  for (const [i, total] of [[0, 10_000], [1, 10_130]] as const) {
    s.applyKafka(
      {
        at: at + i * 1000,
        brokers: [{ nodeId: 1, host: 'localhost', port: 9092 }],
        controller: 1,
        topics: [
          { name: LIVE, partitions: [{ partition: 0, low: 0, high: total / 2 }, { partition: 1, low: 0, high: total / 2 }] },
          { name: 'market.crypto.quotes.binance', partitions: [{ partition: 0, low: 0, high: 50 }] },
        ],
        missingTopics: ['market.equities.trades.asx'],
        groups: [
          { groupId: GROUP, topics: [{ topic: LIVE, partitions: [{ partition: 0, offset: total / 2 - lag }, { partition: 1, offset: total / 2 }] }] },
          { groupId: 'k2-iceberg-writer', topics: [] },
        ],
      },
      at + i * 1000,
    );
  }
}

function mount(store: Store) {
  return render(
    <StoreProvider store={store}>
      <App />
    </StoreProvider>,
  );
}

describe('dashboard frames', () => {
  it('healthy: green verdict, every service running, host figures, clock', () => {
    const store = storeWith();
    healthy(store);
    const { lastFrame } = mount(store);
    const f = lastFrame()!;
    expect(f).toContain('K2 MISSION CONTROL');
    expect(f).toContain('LIVE');
    expect(f).toContain('● ALL GO');
    expect(f).toMatch(/ 14:02$/m);
    expect(f).toMatch(/● k2-kafka\s+running\s+healthy/);
    expect(f).toMatch(/k2-api\s+running.*200 12ms healthy/);
    expect(f).toContain('Services 4/4 up');
    expect(f).toContain('12.5%');
    expect(f).toContain('4.0 GiB/16.0 GiB');
    expect(f.split('\n')).toHaveLength(44); // one line less than the terminal
  });

  it('degraded: an essential service paused turns the verdict red and names it', async () => {
    const store = storeWith();
    healthy(store);
    const { lastFrame } = mount(store);
    store.getState().applyDocker({ engine: { url: 'x' }, containers: [container('kafka', { state: 'paused' }), container('minio', { health: 'unhealthy' }), container('kafka-ui'), container('api')] }, T0 + 1000);
    await tick();
    const f = lastFrame()!;
    expect(f).toContain('✕ DOWN');
    expect(f).toContain('k2-kafka paused');
    expect(f).toMatch(/‖ k2-kafka\s+paused/);
    expect(f).toMatch(/k2-minio\s+running\s+unhealthy/);
    expect(f).toContain('k2-kafka running → paused');
    expect(f).toContain('k2-minio healthy → unhealthy');
  });

  it('unreachable Docker: the panel says why and since when, the rest keeps working', async () => {
    const store = storeWith();
    const { lastFrame } = mount(store);
    store.getState().dockerFailed('Docker engine unreachable at unix:///var/run/docker.sock: connect ENOENT — is dockerd running?', T0);
    store.getState().applyHost({ cpuPercent: 50, at: T0 });
    await tick();
    const f = lastFrame()!;
    expect(f).toContain('Docker engine unreachable at unix:///var/run/docker.sock: connect ENOENT — is dockerd running? (since 14:02:11)');
    expect(f).toMatch(/\? k2-kafka\s+unknown/);
    expect(f).toContain('50.0%');
    expect(f).toContain('✕ DOWN');
  });

  it('compact at 80×24: every panel readable', () => {
    const store = storeWith(80, 24);
    healthy(store);
    const { lastFrame } = mount(store);
    const lines = lastFrame()!.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    const f = lastFrame()!;
    expect(f).toMatch(/k2-kafka\s+running\s+healthy/);
    expect(f).toContain('Host');
    expect(f).toContain('CPU 12.5%');
    expect(f).toContain('Events');
    expect(f).toContain('q quit');
  });

  it('Kafka: rate, sparkline, totals, lag with its worst partition, level, missing topics', () => {
    const store = storeWith();
    healthy(store);
    kafkaFlowing(store);
    const { lastFrame } = mount(store);
    const f = lastFrame()!;
    if (process.env.SHOW) console.log(f);
    expect(f).toContain('Kafka · localhost:9092 · 1 broker · controller 1');
    expect(f).toMatch(new RegExp(`${LIVE}\\s+130 .*[▁-█]\\s+10,130\\s+2`));
    expect(f).toMatch(/market\.crypto\.quotes\.binance\s+0\.0 /);
    expect(f).toContain('missing on the broker: market.equities.trades.asx');
    expect(f).toMatch(new RegExp(`${GROUP}\\s+${LIVE}\\s+12\\s+p0 12 .*NORMAL`));
    expect(f).toMatch(/k2-iceberg-writer\s+no committed offsets on the watched topics/);
    expect(f).toContain('● ALL GO');
  });

  it('Kafka unreachable: the panel says so with since when, the verdict is red, the rest keeps working', async () => {
    const store = storeWith();
    healthy(store);
    kafkaFlowing(store);
    const { lastFrame } = mount(store);
    store.getState().kafkaFailed('Kafka broker unreachable at localhost:9092: connection refused — is Kafka running and listening there?', T0 + 5000);
    await tick();
    const f = lastFrame()!;
    expect(f).toContain('Kafka · broker unreachable at localhost:9092 since 14:02:16');
    expect(f).toContain('connection refused — is Kafka running and listening there?');
    expect(f).toMatch(new RegExp(`${LIVE}\\s+– `));
    expect(f).toContain('✕ DOWN Kafka broker unreachable');
    expect(f).toMatch(/● k2-kafka\s+running\s+healthy/);
  });

  it('Kafka at 80×24: compact, the live topic and each group on one line', () => {
    const store = storeWith(80, 24);
    healthy(store);
    kafkaFlowing(store);
    const { lastFrame } = mount(store);
    const f = lastFrame()!;
    if (process.env.SHOW) console.log(f);
    expect(f.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(f).toMatch(/market\.crypto\.trades\.binance\s+130 /);
    expect(f).toMatch(/k2-iceberg-writer-crypt…\s+12 .*NORMAL/);
  });

  it('too small: one clear line instead of garbage', () => {
    const store = storeWith(40, 10);
    healthy(store);
    const { lastFrame } = mount(store);
    expect(lastFrame()).toBe('terminal too small (40×10): need 60×16 · q quits');
  });
});

describe('checklist', () => {
  const plan = () => loadPlan({ dir: resolve('plans'), from: 'test' }, 'demo-readiness.md', T0);

  it('c shows the steps, computed and claimed score, discrepancies and live lights; Space asks to toggle the selected step', async () => {
    const store = storeWith();
    healthy(store);
    kafkaFlowing(store);
    store.getState().applyPlan(plan());
    const { stdin, lastFrame } = mount(store);
    stdin.write('c');
    await tick();
    const f = lastFrame()!;
    expect(f).toContain('Checklist · ');
    expect(f).toMatch(/3\/8 steps done · computed 45\/100 \(Below target\) · claims 45\/100/);
    expect(f).toMatch(/▸ 01\s+Stack Up and Healthy\s+✓ complete\s+15\s+100% 2026-11-29/);
    expect(f).toMatch(/04\s+Failure Scenarios Rehearsed\s+◐ in progress/);
    expect(f).toMatch(/● Stream ingesting\s+130 msg\/s on market\.crypto\.trades\.binance/);
    expect(f).toMatch(/● Topic has 1,000\+ messages\s+10,130 messages/);
    expect(f).toMatch(/✕ Prometheus healthy\s+no Prometheus service in the config|▲ Prometheus healthy/);
    expect(f).toContain('manual: ');
    stdin.write('\u001B[B');
    stdin.write('\u001B[B');
    stdin.write('\u001B[B');
    await tick();
    stdin.write(' ');
    await tick();
    expect(store.getState().planToggle?.step).toBe('04');
    stdin.write('c');
    await tick();
    expect(store.getState().ui.overlay).toBe('none');
  });

  it('read-only: Space changes nothing and says why', async () => {
    const store = createAppStore({ platform: 'K2', project: 'k2', dockerUrl: 'x', readOnly: true, refreshMs: 1000, services, kafka: DEFAULT_KAFKA }, 'live', T0);
    store.getState().applyPlan(plan());
    const { stdin, lastFrame } = mount(store);
    stdin.write('c');
    await tick();
    expect(lastFrame()).toContain('read-only: no edits');
    stdin.write(' ');
    await tick();
    expect(store.getState().planToggle).toBeUndefined();
    expect(store.getState().events.at(-1)?.text).toBe('read-only: step 01 not changed (started with --read-only)');
  });

  it('a plan that cannot be read is named with the reason', async () => {
    const store = storeWith();
    store.getState().applyPlan(loadPlan({ dir: resolve('tests/fixtures/plans'), from: 'test' }, 'no-table.md', T0));
    const { stdin, lastFrame } = mount(store);
    stdin.write('c');
    await tick();
    expect(lastFrame()).toMatch(/no-table\.md: no step table found/);
  });
});

describe('keys', () => {
  it('↓ selects, Enter opens details, Esc goes back', async () => {
    const store = storeWith();
    healthy(store);
    const { stdin, lastFrame } = mount(store);
    await tick();
    stdin.write('\u001B[B');
    await tick();
    expect(store.getState().ui.selected).toBe(1);
    stdin.write('\r');
    await tick();
    expect(store.getState().ui.overlay).toBe('details');
    expect(store.getState().ui.details?.name).toBe('k2-minio');
    expect(lastFrame()).toContain('Details — k2-minio');
    stdin.write('\u001B');
    await tick();
    expect(store.getState().ui.overlay).toBe('none');
  });

  it('Tab moves focus, ? toggles help, / filters, q asks to quit', async () => {
    const store = storeWith();
    healthy(store);
    const { stdin, lastFrame } = mount(store);
    await tick();
    stdin.write('\t');
    await tick();
    expect(store.getState().ui.panel).toBe('kafka');
    expect(lastFrame()).toMatch(/╭─ Kafka/);
    stdin.write('\t');
    await tick();
    expect(store.getState().ui.panel).toBe('host');
    stdin.write('?');
    await tick();
    expect(lastFrame()).toContain('Help — keys');
    stdin.write('?');
    await tick();
    stdin.write('/');
    await tick();
    for (const ch of 'min') {
      stdin.write(ch);
      await tick();
    }
    expect(lastFrame()).toContain('/ filter: min');
    stdin.write('\r');
    await tick();
    const f = lastFrame()!;
    expect(f).toContain('filter "min" 1');
    expect(f).toContain('k2-minio');
    expect(f).not.toMatch(/● k2-kafka /);
    stdin.write('q');
    await tick();
    expect(store.getState().quitRequested).toBe(true);
  });
});
