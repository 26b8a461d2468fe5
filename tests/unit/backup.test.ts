import React from 'react';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, DEFAULT_KAFKA } from '../../src/config/defaults.js';
import type { Config, ServiceSpec } from '../../src/config/types.js';
import { findBackup, HEALTHY_FOR_MS, healthyStretch, type BackupChoice } from '../../src/control/backup.js';
import { FaultJournal } from '../../src/control/journal.js';
import { RECORDING_VERSION, readRecording, type RecordedSample, type Recording, type RecordingHeader } from '../../src/control/recording.js';
import { createSimulatedPlatform, type SimulatedPlatform } from '../../src/control/simulator/index.js';
import { BackupMode } from '../../src/app/backup-mode.js';
import { applySample, startRuntime, type Runtime } from '../../src/app/live.js';
import { createAppStore, type Frame, type Store } from '../../src/store/store.js';
import type { ContainerInfo, DockerSample } from '../../src/model/types.js';
import { App } from '../../src/ui/App.js';
import { StoreProvider } from '../../src/ui/store-context.js';
import { container, spec } from './helpers.js';

// Backup mode: which recording `b` falls back on (findBackup), and the switch itself in both
// directions, on the rendered dashboard. Clocks are injected; the replay moves only when told to.

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'k2mc-backup-'));
  dirs.push(d);
  return d;
};
afterEach(() => cleanup());
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const services: ServiceSpec[] = [spec('kafka'), spec('minio'), spec('kafka-ui', false)];
const frame: Frame = { platform: 'K2', project: 'k2', dockerUrl: 'unix:///var/run/docker.sock', readOnly: false, refreshMs: 1000, services, kafka: DEFAULT_KAFKA, scenarios: DEFAULT_CONFIG.scenarios };
/** Local time, so the labels read 2026-01-13 16:05. */
const REC = new Date(2026, 0, 13, 16, 5).getTime();
const LIVE_T0 = new Date(2026, 0, 14, 14, 2).getTime();

function header(startedAt: number, withFrame = true): RecordingHeader {
  return { k2mc: 'recording', version: RECORDING_VERSION, startedAt, project: 'k2', platform: 'K2', configDigest: 'd', columns: 160, rows: 45, part: 1, ...(withFrame ? { frame } : {}) };
}

function docker(over: Record<string, Partial<ContainerInfo>> = {}): DockerSample {
  return { engine: { url: 'unix:///var/run/docker.sock', version: '27.0' }, containers: services.map((s) => container(s.name, over[s.name] ?? {})) };
}

/**
 * A recording of `seconds`, a docker sample every 5 s; `state(sec)` says what was wrong at that
 * second (undefined: all healthy; 'down': the engine unreachable).
 */
function recording(startedAt: number, seconds: number, state: (sec: number) => Record<string, Partial<ContainerInfo>> | 'down' | undefined = () => undefined, extra: (sec: number) => RecordedSample[] = () => []): Recording {
  const samples: RecordedSample[] = [];
  for (let sec = 0; sec <= seconds; sec++) {
    const t = startedAt + sec * 1000;
    if (sec % 5 === 0) {
      const st = state(sec);
      samples.push(st === 'down' ? { t, s: 'docker!', v: 'Docker engine unreachable' } : { t, s: 'docker', v: docker(st) });
    }
    samples.push(...extra(sec));
  }
  return { header: header(startedAt), samples, skipped: 0 };
}

function write(dir: string, name: string, rec: Recording, mtime: number): string {
  const path = join(dir, name);
  writeFileSync(path, [JSON.stringify(rec.header), ...rec.samples.map((s) => JSON.stringify(s)), ''].join('\n'));
  utimesSync(path, new Date(mtime), new Date(mtime));
  return path;
}

const unhealthyMinio = { minio: { health: 'unhealthy' as const } };

describe('healthyStretch', () => {
  it('is the longest stretch with every essential service up and healthy, from its first healthy sample', () => {
    // Healthy 20–110 s (90 s), and 130–160 s (30 s); a non-essential service's trouble does not count.
    const rec = recording(REC, 180, (s) => (s < 20 || (s >= 110 && s < 130) || s >= 160 ? unhealthyMinio : { 'kafka-ui': { state: 'paused' } }));
    expect(healthyStretch(rec, services)).toEqual({ fromMs: 20_000, lengthMs: 90_000 });
  });
  it('an engine outage breaks a stretch; a stretch still going at the end counts up to the last sample', () => {
    const rec = recording(REC, 200, (s) => (s >= 50 && s < 60 ? 'down' : undefined));
    expect(healthyStretch(rec, services)).toEqual({ fromMs: 60_000, lengthMs: 140_000 });
  });
  it('none without essential services, or never healthy', () => {
    expect(healthyStretch(recording(REC, 100), [spec('kafka-ui', false)])).toBeUndefined();
    expect(healthyStretch(recording(REC, 100, () => unhealthyMinio), services)).toBeUndefined();
  });
});

describe('findBackup', () => {
  /** older: healthy 90 s from 20 s; newer: healthy 40 s at most; current: the newest, healthy throughout. */
  function folder() {
    const dir = tmp();
    const hour = 3_600_000;
    const older = write(dir, 'k2mc-k2-20260113-160500.jsonl', recording(REC, 120, (s) => (s < 20 || s >= 110 ? unhealthyMinio : undefined)), REC + 130_000);
    const newer = write(dir, 'k2mc-k2-20260113-170500.jsonl', recording(REC + hour, 120, (s) => (s >= 40 && s < 50 ? { kafka: { state: 'exited' } } : s >= 90 ? unhealthyMinio : undefined)), REC + hour + 130_000);
    const current = write(dir, 'k2mc-k2-20260114-140200.jsonl', recording(LIVE_T0, 300), LIVE_T0 + 300_000);
    // Not recordings, or not readable as one: passed over.
    write(dir, 'notes.jsonl', recording(LIVE_T0, 300), LIVE_T0 + 400_000);
    writeFileSync(join(dir, 'k2mc-k2-broken.jsonl'), 'this is not JSON\n');
    mkdirSync(join(dir, 'k2mc-k2-dir.jsonl'));
    return { dir, older, newer, current };
  }

  it('without a golden one: the newest with a healthy minute, never the current session, from its healthy stretch', () => {
    const { dir, older, current } = folder();
    const found = findBackup({ dir, exclude: current, services });
    expect(found.problems).toEqual([]);
    expect(found.choice!.file).toBe(older);
    expect(found.choice!.label).toBe('rehearsal 2026-01-13 16:05');
    expect(found.choice!.fromMs).toBe(20_000);
    expect(found.choice!.recording.samples).toHaveLength(readRecording(older).samples.length);
    // The current session would have qualified: it is passed over only because it is the current one.
    expect(findBackup({ dir, services }).choice!.file).toBe(current);
  });

  it('a stretch of exactly a minute qualifies, a shorter one does not', () => {
    const dir = tmp();
    const minute = write(dir, 'k2mc-k2-a.jsonl', recording(REC, 100, (s) => (s < 10 || s >= 10 + HEALTHY_FOR_MS / 1000 ? unhealthyMinio : undefined)), REC);
    expect(findBackup({ dir, services }).choice).toMatchObject({ file: minute, fromMs: 10_000 });
    const dir2 = tmp();
    write(dir2, 'k2mc-k2-a.jsonl', recording(REC, 100, (s) => (s < 10 || s >= 65 ? unhealthyMinio : undefined)), REC);
    expect(findBackup({ dir: dir2, services }).choice).toBeUndefined();
  });

  it('the configured golden recording is chosen even when it was never healthy', () => {
    const { dir, current } = folder();
    const golden = write(tmp(), 'golden.jsonl', recording(REC - 86_400_000, 90, () => unhealthyMinio), REC);
    const found = findBackup({ dir, golden, exclude: current, services });
    expect(found.problems).toEqual([]);
    expect(found.choice).toMatchObject({ file: golden, label: 'golden recording 2026-01-12 16:05', fromMs: 0 });
    // With a healthy stretch, the golden replay starts there too.
    const golden2 = write(tmp(), 'golden.jsonl', recording(REC, 90, (s) => (s < 30 ? unhealthyMinio : undefined)), REC);
    expect(findBackup({ dir, golden: golden2, services }).choice).toMatchObject({ file: golden2, fromMs: 30_000 });
    // A short rehearsal made golden: from its healthy part, which is most of it.
    const short = write(tmp(), 'golden.jsonl', recording(REC, 12, (s) => (s < 5 ? unhealthyMinio : undefined)), REC);
    expect(findBackup({ dir, golden: short, services }).choice).toMatchObject({ file: short, fromMs: 5_000 });
  });

  it('a golden recording healthy only at its very end plays from its start, not as a loop of its last instant', () => {
    const golden = write(tmp(), 'golden.jsonl', recording(REC, 90, (s) => (s < 90 ? unhealthyMinio : undefined)), REC);
    const found = findBackup({ dir: tmp(), golden, services });
    expect(found.choice!.file).toBe(golden);
    expect(found.choice!.fromMs).toBe(0);
    // On screen: the loop plays on with the clock.
    let now = LIVE_T0;
    const store = createAppStore(frame, 'live', now, () => now);
    const backup = new BackupMode(store, () => now, applySample);
    backup.enter(found.choice!);
    for (let n = 1; n <= 10; n++) backup.tick((now = LIVE_T0 + n * 1000));
    expect(store.getState().replay).toMatchObject({ positionMs: 10_000, loops: 0 });
  });

  it('an unusable golden recording: the search goes on, and says what was wrong with it', () => {
    const { dir, older, current } = folder();
    const missing = join(tmp(), 'gone.jsonl');
    const found = findBackup({ dir, golden: missing, exclude: current, services });
    expect(found.choice!.file).toBe(older);
    expect(found.problems).toEqual([`golden recording unusable: ${missing}: not found`]);
    const notOne = join(tmp(), 'golden.jsonl');
    writeFileSync(notOne, '{"name":"k2-mission-control"}\n');
    const found2 = findBackup({ dir, golden: notOne, exclude: current, services });
    expect(found2.choice!.file).toBe(older);
    expect(found2.problems[0]).toBe(`golden recording unusable: ${notOne}: not a k2mc recording (the first line is not a recording header)`);
  });

  it('none qualifies: a problem naming the folder (and its newest recording), or that there is none yet', () => {
    const { dir, newer, older, current } = folder();
    // Without the one that qualifies, and the current session's: none is left.
    const only = tmp();
    write(only, 'k2mc-k2-20260113-170500.jsonl', readRecording(newer), REC + 7_200_000);
    write(only, 'k2mc-k2-20260113-150000.jsonl', recording(REC - 3_600_000, 200, () => unhealthyMinio), REC);
    write(only, 'k2mc-k2-20260114-140200.jsonl', readRecording(current), LIVE_T0 + 300_000);
    const none = findBackup({ dir: only, exclude: join(only, 'k2mc-k2-20260114-140200.jsonl'), services });
    expect(none.choice).toBeUndefined();
    expect(none.problems).toEqual([`none of the 2 recordings in ${only} has every essential service healthy for a minute (k2mc-k2-20260113-170500.jsonl is the newest)`]);
    const one = tmp();
    write(one, 'k2mc-k2-20260113-170500.jsonl', readRecording(newer), REC);
    expect(findBackup({ dir: one, services }).problems).toEqual([`none of the 1 recording in ${one} has every essential service healthy for a minute (k2mc-k2-20260113-170500.jsonl is the newest)`]);
    const empty = tmp();
    expect(findBackup({ dir: empty, services }).problems).toEqual([`no recordings yet in ${empty}`]);
    expect(findBackup({ dir: join(empty, 'nope'), services }).problems).toEqual([`no recordings yet in ${join(empty, 'nope')}`]);
    // The full folder has one.
    expect(findBackup({ dir, exclude: current, services }).choice?.file).toBe(older);
  });

  it("judges a recording by the services it was made against, or the current config's when it has none", () => {
    const dir = tmp();
    // minio is unhealthy throughout, but this recording was made against a stack without it.
    const rec = recording(REC, 100, () => unhealthyMinio);
    rec.header.frame = { ...frame, services: [spec('kafka')] };
    const file = write(dir, 'k2mc-k2-a.jsonl', rec, REC);
    expect(findBackup({ dir, services }).choice?.file).toBe(file);
    const bare = { ...rec, header: header(REC, false) };
    write(dir, 'k2mc-k2-a.jsonl', bare, REC);
    expect(findBackup({ dir, services }).choice).toBeUndefined();
    expect(findBackup({ dir, services: [spec('kafka')] }).choice?.file).toBe(file);
  });
});

// --- the switch, on screen ---------------------------------------------------------------------

function mount(store: Store) {
  return render(React.createElement(StoreProvider, { store, children: React.createElement(App) }));
}

/** Lets Ink draw what the store now holds; the frame is then checked as it is (no timing involved). */
async function frameWhen(lastFrame: () => string | undefined, ok: (f: string) => boolean): Promise<string> {
  for (let n = 0; n < 200; n++) {
    const f = lastFrame() ?? '';
    if (ok(f)) return f;
    for (let k = 0; k < 3; k++) await new Promise((r) => setImmediate(r));
  }
  return lastFrame() ?? '';
}

const cpu = (pct: number, at: number) => ({ cpuPercent: pct, memUsed: 4 * 2 ** 30, memTotal: 16 * 2 ** 30, at });

describe('BackupMode on the dashboard', () => {
  /** A recording whose host CPU reads 70.0% + the second / 10: the screen shows where the replay is. */
  function choice(): BackupChoice {
    const rec = recording(REC, 120, (s) => (s < 20 ? unhealthyMinio : undefined), (s) => [{ t: REC + s * 1000, s: 'host', v: cpu(70 + s / 10, REC + s * 1000) }]);
    return { file: '/recordings/k2mc-k2-20260113-160500.jsonl', label: 'rehearsal 2026-01-13 16:05', recording: rec, fromMs: 20_000 };
  }

  function liveStore() {
    let now = LIVE_T0;
    const store = createAppStore(frame, 'live', now, () => now);
    store.getState().resize(160, 45);
    applySample(store, 'docker', docker(), now);
    applySample(store, 'host', cpu(12.5, now), now);
    const backup = new BackupMode(store, () => now, applySample);
    return { store, backup, at: (t: number) => (now = t) };
  }

  it('b in: the recording, looping, under a BACKUP banner; live samples go on out of sight; b out: the fresh live data', async () => {
    const { store, backup, at } = liveStore();
    const { lastFrame, stdin } = mount(store);
    expect(lastFrame()).toContain(' LIVE ');
    expect(lastFrame()).toContain('12.5%');
    expect(backup.liveStore).toBe(store);

    backup.enter(choice());
    expect(backup.active).toBe(true);
    let f = await frameWhen(lastFrame, (x) => x.includes('BACKUP —'));
    expect(f).toContain(' BACKUP ');
    expect(f).toContain('BACKUP — replay of rehearsal 2026-01-13 16:05, live platform not shown');
    expect(f).toContain('0:20 / 2:00 · b back to live');
    // The recording's data from its healthy stretch on: minio healthy, the CPU of second 20.
    expect(f).toContain('72.0%');
    expect(f).not.toContain('12.5%');
    expect(f).toMatch(/k2-minio\s+running\s+healthy/);
    expect(f).toContain('BACKUP: replay of rehearsal 2026-01-13 16:05');
    expect(store.getState().mode).toBe('backup');

    // Live samples meanwhile: to the hidden store, never to the screen.
    expect(backup.liveStore).not.toBe(store);
    at(LIVE_T0 + 5000);
    applySample(backup.liveStore, 'docker', docker({ 'kafka-ui': { state: 'paused' } }), LIVE_T0 + 5000);
    applySample(backup.liveStore, 'host', cpu(33.3, LIVE_T0 + 5000), LIVE_T0 + 5000);
    backup.tick(LIVE_T0 + 5000);
    f = await frameWhen(lastFrame, (x) => x.includes('72.5%'));
    expect(f).toContain('72.5%');
    expect(f).toContain('0:25 / 2:00');
    expect(f).not.toContain('33.3%');
    expect(f).not.toMatch(/k2-kafka-ui .*paused/);
    expect(store.getState().host.sample!.cpuPercent).toBe(72.5);

    // f: no failure scenarios on a recording.
    stdin.write('f');
    f = await frameWhen(lastFrame, (x) => x.includes('failure scenarios are disabled'));
    expect(f).toContain('failure scenarios are disabled: backup mode shows a recording (b goes back to live)');
    expect(f).not.toContain('Failure scenarios — real faults');
    expect(store.getState().ui.overlay).toBe('none');

    // The loop: past the end it starts over at the healthy stretch.
    at(LIVE_T0 + 105_000);
    backup.tick(LIVE_T0 + 105_000);
    expect(store.getState().replay).toMatchObject({ positionMs: 20_000, loops: 1 });
    f = await frameWhen(lastFrame, (x) => x.includes('0:20 / 2:00'));
    expect(f).toContain('72.0%');
    // Each loop starts its log afresh: the scenario message is gone, the BACKUP line is there once.
    expect(f).not.toContain('failure scenarios are disabled');
    expect(f.split('BACKUP: replay of').length).toBe(2);

    backup.leave();
    expect(backup.active).toBe(false);
    expect(backup.liveStore).toBe(store);
    f = await frameWhen(lastFrame, (x) => x.includes(' LIVE '));
    expect(f).not.toContain('BACKUP —');
    expect(f).toContain('33.3%');
    expect(f).toMatch(/k2-kafka-ui .*paused/);
    expect(f).toContain('k2-kafka-ui running → paused');
    expect(f).toContain('back to live: the live platform is shown again');
    expect(store.getState()).toMatchObject({ mode: 'live', replay: undefined });
    // Live again: live samples reach the screen.
    applySample(backup.liveStore, 'host', cpu(44.4, LIVE_T0 + 106_000), LIVE_T0 + 106_000);
    f = await frameWhen(lastFrame, (x) => x.includes('44.4%'));
    expect(f).toContain('44.4%');
    // f works again.
    stdin.write('f');
    f = await frameWhen(lastFrame, (x) => x.includes('Failure scenarios — real faults'));
    expect(f).toContain('Failure scenarios — real faults');
  });

  it('the replay controls steer the backup loop; enter and leave twice are harmless', () => {
    const { store, backup } = liveStore();
    backup.leave();
    expect(store.getState().mode).toBe('live');
    const c = choice();
    backup.enter(c);
    const hidden = backup.liveStore;
    backup.enter(c);
    expect(backup.liveStore).toBe(hidden);
    backup.control({ kind: 'pause' });
    expect(store.getState().replay!.paused).toBe(true);
    backup.tick(LIVE_T0 + 10_000);
    expect(store.getState().replay!.positionMs).toBe(20_000);
    backup.control({ kind: 'pause' });
    backup.control({ kind: 'seek', deltaMs: 10_000 });
    expect(store.getState().replay!.positionMs).toBe(30_000);
    expect(store.getState().host.sample!.cpuPercent).toBe(73);
    backup.control({ kind: 'speed', direction: 1 });
    expect(store.getState().replay!.speed).toBe(2);
  });
});

// --- the whole runtime: b pressed on a live session --------------------------------------------

describe('b in a live runtime', () => {
  let runtimes: Runtime[] = [];
  afterEach(() => {
    for (const r of runtimes) r.stop();
    runtimes = [];
  });

  /** A runtime in live mode over a simulated platform, its clock driven here. */
  function live(config: Config, real: { now: number }, opts: { recordDir: string; backup?: { dir: string; golden?: string } }) {
    let platform: SimulatedPlatform | undefined;
    const runtime = startRuntime(
      config,
      { mode: 'live', clock: () => platform!.clock(), create: () => (platform = createSimulatedPlatform(config, { seed: 11, now: () => real.now })) },
      { ...opts, autoStart: false, journal: FaultJournal.inMemory(config.project) },
    );
    runtimes.push(runtime);
    const tick = (runtime.scheduler as unknown as { tick(): void }).tick.bind(runtime.scheduler);
    return {
      runtime,
      platform: platform!,
      /** Clock ticks, one a second: each samples what is due and lets the samples land. */
      async seconds(n: number) {
        for (let i = 0; i < n; i++) {
          tick();
          for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
          real.now += 1000;
        }
      },
      act(service: string, action: 'pause' | 'unpause') {
        platform!.world.advance(platform!.clock());
        expect(platform!.world.act(platform!.world.container(service)!, action)).toBeUndefined();
      },
    };
  }

  it('switches to the rehearsal and back, with what the live platform did meanwhile', async () => {
    const dir = tmp();
    const config: Config = { ...DEFAULT_CONFIG, plans: { dir: tmp() } };
    const real = { now: LIVE_T0 - 3_600_000 };
    // A rehearsal an hour ago: healthy throughout.
    const rehearsal = live(config, real, { recordDir: dir });
    await rehearsal.seconds(90);
    const rehearsalFile = rehearsal.runtime.recorder!.path!;
    rehearsal.runtime.stop();
    runtimes = runtimes.filter((r) => r !== rehearsal.runtime);
    expect(findBackup({ dir, services: config.services }).choice?.file).toBe(rehearsalFile);

    // The show: recorded into the same folder for long enough to qualify itself.
    real.now = LIVE_T0;
    const show = live(config, real, { recordDir: dir, backup: { dir } });
    await show.seconds(75);
    show.runtime.recorder!.flush();
    expect(readdirSync(dir)).toHaveLength(2);
    // The show's own file would qualify: only its being the current session's keeps it out.
    expect(findBackup({ dir, services: config.services }).choice?.file).toBe(show.runtime.recorder!.path);
    await show.runtime.afterFirstFrame();
    expect(show.runtime.store.getState().backup).toMatchObject({ file: rehearsalFile, label: expect.stringMatching(/^rehearsal /) });

    const { lastFrame, stdin } = mount(show.runtime.store);
    show.act('grafana', 'pause');
    await show.seconds(2);
    let f = await frameWhen(lastFrame, (x) => /k2-grafana .*paused/.test(x));
    expect(f).toContain(' LIVE ');
    expect(f).toMatch(/k2-grafana .*paused/);

    stdin.write('b');
    f = await frameWhen(lastFrame, (x) => x.includes('BACKUP —'));
    expect(f).toContain('BACKUP — replay of rehearsal');
    expect(f).not.toMatch(/k2-grafana .*paused/);
    expect(f).toMatch(/k2-grafana .*running/);
    expect(show.runtime.backup.active).toBe(true);

    // The live platform changes meanwhile; the replay moves on with the clock.
    show.act('grafana', 'unpause');
    show.act('kafka-ui', 'pause');
    await show.seconds(6);
    expect(show.runtime.store.getState().replay!.positionMs).toBeGreaterThan(0);
    stdin.write('f');
    f = await frameWhen(lastFrame, (x) => x.includes('failure scenarios are disabled'));
    expect(f).not.toMatch(/k2-kafka-ui .*paused/);
    expect(f).not.toContain('Failure scenarios — real faults');
    stdin.write(' ');
    f = await frameWhen(lastFrame, () => show.runtime.store.getState().replay?.paused === true);
    expect(show.runtime.store.getState().replay!.paused).toBe(true);

    stdin.write('b');
    f = await frameWhen(lastFrame, (x) => x.includes(' LIVE '));
    expect(f).not.toContain('BACKUP —');
    expect(f).toMatch(/k2-kafka-ui .*paused/);
    expect(f).toMatch(/k2-grafana .*running/);
    expect(f).toContain('k2-kafka-ui running → paused');
    expect(f).toContain('k2-grafana paused → running');
    expect(f).toContain('back to live');
    // The recording of the show went on throughout, with the live samples only.
    show.runtime.recorder!.flush();
    const own = readRecording(show.runtime.recorder!.path!);
    expect(own.samples.at(-1)!.t).toBeGreaterThanOrEqual(LIVE_T0 + 80_000);
    expect(own.samples.every((s) => s.t >= LIVE_T0)).toBe(true);
  });

  it('b without a recording to fall back on says why', async () => {
    const dir = tmp();
    const config: Config = { ...DEFAULT_CONFIG, plans: { dir: tmp() } };
    const show = live(config, { now: LIVE_T0 }, { recordDir: join(dir, 'rec'), backup: { dir: join(dir, 'none') } });
    await show.seconds(2);
    await show.runtime.afterFirstFrame();
    const { lastFrame, stdin } = mount(show.runtime.store);
    stdin.write('b');
    const f = await frameWhen(lastFrame, (x) => x.includes('backup mode unavailable'));
    expect(f).toContain(`backup mode unavailable: no recordings yet in ${join(dir, 'none')}`);
    expect(f).toContain(' LIVE ');
    expect(show.runtime.backup.active).toBe(false);
  });
});
