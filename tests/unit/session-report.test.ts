import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createAppStore, type Frame, type Store } from '../../src/store/store.js';
import { DEFAULT_KAFKA } from '../../src/config/defaults.js';
import { DEFAULT_SCENARIOS } from '../../src/control/defaults.js';
import { SessionLog } from '../../src/control/session-log.js';
import { formatDuration, renderSessionReport, writeSessionReport } from '../../src/app/session-report.js';
import { BackupMode } from '../../src/app/backup-mode.js';
import type { ActiveFault } from '../../src/control/types.js';
import type { DockerSample } from '../../src/model/types.js';
import type { Recording } from '../../src/control/recording.js';
import { container, spec } from './helpers.js';

// The session report: a real store driven through a demo on an injected clock, the SessionLog
// watching it, and the markdown rendered from what it recorded.

const T0 = new Date(2026, 0, 14, 14, 2, 11).getTime();
const services = [spec('kafka'), spec('minio'), spec('binance-stream'), spec('kafka-ui', false)];
const frame: Frame = { platform: 'K2', project: 'k2', dockerUrl: 'unix:///var/run/docker.sock', readOnly: false, refreshMs: 1000, services, kafka: DEFAULT_KAFKA, scenarios: DEFAULT_SCENARIOS };
const stream = DEFAULT_SCENARIOS.find((s) => s.name === 'stream-outage')!;

/** The stack as Docker reports it; `paused` names a service whose container is paused. */
function docker(paused?: string): DockerSample {
  return { engine: { url: 'unix:///var/run/docker.sock', version: '27.0' }, containers: services.map((s) => container(s.name, s.name === paused ? { state: 'paused' } : {})) };
}

/** A store and a session log on one clock that the test moves with at(ms after T0). */
function rig(limit?: number) {
  let t = T0;
  const clock = () => t;
  const store = createAppStore(frame, 'live', T0, clock);
  const log = new SessionLog(store, { clock, wallClock: clock, limit });
  const at = (ms: number) => {
    t = T0 + ms;
    store.getState().tick(t);
  };
  return { store, log, at, clock };
}

function fire(store: Store, at: number): ActiveFault {
  const fault: ActiveFault = { id: `stream-outage@${at}`, scenario: 'stream-outage', startedAt: at, touched: [{ id: 'id-binance-stream', name: 'k2-binance-stream', service: 'binance-stream', before: 'running' }], project: 'k2' };
  store.getState().faultFired(fault, 'stream-outage', [{ step: stream.steps[0]!, ok: true, text: 'k2-binance-stream paused' }], at);
  return fault;
}

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe('session log and report', () => {
  it('records a demo as it happens and reports its figures', () => {
    const { store, log, at, clock } = rig();
    const s = () => store.getState();
    at(1000);
    s().applyDocker(docker(), clock());
    at(2000);
    s().toggleTimer();
    at(60_000);
    s().markSection();
    at(90_000);
    const fault = fire(store, clock());
    at(94_200);
    s().applyDocker(docker('binance-stream'), clock());
    s().setCheck(fault.id, { status: 'met', text: 'trade rate 0 after 4.2 s ✓' }, clock());
    at(120_000);
    s().requestRestore(false);
    s().faultRestored(fault.id, [{ step: stream.restore![0]!, ok: true, text: 'k2-binance-stream unpaused (back to running)' }], clock());
    s().requestDone();
    at(121_000); // the next tick: Docker has not said so yet, still red
    at(123_000);
    s().applyDocker(docker(), clock());
    at(180_000);
    store.setState({ mode: 'backup', backup: { label: 'golden recording 2026-01-13 09:00', file: '/rec/golden.jsonl' } });
    s().log('error', 'recorded: Kafka broker unreachable', T0 - 86_400_000); // a line of the recording shown
    at(252_000);
    store.setState({ mode: 'live' });
    at(300_000);
    s().dockerFailed('Docker engine unreachable at unix:///var/run/docker.sock', clock());
    at(305_000);
    s().applyDocker(docker(), clock());
    at(727_000);
    s().toggleTimer();
    at(730_000);
    log.stop();

    const d = log.snapshot();
    expect(d).toMatchObject({ platform: 'K2', project: 'k2', mode: 'live', startedAt: T0, endedAt: T0 + 730_000, ended: true });
    expect(d.scenarios).toHaveLength(1);
    expect(d.scenarios[0]).toMatchObject({
      scenario: 'stream-outage',
      firedAt: T0 + 90_000,
      targets: ['k2-binance-stream'],
      steps: [{ ok: true, text: 'k2-binance-stream paused' }],
      effect: { status: 'met', afterMs: 4200, text: 'trade rate 0 after 4.2 s ✓' },
      restoredAt: T0 + 120_000,
      restoredBy: 'key',
      recoveryMs: 3000,
      recoveredTo: 'green',
      before: 'green',
      worst: 'red',
    });
    expect(d.backupSwitches).toEqual([
      { at: T0 + 180_000, to: 'backup', label: 'golden recording 2026-01-13 09:00', file: '/rec/golden.jsonl' },
      { at: T0 + 252_000, to: 'live', label: 'golden recording 2026-01-13 09:00', file: '/rec/golden.jsonl', afterMs: 72_000 },
    ]);
    expect(d.redEvents.map((e) => [e.at - T0, e.text])).toEqual([
      [94_200, 'k2-binance-stream running → paused'],
      [300_000, 'Docker engine unreachable at unix:///var/run/docker.sock'],
    ]);
    expect(d.verdicts.map((v) => [v.at - T0, v.level])).toEqual([
      [0, 'green'],
      [94_200, 'red'],
      [123_000, 'green'],
      [300_000, 'red'],
      [305_000, 'green'],
    ]);
    expect(d.timer).toMatchObject({ started: true, running: false, elapsedMs: 725_000, targetMs: 720_000 });
    expect(d.timer.sections.map((x) => x.elapsedMs)).toEqual([0, 58_000]);

    const md = renderSessionReport(d, { recording: '/rec/k2mc-k2-20260114-130211.jsonl' });
    expect(md.startsWith('# K2 session report — 2026-01-14\n')).toBe(true);
    expect(md).toContain('Recording: `/rec/k2mc-k2-20260114-130211.jsonl`');
    for (const row of [
      '| Mode | live |',
      '| Duration (wall clock) | 12 min 10 s |',
      '| Demo timer | 12:05 of 12:00 target (5.0 s over) |',
      '| Scenarios fired | 1 (effect seen: 1) |',
      '| Backup switches | 1 (1 min 12 s in backup) |',
      '| Red events | 2 |',
    ]) {
      expect(md).toContain(row);
    }
    const order = ['## Scenarios', '## Backup mode', '## Demo sections', '## Red events', '## Verdict timeline'].map((h) => md.indexOf(h));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
    expect(md).toContain('| stream-outage | 14:03:41 | k2-binance-stream | 4.2 s — trade rate 0 after 4.2 s ✓ | 14:04:11 (r) | 3.0 s (green) | red |');
    expect(md).toContain('- 14:05:11 live → backup: the screen shows golden recording 2026-01-13 09:00');
    expect(md).toContain('- 14:06:23 back to live after 1 min 12 s');
    expect(md).toContain('| section 1 | 14:02:13 | 0:00 | 58.0 s |');
    expect(md).toContain('| section 2 | 14:03:11 | 0:58 | 11 min 7 s |');
    expect(md).toContain('- 14:07:11 Docker engine unreachable at unix:///var/run/docker.sock');
    expect(md).not.toContain('recorded: Kafka');
    expect(md).toContain('- 14:02:11 **green** for 1 min 34 s\n- 14:03:45 **red** for 28.8 s — k2-binance-stream paused\n- 14:04:14 **green**');
    expect(md).not.toContain('none');
  });

  it('says "none" for what did not happen', () => {
    const { log, at } = rig();
    at(5000);
    log.stop();
    const md = renderSessionReport(log.snapshot());
    expect(md).toContain('| Demo timer | not started |');
    expect(md).toContain('| Scenarios fired | 0 |');
    for (const h of ['Scenarios', 'Backup mode', 'Demo sections', 'Red events']) expect(md).toContain(`## ${h}\n\nnone\n`);
    expect(md).toContain('- 14:02:11 **green** for 5.0 s');
  });

  it('tells per source whether sampling kept up', () => {
    const { log, at } = rig();
    at(5000);
    log.stop();
    const none = renderSessionReport(log.snapshot());
    expect(none).not.toContain('## Sampling');
    const md = renderSessionReport(log.snapshot(), {
      sampling: {
        docker: { started: 60, ok: 58, failed: 2, deadlines: 1, busySkips: 3, maxInFlight: 1, maxMs: 2004.4, totalMs: 1800 },
        host: { started: 0, ok: 0, failed: 0, deadlines: 0, busySkips: 0, maxInFlight: 0, maxMs: 0, totalMs: 0 },
      },
    });
    expect(md).toContain('## Sampling\n\n| Source | Samples | Failed | Deadlines missed | Ticks skipped (still busy) | Most at once | Mean | Slowest |\n|---|---|---|---|---|---|---|---|\n| docker | 60 | 2 | 1 | 3 | 1 | 30 ms | 2004 ms |\n');
    expect(md).not.toContain('| host |');
  });

  it('follows the live store in backup mode, not the recording on screen', () => {
    const { store, log, at, clock } = rig();
    const apply = (st: Store, name: string, value: unknown, when: number) => {
      if (name === 'docker') st.getState().applyDocker(value as DockerSample, when);
      else if (name === 'docker!') st.getState().dockerFailed(String(value), when);
    };
    const backup = new BackupMode(store, clock, apply);
    log.stop();
    const watched = new SessionLog(store, { clock, wallClock: clock, measured: () => backup.liveStore });
    at(1000);
    store.getState().applyDocker(docker(), clock());
    const rec0 = T0 - 86_400_000;
    const recording: Recording = {
      header: { k2mc: 'recording', version: 1, startedAt: rec0, project: 'k2', platform: 'K2', configDigest: 'x', columns: 160, rows: 45, part: 1 },
      samples: [
        { t: rec0, s: 'docker', v: docker() },
        { t: rec0 + 500, s: 'docker!', v: 'recorded outage' },
        { t: rec0 + 60_000, s: 'docker', v: docker() },
      ],
      skipped: 0,
    };
    at(10_000);
    backup.enter({ file: '/rec/golden.jsonl', label: 'golden recording', recording, fromMs: 0 });
    at(11_000);
    backup.tick(clock()); // the recording reaches its outage: red on screen only
    expect(store.getState().docker.status.state).toBe('unreachable');
    backup.liveStore.getState().dockerFailed('live engine gone', clock());
    at(12_000);
    backup.tick(clock());
    at(20_000);
    backup.leave();
    watched.stop();
    const d = watched.snapshot();
    expect(d.redEvents.map((e) => e.text)).toEqual(['live engine gone']);
    expect(d.verdicts.map((v) => [v.at - T0, v.level])).toEqual([
      [0, 'green'],
      [12_000, 'red'],
    ]);
    expect(d.backupSwitches.map((b) => [b.to, b.afterMs])).toEqual([
      ['backup', undefined],
      ['live', 10_000],
    ]);
  });

  it('tells who restored a fault, failed restores and effects not seen', () => {
    const { store, log, at, clock } = rig();
    const s = () => store.getState();
    at(1000);
    s().applyDocker(docker(), clock());
    const restore = (f: ActiveFault, ok = true) => s().faultRestored(f.id, [{ step: stream.restore![0]!, ok, text: ok ? 'k2-binance-stream unpaused' : 'k2-binance-stream: engine said no' }], clock());
    // auto-restore: the controller logs it, then asks for the restore
    at(10_000);
    const auto = { ...fire(store, clock()), autoRestoreAt: T0 + 20_000 };
    s().setFaults([auto]);
    at(20_000);
    s().log('info', 'stream-outage: auto-restore', clock());
    s().requestRestore(false, false, auto.id);
    restore(auto);
    s().requestDone();
    // R, after one failed attempt; its expectation failed
    at(30_000);
    const all = fire(store, clock());
    at(40_000);
    s().setCheck(all.id, { status: 'failed', text: 'expected rate 0 within 10 s: still 128 msg/s ✗' }, clock());
    s().requestRestore(true);
    restore(all, false);
    s().requestDone();
    at(41_000);
    s().requestRestore(true);
    restore(all);
    s().requestDone();
    // the quit prompt, and k2mc on its way out (no request)
    at(50_000);
    const quit = fire(store, clock());
    s().requestRestore(true, true);
    restore(quit);
    s().requestDone();
    at(60_000);
    const exit = fire(store, clock());
    at(61_000);
    restore(exit);
    log.stop();
    const d = log.snapshot();
    expect(d.scenarios.map((r) => r.restoredBy)).toEqual(['auto', 'all', 'quit', 'exit']);
    expect(d.scenarios[1]).toMatchObject({ restoredAt: T0 + 41_000, restoreProblems: ['k2-binance-stream: engine said no'], effect: { status: 'failed', afterMs: 10_000 } });
    const md = renderSessionReport(d);
    expect(md).toContain('| 14:02:31 (auto-restore) |');
    expect(md).toContain('| not seen — expected rate 0 within 10 s: still 128 msg/s ✗ | 14:02:52 (R) |');
    expect(md).toContain('- stream-outage at 14:02:41: restore failed: k2-binance-stream: engine said no');
    expect(md).toContain('| 14:03:12 (on exit) |');
  });

  it('keeps its lists bounded', () => {
    const { store, log, at, clock } = rig(3);
    for (let i = 1; i <= 10; i++) {
      at(i * 10_000);
      store.getState().log('error', `failure ${i}`, clock());
      store.getState().dockerFailed(`engine gone ${i}`, clock());
      at(i * 10_000 + 1000);
      store.getState().applyDocker(docker(), clock());
      fire(store, clock());
      store.setState({ mode: i % 2 ? 'backup' : 'live' });
    }
    log.stop();
    const d = log.snapshot();
    expect(d.redEvents.map((e) => e.text)).toEqual(['engine gone 9', 'failure 10', 'engine gone 10']);
    expect(d.dropped.redEvents).toBe(17);
    for (const list of [d.redEvents, d.verdicts, d.scenarios, d.backupSwitches]) expect(list).toHaveLength(3);
    expect(d.dropped.scenarios).toBe(7);
    expect(renderSessionReport(d)).toContain('| Red events | 20 |');
  });

  it('writes a file of its own each time, even within the same second', () => {
    const { log, at } = rig();
    at(3000);
    log.stop();
    const d = log.snapshot();
    const dir = mkdtempSync(join(tmpdir(), 'k2mc-report-'));
    dirs.push(dir);
    const into = join(dir, 'reports', 'today');
    const first = writeSessionReport(d, into);
    const second = writeSessionReport(d, into);
    expect(basename(first)).toBe('k2mc-report-k2-20260114-140211.md');
    expect(basename(second)).toBe('k2mc-report-k2-20260114-140211-2.md');
    expect(existsSync(first) && existsSync(second)).toBe(true);
    expect(readFileSync(second, 'utf8')).toBe(renderSessionReport(d));
  });

  it('words durations for people', () => {
    expect([4200, 59_940, 60_000, 72_000, 3_780_000].map(formatDuration)).toEqual(['4.2 s', '59.9 s', '1 min', '1 min 12 s', '1 h 3 min']);
  });
});
