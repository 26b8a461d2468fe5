import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../src/ui/App.js';
import { StoreProvider } from '../../src/ui/store-context.js';
import { createAppStore, type Store } from '../../src/store/store.js';
import { DEFAULT_KAFKA, DEFAULT_SERVICES } from '../../src/config/defaults.js';
import { DEFAULT_SCENARIOS } from '../../src/control/defaults.js';
import { FaultController } from '../../src/control/faults.js';
import { FaultJournal } from '../../src/control/journal.js';
import type { ActionKind, ActiveFault, Actuator, Scenario, StepResult, TouchedContainer } from '../../src/control/types.js';
import type { ServiceSpec } from '../../src/config/types.js';
import type { ContainerInfo, ContainerState, DockerSample } from '../../src/model/types.js';
import { formatClock } from '../../src/model/format.js';
import { container } from './helpers.js';

// The failure-scenario flow through the whole UI: keys into the Ink app, the store's requests
// carried out by the real FaultController, against an in-memory Actuator (it stands in for the
// actuator interface, not for Docker) and a real FaultJournal on a temporary file.

const PROJECT = 'k2';
const LIVE = DEFAULT_KAFKA.liveTopic!;
const GROUP = 'k2-iceberg-writer-crypto-v2';
const ESC = '\u001B';
const ENTER = '\r';

// --- an in-memory actuator ---------------------------------------------------------------------

const AFTER: Record<ActionKind, ContainerState> = { pause: 'paused', unpause: 'running', stop: 'exited', start: 'running', kill: 'exited', restart: 'running' };
const PAST: Record<ActionKind, string> = { pause: 'paused', unpause: 'unpaused', stop: 'stopped', start: 'started', kill: 'killed', restart: 'restarted' };
const BACK: Record<TouchedContainer['before'], ActionKind> = { running: 'unpause', paused: 'pause', exited: 'stop' };

type Call = { op: 'fire'; scenario: string } | { op: 'restore'; scenario: string; faultId: string };

/** Records every call and flips the state of fake containers; feed them to the store with sample(). */
class MemoryActuator implements Actuator {
  readonly calls: Call[] = [];
  readonly containers: ContainerInfo[];
  /** Restores report failure (the container stays as it is). */
  failRestores = false;
  /** While set, fire and restore wait for it: the UI can be looked at while a request is in flight. */
  gate?: Promise<void>;

  constructor(
    private readonly project: string,
    services: ServiceSpec[],
  ) {
    this.containers = services.map((s) => container(s.name, { id: `id-${s.name}`, name: s.container }));
  }

  sample(): DockerSample {
    return { engine: { url: 'unix:///var/run/docker.sock', version: '27.0' }, containers: this.containers.map((c) => ({ ...c })) };
  }

  fires(): string[] {
    return this.calls.filter((c) => c.op === 'fire').map((c) => c.scenario);
  }

  restores(): string[] {
    return this.calls.filter((c) => c.op === 'restore').map((c) => c.scenario);
  }

  async fire(scenario: Scenario, now: number = Date.now()): Promise<{ fault: ActiveFault; results: StepResult[] }> {
    this.calls.push({ op: 'fire', scenario: scenario.name });
    await (this.gate ?? Promise.resolve());
    const touched: TouchedContainer[] = [];
    const results: StepResult[] = [];
    for (const step of scenario.steps) {
      const c = this.containers.find((x) => x.service === step.service);
      if (!c) {
        results.push({ step, ok: false, text: `no container for service ${step.service}` });
        continue;
      }
      if (!touched.some((t) => t.id === c.id)) touched.push({ id: c.id, name: c.name, service: step.service, before: c.state === 'paused' ? 'paused' : c.state === 'running' ? 'running' : 'exited' });
      c.state = AFTER[step.action];
      results.push({ step, ok: true, text: `${c.name} ${PAST[step.action]}` });
    }
    const fault: ActiveFault = {
      id: `${scenario.name}@${now}`,
      scenario: scenario.name,
      startedAt: now,
      ...(scenario.autoRestoreAfterMs !== undefined ? { autoRestoreAt: now + scenario.autoRestoreAfterMs } : {}),
      touched,
      project: this.project,
    };
    return { fault, results };
  }

  async restore(fault: ActiveFault): Promise<StepResult[]> {
    this.calls.push({ op: 'restore', scenario: fault.scenario, faultId: fault.id });
    await (this.gate ?? Promise.resolve());
    return [...fault.touched].reverse().map((t) => {
      const step = { action: BACK[t.before], service: t.service };
      const c = this.containers.find((x) => x.id === t.id);
      if (!c) return { step, ok: false, text: `${t.name}: no such container any more` };
      if (this.failRestores) return { step, ok: false, text: `${t.name}: engine said no; not back to ${t.before}` };
      c.state = t.before;
      return { step, ok: true, text: `${t.name} ${PAST[step.action]} (back to ${t.before})` };
    });
  }

  manualRestore(fault: ActiveFault): string[] {
    return fault.touched.map((t) => `docker ${BACK[t.before]} ${t.name}`);
  }
}

// --- the rig: store, controller, journal, app ------------------------------------------------

const disposers: (() => void)[] = [];
afterEach(() => {
  while (disposers.length) disposers.pop()!();
});

interface Rig {
  store: Store;
  actuator: MemoryActuator;
  journal: FaultJournal;
  journalPath: string;
  stdin: { write(data: string): void };
  frame(): string;
  /** Feeds the containers' current states to the store, as the Docker source would. */
  feed(at?: number): void;
}

async function rig(opts: { scenarios?: Scenario[]; readOnly?: boolean; columns?: number; rows?: number } = {}): Promise<Rig> {
  const now = Date.now();
  const store = createAppStore(
    {
      platform: 'K2',
      project: PROJECT,
      dockerUrl: 'unix:///var/run/docker.sock',
      readOnly: opts.readOnly ?? false,
      refreshMs: 1000,
      services: DEFAULT_SERVICES,
      kafka: DEFAULT_KAFKA,
      scenarios: opts.scenarios ?? DEFAULT_SCENARIOS,
    },
    'live',
    now,
  );
  store.getState().resize(opts.columns ?? 160, opts.rows ?? 45);
  const actuator = new MemoryActuator(PROJECT, DEFAULT_SERVICES);
  const dir = mkdtempSync(join(tmpdir(), 'k2mc-scenarios-ui-'));
  const journalPath = join(dir, 'faults-k2.json');
  const journal = new FaultJournal(PROJECT, journalPath);
  const controller = new FaultController(store, actuator, journal);
  const feed = (at = Date.now()) => store.getState().applyDocker(actuator.sample(), at);
  feed(now);
  const app = render(
    <StoreProvider store={store}>
      <App />
    </StoreProvider>,
  );
  disposers.push(() => rmSync(dir, { recursive: true, force: true }));
  disposers.push(() => controller.stop());
  disposers.push(() => app.unmount());
  const frame = () => app.lastFrame() ?? '';
  await until(() => frame().includes('MISSION CONTROL'), 'the first frame', frame);
  await settle(); // useInput attaches its listener in an effect
  return { store, actuator, journal, journalPath, stdin: app.stdin, frame, feed };
}

// --- waiting -------------------------------------------------------------------------------------

/** Polls until `cond` holds; fails with what was waited for and the last frame. */
async function until(cond: () => boolean, what: string, frame?: () => string, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${frame ? `\n--- last frame ---\n${frame()}` : ''}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Lets what a key started run to its end: Ink handles keys synchronously except a lone Esc
 * (flushed on setImmediate); the controller's promises and React's render follow.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 10));
}

const texts = (store: Store) => store.getState().events.map((e) => e.text);
const headerOf = (frame: string) => frame.split('\n')[0] ?? '';

function journalFaults(path: string): ActiveFault[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  return text.trim() ? (JSON.parse(text) as { faults: ActiveFault[] }).faults : [];
}

/** Opens the menu, arms `key`, fires it, and waits for the fault to be active. */
async function fire(r: Rig, key: string, scenario: string): Promise<ActiveFault> {
  r.stdin.write('f');
  await until(() => r.frame().includes('Failure scenarios'), 'the scenario menu', r.frame);
  r.stdin.write(key);
  await until(() => r.frame().includes(`ARMED: ${scenario}`), `${scenario} armed`, r.frame);
  r.stdin.write(ENTER);
  await until(() => r.store.getState().faults.active.some((f) => f.scenario === scenario) && !r.store.getState().faults.busy, `${scenario} active`, r.frame);
  r.feed();
  return r.store.getState().faults.active.find((f) => f.scenario === scenario)!;
}

// --- Kafka samples -------------------------------------------------------------------------------

/** One Kafka sample: the live topic at `total` messages (two partitions), its group 12 behind. */
function kafka(store: Store, at: number, total: number) {
  store.getState().applyKafka(
    {
      at,
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092 }],
      controller: 1,
      topics: [{ name: LIVE, partitions: [{ partition: 0, low: 0, high: total / 2 }, { partition: 1, low: 0, high: total / 2 }] }],
      missingTopics: DEFAULT_KAFKA.topics.filter((t) => t !== LIVE),
      groups: [{ groupId: GROUP, topics: [{ topic: LIVE, partitions: [{ partition: 0, offset: total / 2 - 12 }, { partition: 1, offset: total / 2 }] }] }],
    },
    at,
  );
}

const streamOutage = DEFAULT_SCENARIOS.find((s) => s.name === 'stream-outage')!;

// --- the tests -----------------------------------------------------------------------------------

describe('scenario menu: arm, cancel', () => {
  it('f lists every scenario with key, name, description and target state; a stray key does nothing; a key only arms; Esc cancels', async () => {
    const r = await rig();
    r.stdin.write('f');
    await until(() => r.frame().includes('Failure scenarios — real faults through the Docker API'), 'the scenario menu', r.frame);
    expect(r.store.getState().ui.overlay).toBe('scenarios');
    const lines = r.frame().split('\n');
    for (const sc of DEFAULT_SCENARIOS) {
      const line = lines.find((l) => l.includes(` ${sc.key} `) && l.includes(sc.name));
      expect(line, `menu line of ${sc.name}`).toBeDefined();
      // Long descriptions are cut to the column (with "…"): their start is always shown.
      expect(line).toContain(sc.description.length <= 60 ? sc.description : sc.description.slice(0, 50));
      for (const st of sc.steps) {
        const name = DEFAULT_SERVICES.find((s) => s.name === st.service)!.container;
        expect(line).toContain(`${st.action} ${name} (running)`);
      }
    }
    expect(r.frame()).toContain('pause k2-binance-stream (running)');
    expect(r.frame()).toContain('press a scenario key to arm it, then Enter to fire');

    // A key that is no scenario's: nothing armed, nothing called, the menu stays.
    const eventsBefore = r.store.getState().events.length;
    r.stdin.write('x');
    r.stdin.write('9');
    await settle();
    expect(r.store.getState().faults.armed).toBeUndefined();
    expect(r.store.getState().ui.overlay).toBe('scenarios');
    expect(r.frame()).not.toContain('ARMED');
    expect(r.actuator.calls).toEqual([]);
    expect(r.store.getState().events.length).toBe(eventsBefore);

    // A scenario key arms it and nothing more.
    r.stdin.write('1');
    await until(() => r.frame().includes('ARMED: stream-outage — press Enter to fire'), 'the armed line', r.frame);
    expect(r.store.getState().faults.armed).toBe('stream-outage');
    await settle();
    expect(r.actuator.calls).toEqual([]);
    expect(r.store.getState().faults.request).toBeUndefined();
    expect(r.store.getState().faults.active).toEqual([]);

    // Another key re-arms: still only one armed, still nothing fired.
    r.stdin.write('5');
    await until(() => r.frame().includes('ARMED: storage-outage'), 'storage-outage armed', r.frame);
    expect(r.frame()).not.toContain('ARMED: stream-outage');

    // Esc cancels: the menu closes, nothing is fired.
    r.stdin.write(ESC);
    await until(() => r.store.getState().ui.overlay === 'none', 'the menu to close', r.frame);
    await until(() => !r.frame().includes('Failure scenarios'), 'the menu gone from the frame', r.frame);
    await settle();
    expect(r.actuator.calls).toEqual([]);
    expect(r.store.getState().faults.armed).toBeUndefined();
    expect(r.store.getState().faults.active).toEqual([]);
    expect(existsSync(r.journalPath)).toBe(false);

    // Enter on the dashboard is not a fire (it opens the selected service's details).
    r.stdin.write(ENTER);
    await settle();
    expect(r.actuator.calls).toEqual([]);
    r.stdin.write(ESC);
    await until(() => r.store.getState().ui.overlay === 'none', 'details closed', r.frame);

    // Re-opened: nothing armed, and Enter alone fires nothing.
    r.stdin.write('f');
    await until(() => r.frame().includes('Failure scenarios'), 'the menu again', r.frame);
    expect(r.store.getState().faults.armed).toBeUndefined();
    expect(r.frame()).not.toContain('ARMED');
    r.stdin.write(ENTER);
    await settle();
    expect(r.actuator.calls).toEqual([]);
    expect(r.store.getState().faults.request).toBeUndefined();
  });
});

describe('firing', () => {
  it('key then Enter fires once: header line, event log, journal, menu shows it active', async () => {
    const r = await rig();
    const fault = await fire(r, '1', 'stream-outage');
    expect(r.actuator.fires()).toEqual(['stream-outage']);
    expect(r.store.getState().ui.overlay).toBe('none');
    expect(fault.touched).toEqual([{ id: 'id-binance-stream', name: 'k2-binance-stream', service: 'binance-stream', before: 'running' }]);

    const line = `FAULT stream-outage: k2-binance-stream since ${formatClock(fault.startedAt)} · r restores`;
    await until(() => headerOf(r.frame()).includes(line), 'the fault in the header', r.frame);
    expect(headerOf(r.frame())).not.toContain('auto-restore');
    await until(() => r.frame().includes('scenario stream-outage fired'), 'the fired event in the log', r.frame);
    expect(r.frame()).toContain('stream-outage: k2-binance-stream paused');
    expect(texts(r.store)).toEqual(expect.arrayContaining(['scenario stream-outage fired', 'stream-outage: k2-binance-stream paused']));
    // The paused container shows in the services panel once Docker reports it.
    await until(() => /k2-binance-stream\s+paused/.test(r.frame()), 'the stream row paused', r.frame);

    // The journal holds the fault, exactly as the store does.
    expect(journalFaults(r.journalPath)).toEqual([fault]);
    expect(JSON.parse(readFileSync(r.journalPath, 'utf8')).version).toBe(1);
    expect(r.journal.load()).toEqual([fault]);

    // Re-opened, the menu shows the target's new state and the scenario as active.
    r.stdin.write('f');
    await until(() => r.frame().includes('pause k2-binance-stream (paused) ACTIVE'), 'the menu showing the fault', r.frame);
    r.stdin.write(ESC);
    await until(() => r.store.getState().ui.overlay === 'none', 'the menu to close', r.frame);
    expect(r.actuator.fires()).toEqual(['stream-outage']);
  });

  it('keys arriving in one chunk are pressed one by one: "f9x" arms nothing, "5\\r" then fires storage-outage once', async () => {
    const r = await rig();
    r.stdin.write('f9x');
    await until(() => r.store.getState().ui.overlay === 'scenarios', 'the menu', r.frame);
    await settle();
    expect(r.store.getState().faults.armed).toBeUndefined();
    expect(r.actuator.calls).toEqual([]);
    r.stdin.write('5\r');
    await until(() => r.store.getState().faults.active.length === 1 && !r.store.getState().faults.busy, 'storage-outage active', r.frame);
    await settle();
    expect(r.actuator.fires()).toEqual(['storage-outage']);
    expect(r.store.getState().faults.active[0]!.touched.map((t) => t.name)).toEqual(['k2-minio']);
  });

  it('one request at a time: while a fire is in flight, another Enter fires nothing and the menu says working…', async () => {
    const r = await rig();
    let open!: () => void;
    r.actuator.gate = new Promise<void>((resolve) => (open = resolve));
    r.stdin.write('f');
    await until(() => r.frame().includes('Failure scenarios'), 'the menu', r.frame);
    r.stdin.write('1');
    r.stdin.write(ENTER);
    await until(() => r.actuator.calls.length === 1, 'the fire call', r.frame);
    expect(r.store.getState().faults.busy).toBe(true);
    r.stdin.write('f');
    await until(() => r.frame().includes('working…'), 'working… in the menu', r.frame);
    r.stdin.write('5');
    r.stdin.write(ENTER);
    r.stdin.write('r');
    await settle();
    expect(r.actuator.calls).toEqual([{ op: 'fire', scenario: 'stream-outage' }]);
    open();
    await until(() => !r.store.getState().faults.busy && r.store.getState().faults.active.length === 1, 'the first fire done', r.frame);
    await settle();
    expect(r.actuator.fires()).toEqual(['stream-outage']);
    expect(r.actuator.restores()).toEqual([]);
  });
});

describe('expected effect', () => {
  it('rate-zero: the live topic stops after firing → "trade rate 0 after X s ✓"', async () => {
    const r = await rig();
    const t = Date.now();
    kafka(r.store, t - 2000, 10_000);
    kafka(r.store, t - 1000, 10_130);
    const fault = await fire(r, '1', 'stream-outage');
    const at = fault.startedAt;
    // Before any tick nothing is checked.
    expect(r.store.getState().faults.checks[fault.id]).toBeUndefined();
    r.store.getState().tick(at + 500);
    await until(() => r.store.getState().faults.checks[fault.id] !== undefined, 'a pending check', r.frame);
    expect(r.store.getState().faults.checks[fault.id]).toEqual({ status: 'pending', text: 'waiting: 130 msg/s' });
    // The stream is paused: no new messages.
    kafka(r.store, at + 1000, 10_130);
    r.store.getState().tick(at + 2100);
    const met = 'stream-outage: trade rate 0 after 2.1 s ✓';
    await until(() => texts(r.store).includes(met), 'the met event', r.frame);
    expect(r.store.getState().faults.checks[fault.id]!.status).toBe('met');
    await until(() => r.frame().includes(met), 'the met event in the log', r.frame);
    // Checked once: later ticks and samples do not log it again or change it.
    kafka(r.store, at + 3000, 10_390);
    r.store.getState().tick(at + 3000);
    r.store.getState().tick(at + 12_000);
    await settle();
    expect(texts(r.store).filter((x) => x.startsWith('stream-outage: ') && x.endsWith('✓'))).toEqual([met]);
    expect(texts(r.store).some((x) => x.includes('✗'))).toBe(false);
  });

  it('rate-zero not seen within 10 s → "expected rate 0 within 10 s: still 130 msg/s ✗"', async () => {
    const r = await rig();
    const t = Date.now();
    kafka(r.store, t - 2000, 10_000);
    kafka(r.store, t - 1000, 10_130);
    const fault = await fire(r, '1', 'stream-outage');
    const at = fault.startedAt;
    // The rate stays up (the pause did not stop the stream): 130 msg/s in every sample.
    let total = 20_000;
    let last = at + 4000;
    kafka(r.store, last, total);
    for (const dt of [5000, 9000]) {
      total += (130 * (at + dt - last)) / 1000;
      last = at + dt;
      kafka(r.store, last, total);
      r.store.getState().tick(last);
    }
    await until(() => r.store.getState().faults.checks[fault.id]?.text === 'waiting: 130 msg/s', 'pending while before the deadline', r.frame);
    expect(texts(r.store).some((x) => x.includes('expected rate 0'))).toBe(false);
    total += 130;
    kafka(r.store, at + 10_000, total);
    expect(r.store.getState().kafka.view?.topics.find((x) => x.name === LIVE)?.rate).toBe(130);
    r.store.getState().tick(at + 10_000);
    const failed = 'stream-outage: expected rate 0 within 10 s: still 130 msg/s ✗';
    await until(() => texts(r.store).includes(failed), 'the failed event', r.frame);
    expect(r.store.getState().faults.checks[fault.id]).toEqual({ status: 'failed', text: 'expected rate 0 within 10 s: still 130 msg/s ✗' });
    expect(r.store.getState().events.find((e) => e.text === failed)!.severity).toBe('error');
    await until(() => r.frame().includes(failed), 'the failed event in the log', r.frame);
    // A rate of 0 seen later does not turn a failure into a success.
    kafka(r.store, at + 11_000, total);
    r.store.getState().tick(at + 11_000);
    await settle();
    expect(texts(r.store).some((x) => x.includes('trade rate 0 after'))).toBe(false);
    expect(texts(r.store).filter((x) => x === failed)).toHaveLength(1);
  });
});

describe('restoring', () => {
  it('r restores the latest fault: actuator called, header line gone, journal removed', async () => {
    const r = await rig();
    const fault = await fire(r, '1', 'stream-outage');
    await until(() => headerOf(r.frame()).includes('FAULT stream-outage'), 'the header line', r.frame);
    expect(existsSync(r.journalPath)).toBe(true);
    r.stdin.write('r');
    await until(() => r.store.getState().faults.active.length === 0 && !r.store.getState().faults.busy, 'the fault restored', r.frame);
    r.feed();
    expect(r.actuator.calls.filter((c) => c.op === 'restore')).toEqual([{ op: 'restore', scenario: 'stream-outage', faultId: fault.id }]);
    await until(() => !headerOf(r.frame()).includes('FAULT'), 'the header line gone', r.frame);
    expect(journalFaults(r.journalPath)).toEqual([]);
    expect(existsSync(r.journalPath)).toBe(false);
    expect(texts(r.store)).toContain('restore stream-outage: k2-binance-stream unpaused (back to running)');
    await until(() => /k2-binance-stream\s+running/.test(r.frame()), 'the stream row running again', r.frame);
    // Nothing left: r says so and calls nothing.
    r.stdin.write('r');
    await until(() => texts(r.store).includes('no active fault to restore'), 'nothing to restore', r.frame);
    expect(r.actuator.restores()).toEqual(['stream-outage']);
  });

  it('r restores only the latest of several, R all of them (latest first)', async () => {
    const r = await rig();
    const a = await fire(r, '1', 'stream-outage');
    const b = await fire(r, '5', 'storage-outage');
    const c = await fire(r, '6', 'api-crash');
    expect(journalFaults(r.journalPath).map((f) => f.id)).toEqual([a.id, b.id, c.id]);
    await until(() => headerOf(r.frame()).includes('FAULT api-crash: k2-api since') && headerOf(r.frame()).includes('(+2 more)'), 'the header with 3 faults', r.frame);

    r.stdin.write('r');
    await until(() => r.store.getState().faults.active.length === 2 && !r.store.getState().faults.busy, 'the latest restored', r.frame);
    expect(r.actuator.restores()).toEqual(['api-crash']);
    expect(r.store.getState().faults.active.map((f) => f.id)).toEqual([a.id, b.id]);
    expect(journalFaults(r.journalPath).map((f) => f.id)).toEqual([a.id, b.id]);
    await until(() => headerOf(r.frame()).includes('FAULT storage-outage: k2-minio since') && headerOf(r.frame()).includes('(+1 more)'), 'the header with 2 faults', r.frame);

    r.stdin.write('R');
    await until(() => r.store.getState().faults.active.length === 0 && !r.store.getState().faults.busy, 'all restored', r.frame);
    expect(r.actuator.restores()).toEqual(['api-crash', 'storage-outage', 'stream-outage']);
    await until(() => !headerOf(r.frame()).includes('FAULT'), 'the header line gone', r.frame);
    expect(existsSync(r.journalPath)).toBe(false);
    r.feed();
    expect(r.actuator.containers.every((x) => x.state === 'running')).toBe(true);
  });

  it('R and r work from inside the menu too', async () => {
    const r = await rig();
    await fire(r, '1', 'stream-outage');
    await fire(r, '5', 'storage-outage');
    r.stdin.write('f');
    await until(() => r.frame().includes('Failure scenarios'), 'the menu', r.frame);
    r.stdin.write('R');
    await until(() => r.store.getState().faults.active.length === 0 && !r.store.getState().faults.busy, 'all restored', r.frame);
    expect(r.actuator.restores()).toEqual(['storage-outage', 'stream-outage']);
    expect(r.actuator.fires()).toEqual(['stream-outage', 'storage-outage']);
    expect(existsSync(r.journalPath)).toBe(false);
  });

  it('a restore that fails keeps the fault active, in the header and in the journal, and says why', async () => {
    const r = await rig();
    const fault = await fire(r, '1', 'stream-outage');
    r.actuator.failRestores = true;
    r.stdin.write('r');
    await until(() => r.actuator.restores().length === 1 && !r.store.getState().faults.busy, 'the restore attempt', r.frame);
    expect(r.store.getState().faults.active).toEqual([fault]);
    expect(texts(r.store)).toContain('restore stream-outage: k2-binance-stream: engine said no; not back to running ✗');
    expect(journalFaults(r.journalPath)).toEqual([fault]);
    expect(headerOf(r.frame())).toContain('FAULT stream-outage');
    // Once the engine cooperates, r restores it.
    r.actuator.failRestores = false;
    r.stdin.write('r');
    await until(() => r.store.getState().faults.active.length === 0 && !r.store.getState().faults.busy, 'restored at last', r.frame);
    expect(existsSync(r.journalPath)).toBe(false);
  });
});

describe('auto-restore', () => {
  const auto: Scenario = { ...streamOutage, name: 'stream-blip', key: '7', description: 'the stream pauses for 30 s', autoRestoreAfterMs: 30_000 };

  it('the header counts down; past the deadline the fault is restored on its own', async () => {
    const r = await rig({ scenarios: [...DEFAULT_SCENARIOS, auto] });
    const fault = await fire(r, '7', 'stream-blip');
    expect(fault.autoRestoreAt).toBe(fault.startedAt + 30_000);
    r.store.getState().tick(fault.startedAt + 12_000);
    await until(() => headerOf(r.frame()).includes(`FAULT stream-blip: k2-binance-stream since ${formatClock(fault.startedAt)} · auto-restore in 18 s · r restores`), 'the countdown at 18 s', r.frame);
    r.store.getState().tick(fault.startedAt + 29_500);
    await until(() => headerOf(r.frame()).includes('auto-restore in 1 s'), 'the countdown at 1 s', r.frame);
    await settle();
    expect(r.actuator.restores()).toEqual([]);
    expect(journalFaults(r.journalPath)).toEqual([fault]);

    r.store.getState().tick(fault.startedAt + 30_000);
    await until(() => r.store.getState().faults.active.length === 0 && !r.store.getState().faults.busy, 'the auto-restore', r.frame);
    expect(r.actuator.calls.filter((c) => c.op === 'restore')).toEqual([{ op: 'restore', scenario: 'stream-blip', faultId: fault.id }]);
    expect(texts(r.store)).toContain('stream-blip: auto-restore');
    await until(() => !headerOf(r.frame()).includes('FAULT'), 'the header line gone', r.frame);
    expect(existsSync(r.journalPath)).toBe(false);
    // Later ticks do not restore again.
    r.store.getState().tick(fault.startedAt + 31_000);
    await settle();
    expect(r.actuator.restores()).toEqual(['stream-blip']);
  });

  it('a fault without autoRestoreAfterMs is never restored by time alone', async () => {
    const r = await rig();
    const fault = await fire(r, '1', 'stream-outage');
    r.store.getState().tick(fault.startedAt + 3_600_000);
    await settle();
    expect(r.actuator.restores()).toEqual([]);
    expect(r.store.getState().faults.active).toEqual([fault]);
  });

  // KNOWN BUG (see the report): FaultController.onTick restores the *latest* fault when an
  // *earlier* fault's auto-restore time is up (it calls requestRestore(false), which picks
  // faults.active.at(-1)). Remove `.fails` once fixed.
  it('a due auto-restore restores that fault, not a later fault fired after it', async () => {
    const r = await rig({ scenarios: [...DEFAULT_SCENARIOS, auto] });
    const blip = await fire(r, '7', 'stream-blip');
    await fire(r, '5', 'storage-outage');
    r.store.getState().tick(blip.startedAt + 30_000);
    await until(() => r.actuator.restores().length >= 1 && !r.store.getState().faults.busy, 'an auto-restore', r.frame);
    expect(r.actuator.restores()[0]).toBe('stream-blip');
    expect(r.store.getState().faults.active.map((f) => f.scenario)).toEqual(['storage-outage']);
  });
});

describe('quitting with active faults', () => {
  it('q asks; Esc stays', async () => {
    const r = await rig();
    await fire(r, '1', 'stream-outage');
    r.stdin.write('q');
    await until(() => r.frame().includes('restore 1 active fault before quitting? [Y/n]'), 'the quit prompt', r.frame);
    expect(r.store.getState().ui.overlay).toBe('quit-confirm');
    expect(r.store.getState().quitRequested).toBe(false);
    r.stdin.write(ESC);
    await until(() => r.store.getState().ui.overlay === 'none', 'the prompt closed', r.frame);
    await until(() => !r.frame().includes('before quitting?'), 'the prompt gone from the frame', r.frame);
    await settle();
    expect(r.store.getState().quitRequested).toBe(false);
    expect(r.actuator.restores()).toEqual([]);
    expect(r.store.getState().faults.active).toHaveLength(1);
  });

  it('q then y restores every fault, then asks to quit', async () => {
    const r = await rig();
    await fire(r, '1', 'stream-outage');
    await fire(r, '5', 'storage-outage');
    r.stdin.write('q');
    await until(() => r.frame().includes('restore 2 active faults before quitting? [Y/n]'), 'the quit prompt', r.frame);
    r.stdin.write('y');
    await until(() => r.store.getState().quitRequested, 'quitRequested', r.frame);
    expect(r.actuator.restores()).toEqual(['storage-outage', 'stream-outage']);
    expect(r.store.getState().faults.active).toEqual([]);
    expect(existsSync(r.journalPath)).toBe(false);
  });

  it('q then Enter is the same as y', async () => {
    const r = await rig();
    await fire(r, '1', 'stream-outage');
    r.stdin.write('q');
    await until(() => r.frame().includes('before quitting?'), 'the quit prompt', r.frame);
    r.stdin.write(ENTER);
    await until(() => r.store.getState().quitRequested, 'quitRequested', r.frame);
    expect(r.actuator.restores()).toEqual(['stream-outage']);
    expect(r.store.getState().faults.active).toEqual([]);
  });

  it('q then n quits leaving the faults (and the journal) as they are', async () => {
    const r = await rig();
    const fault = await fire(r, '1', 'stream-outage');
    r.stdin.write('q');
    await until(() => r.frame().includes('before quitting?'), 'the quit prompt', r.frame);
    r.stdin.write('n');
    await until(() => r.store.getState().quitRequested, 'quitRequested', r.frame);
    await settle();
    expect(r.actuator.restores()).toEqual([]);
    expect(r.store.getState().faults.active).toEqual([fault]);
    expect(journalFaults(r.journalPath)).toEqual([fault]);
  });

  it('without active faults q quits at once', async () => {
    const r = await rig();
    r.stdin.write('q');
    await until(() => r.store.getState().quitRequested, 'quitRequested', r.frame);
    expect(r.frame()).not.toContain('before quitting?');
    expect(r.actuator.calls).toEqual([]);
  });
});

describe('read-only', () => {
  it('f does not open the menu and says why; r and R do nothing but say so', async () => {
    const r = await rig({ readOnly: true });
    // A fault left by an earlier run (from the journal): even so, nothing is restored.
    const left: ActiveFault = { id: 'stream-outage@1', scenario: 'stream-outage', startedAt: Date.now() - 60_000, touched: [{ id: 'id-binance-stream', name: 'k2-binance-stream', service: 'binance-stream', before: 'running' }], project: PROJECT };
    r.store.getState().setFaults([left]);
    await until(() => headerOf(r.frame()).includes('FAULT stream-outage'), 'the left fault in the header', r.frame);
    expect(headerOf(r.frame())).toContain('READ-ONLY');

    r.stdin.write('f');
    await until(() => texts(r.store).includes('read-only: failure scenarios are disabled (started with --read-only)'), 'the read-only line', r.frame);
    await settle();
    expect(r.store.getState().ui.overlay).toBe('none');
    expect(r.frame()).not.toContain('Failure scenarios');
    await until(() => r.frame().includes('read-only: failure scenarios are disabled'), 'the line in the event log', r.frame);
    // The scenario keys mean nothing on the dashboard: no menu, nothing armed.
    r.stdin.write('1');
    r.stdin.write(ENTER);
    r.stdin.write(ESC);
    await settle();
    expect(r.store.getState().faults.armed).toBeUndefined();

    const notice = 'read-only: nothing to restore (no action is taken with --read-only)';
    r.stdin.write('r');
    await until(() => texts(r.store).filter((x) => x === notice).length === 1, 'the r notice', r.frame);
    r.stdin.write('R');
    await until(() => texts(r.store).filter((x) => x === notice).length === 2, 'the R notice', r.frame);
    await settle();
    expect(r.store.getState().faults.request).toBeUndefined();
    expect(r.store.getState().faults.busy).toBe(false);
    expect(r.store.getState().faults.active).toEqual([left]);
    expect(r.actuator.calls).toEqual([]);

    // Quitting read-only does not offer to restore.
    r.stdin.write('q');
    await until(() => r.store.getState().quitRequested, 'quitRequested', r.frame);
    expect(r.frame()).not.toContain('before quitting?');
    expect(r.actuator.calls).toEqual([]);
  });
});
