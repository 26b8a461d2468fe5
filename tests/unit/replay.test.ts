import React from 'react';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, DEFAULT_KAFKA } from '../../src/config/defaults.js';
import type { ServiceSpec } from '../../src/config/types.js';
import { RECORDING_VERSION, readRecording, type RecordedSample, type Recording, type RecordingHeader } from '../../src/control/recording.js';
import { ReplayPlayer, SPEEDS } from '../../src/control/replay.js';
import { startReplay, type ReplaySession } from '../../src/app/replay-runtime.js';
import { applySample } from '../../src/app/live.js';
import { createAppStore, initialState, type Frame } from '../../src/store/store.js';
import type { ContainerInfo, DockerSample } from '../../src/model/types.js';
import { App } from '../../src/ui/App.js';
import { StoreProvider } from '../../src/ui/store-context.js';
import { container, spec } from './helpers.js';

// The replay controls (k2mc replay, and backup mode's loop): pause, seek, speed, the end of a
// replay, loops, the REPLAY banner, and what readRecording says about files that are not
// recordings. The wall clock is faked (Date only) and the replay's clock tick called by hand.

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'k2mc-replay-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const services: ServiceSpec[] = [spec('kafka'), spec('minio'), spec('kafka-ui', false)];
const frame: Frame = { platform: 'K2', project: 'k2', dockerUrl: 'unix:///var/run/docker.sock', readOnly: false, refreshMs: 1000, services, kafka: DEFAULT_KAFKA, scenarios: [] };
/** Local time: the banner says "recorded 2026-01-13 16:05". */
const REC = new Date(2026, 0, 13, 16, 5).getTime();
const NAME = 'k2mc-k2-20260113-160500.jsonl';
const RIGHT = '\u001B[C';
const LEFT = '\u001B[D';

function docker(over: Record<string, Partial<ContainerInfo>> = {}): DockerSample {
  return { engine: { url: 'unix:///var/run/docker.sock', version: '27.0' }, containers: services.map((s) => container(s.name, over[s.name] ?? {})) };
}

/** The CPU figure the recording shows at second `sec`: where the replay is, readable on screen. */
const cpuAt = (sec: number) => 10 + sec / 10;

/**
 * Two minutes: the host every second (CPU 10.0% + sec/10), the containers every 5 s with
 * kafka-ui paused during 10–15 s and 70–75 s.
 */
function samples(seconds = 120): RecordedSample[] {
  const out: RecordedSample[] = [];
  for (let sec = 0; sec <= seconds; sec++) {
    const t = REC + sec * 1000;
    if (sec % 5 === 0) out.push({ t, s: 'docker', v: docker((sec >= 10 && sec < 15) || (sec >= 70 && sec < 75) ? { 'kafka-ui': { state: 'paused' } } : {}) });
    out.push({ t, s: 'host', v: { cpuPercent: cpuAt(sec), memUsed: 2 ** 30, memTotal: 16 * 2 ** 30, at: t } });
  }
  return out;
}

function header(startedAt = REC): RecordingHeader {
  return { k2mc: 'recording', version: RECORDING_VERSION, startedAt, project: 'k2', platform: 'K2', configDigest: 'd', columns: 160, rows: 45, part: 1, frame };
}

/** The recording on disk; `corrupt` lines go in after the given sample indexes. */
function writeRecording(dir: string, list: RecordedSample[], corrupt: Record<number, string> = {}): string {
  const path = join(dir, NAME);
  const lines = [JSON.stringify(header())];
  list.forEach((s, i) => {
    lines.push(JSON.stringify(s));
    if (corrupt[i] !== undefined) lines.push(corrupt[i]!);
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const settle = async () => {
  for (let n = 0; n < 3; n++) await new Promise((r) => setImmediate(r));
};

/** Lets Ink draw what the store now holds; the frame is then checked as it is. */
async function frameWhen(lastFrame: () => string | undefined, ok: (f: string) => boolean): Promise<string> {
  for (let n = 0; n < 200; n++) {
    const f = lastFrame() ?? '';
    if (ok(f)) return f;
    await settle();
  }
  return lastFrame() ?? '';
}

function bannerOf(f: string): string {
  return f.split('\n')[1]!;
}

describe('k2mc replay: controls on the rendered dashboard', () => {
  let session: ReplaySession | undefined;
  beforeEach(() => {
    // Only Date is faked: the replay's tick measures wall time with it; Ink's timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 5, 1, 9, 0));
  });
  afterEach(() => {
    cleanup();
    session?.stop();
    session = undefined;
    vi.useRealTimers();
  });

  function open(corrupt: Record<number, string> = {}) {
    const file = writeRecording(tmp(), samples(), corrupt);
    session = startReplay(file, DEFAULT_CONFIG, { autoStart: false });
    session.store.getState().resize(160, 45);
    const s = session;
    const view = render(React.createElement(StoreProvider, { store: s.store, children: React.createElement(App) }));
    return {
      file,
      store: s.store,
      player: s.player,
      ...view,
      /** `ms` of wall time, then the replay's clock tick. */
      wall(ms: number) {
        vi.setSystemTime(Date.now() + ms);
        (s.scheduler as unknown as { tick(): void }).tick();
      },
      cpu: () => s.store.getState().host.sample?.cpuPercent,
      position: () => s.store.getState().replay!.positionMs,
      log: () => s.store.getState().events.map((e) => `${e.at - REC} ${e.text}`),
    };
  }

  it('the REPLAY banner: file, recorded time, state, position bar, clock and the bad lines skipped', async () => {
    const r = open({ 40: '{"t":1768,"s":"host","v":{"cpuPer', 90: 'garbage' });
    let f = await frameWhen(r.lastFrame, (x) => x.includes('REPLAY —'));
    expect(f).toContain(' REPLAY ');
    const banner = bannerOf(f);
    expect(banner).toContain(`REPLAY — ${NAME} · recorded 2026-01-13 16:05 · ▶ 1×`);
    expect(banner).toContain('0:00 / 2:00 · 2 bad lines skipped · Space pause ←→ seek +- speed');
    expect(banner).toMatch(/ ▶ 1× ●─{10,} 0:00 /);
    expect(f).toContain(`2 lines of ${r.file} skipped (cut off or corrupt)`);
    expect(f).toContain('10.0%');
    expect(r.player.skipped).toBe(2);

    r.wall(60_000);
    expect(r.position()).toBe(60_000);
    f = await frameWhen(r.lastFrame, (x) => x.includes('1:00 / 2:00'));
    const bar = bannerOf(f).match(/ (━*)●(─*) /)!;
    const width = bar[1]!.length + 1 + bar[2]!.length;
    expect(bar[1]!.length).toBe(Math.floor(width / 2));
    expect(f).toContain('16.0%');
    // The header's clock is the recording's.
    expect(f.split('\n')[0]).toMatch(/ 16:06$/);
  });

  it('Space pauses and plays; the clock does not move a paused replay', async () => {
    const r = open();
    r.wall(5000);
    expect(r.position()).toBe(5000);
    r.stdin.write(' ');
    expect(r.player.paused).toBe(true);
    let f = await frameWhen(r.lastFrame, (x) => x.includes('‖ paused'));
    expect(bannerOf(f)).toContain('· ‖ paused');
    r.wall(30_000);
    expect(r.position()).toBe(5000);
    expect(r.cpu()).toBe(cpuAt(5));
    r.stdin.write(' ');
    f = await frameWhen(r.lastFrame, (x) => x.includes('▶ 1×'));
    expect(bannerOf(f)).toContain('· ▶ 1×');
    r.wall(2000);
    expect(r.position()).toBe(7000);
    expect(r.cpu()).toBe(cpuAt(7));
  });

  it('← → seek 10 s; back re-applies the 30 s before the target, with no duplicate or older events', async () => {
    const r = open();
    r.stdin.write(RIGHT);
    expect(r.position()).toBe(10_000);
    expect(r.cpu()).toBe(cpuAt(10));
    r.wall(90_000);
    expect(r.position()).toBe(100_000);
    // Both pauses of kafka-ui are in the log.
    expect(r.log().filter((e) => e.endsWith('k2-kafka-ui running → paused'))).toEqual(['10000 k2-kafka-ui running → paused', '70000 k2-kafka-ui running → paused']);

    r.stdin.write(LEFT);
    expect(r.position()).toBe(90_000);
    expect(r.store.getState().now).toBe(REC + 90_000);
    expect(r.cpu()).toBe(cpuAt(90));
    // From 60 s on, once each: the first sample connects, then the second pause and its end.
    expect(r.log()).toEqual([
      '60000 Docker connected at unix:///var/run/docker.sock (engine 27.0): 3 containers of project k2',
      '70000 k2-kafka-ui running → paused',
      '75000 k2-kafka-ui paused → running',
    ]);
    let f = await frameWhen(r.lastFrame, (x) => x.includes('1:30 / 2:00'));
    expect(f).toContain('19.0%');
    expect(f.split('k2-kafka-ui running → paused').length).toBe(2);
    expect(f).toMatch(/k2-kafka-ui .*running/);

    // Back into the first pause: kafka-ui shows paused again, and the log holds only what led there.
    for (let n = 0; n < 8; n++) r.stdin.write(LEFT);
    expect(r.position()).toBe(10_000);
    expect(r.log()).toEqual(['0 Docker connected at unix:///var/run/docker.sock (engine 27.0): 3 containers of project k2', '10000 k2-kafka-ui running → paused']);
    f = await frameWhen(r.lastFrame, (x) => x.includes('0:10 / 2:00'));
    expect(f).toMatch(/k2-kafka-ui .*paused/);
    // Not before the start, not past the end.
    r.stdin.write(LEFT);
    r.stdin.write(LEFT);
    expect(r.position()).toBe(0);
    expect(r.cpu()).toBe(cpuAt(0));
    for (let n = 0; n < 14; n++) r.stdin.write(RIGHT);
    expect(r.position()).toBe(120_000);
    expect(r.cpu()).toBe(cpuAt(120));
    // Seeking forward plays what it passes: every event once, in order.
    const log = r.log();
    expect(new Set(log).size).toBe(log.length);
    expect(log.filter((e) => e.includes('kafka-ui'))).toEqual(['10000 k2-kafka-ui running → paused', '15000 k2-kafka-ui paused → running', '70000 k2-kafka-ui running → paused', '75000 k2-kafka-ui paused → running']);
  });

  it('+ and - step the speed through 0.25× … 16× and stop at either end', async () => {
    const r = open();
    for (let n = 0; n < 10; n++) r.stdin.write('+');
    expect(r.player.speed).toBe(16);
    let f = await frameWhen(r.lastFrame, (x) => x.includes('▶ 16×'));
    expect(bannerOf(f)).toContain('▶ 16×');
    r.wall(1000);
    expect(r.position()).toBe(16_000);
    const seen: number[] = [];
    for (let n = 0; n < 10; n++) {
      r.stdin.write('-');
      seen.push(r.player.speed);
    }
    expect(seen).toEqual([8, 4, 2, 1, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25]);
    expect(SPEEDS[0]).toBe(0.25);
    f = await frameWhen(r.lastFrame, (x) => x.includes('▶ 0.25×'));
    expect(bannerOf(f)).toContain('▶ 0.25×');
    r.wall(4000);
    expect(r.position()).toBe(17_000);
    r.stdin.write('=');
    expect(r.player.speed).toBe(0.5);
  });

  it('the end of the replay: it pauses there; Space then plays it again from the start', async () => {
    const r = open();
    for (let n = 0; n < 4; n++) r.stdin.write('+');
    r.wall(7000);
    expect(r.position()).toBe(112_000);
    expect(r.player.paused).toBe(false);
    r.wall(1000);
    expect(r.position()).toBe(120_000);
    expect(r.player.paused).toBe(true);
    expect(r.cpu()).toBe(cpuAt(120));
    let f = await frameWhen(r.lastFrame, (x) => x.includes('2:00 / 2:00'));
    expect(bannerOf(f)).toContain('‖ paused');
    expect(bannerOf(f)).toMatch(/ ━+● /);
    r.wall(5000);
    expect(r.position()).toBe(120_000);
    r.stdin.write(' ');
    expect(r.player.paused).toBe(false);
    expect(r.position()).toBe(0);
    expect(r.cpu()).toBe(cpuAt(0));
    f = await frameWhen(r.lastFrame, (x) => x.includes('0:00 / 2:00'));
    expect(f).toContain('10.0%');
    r.wall(1000);
    expect(r.position()).toBe(16_000);
  });

  it('b and f do nothing to a replay but say why', async () => {
    const r = open();
    r.stdin.write('b');
    r.stdin.write('f');
    const f = await frameWhen(r.lastFrame, (x) => x.includes('failure scenarios are disabled'));
    expect(f).toContain('backup mode is for live sessions (this is a replay)');
    expect(f).toContain('failure scenarios are disabled: a replay shows a recording');
    expect(r.store.getState().mode).toBe('replay');
    expect(r.store.getState().ui.overlay).toBe('none');
  });
});

describe('ReplayPlayer', () => {
  const rec = (list = samples()): Recording => ({ header: header(), samples: list, skipped: 0 });

  function looping(fromMs: number) {
    const store = createAppStore(frame, 'backup', REC);
    let resets = 0;
    const applied: RecordedSample[] = [];
    const player = new ReplayPlayer(rec(), '/r/x.jsonl', {
      loop: true,
      fromMs,
      apply: (x) => {
        applied.push(x);
        applySample(store, x.s, x.v, x.t);
      },
      reset: () => {
        resets++;
        applied.length = 0;
        store.setState(initialState(frame, 'backup', REC));
      },
    });
    return { player, store, applied, resets: () => resets };
  }

  it('a loop starts over at fromMs, after the warm-up before it, and counts its loops', () => {
    const { player, store, applied, resets } = looping(45_000);
    expect(player.positionMs).toBe(45_000);
    expect(resets()).toBe(1);
    // The 30 s before the start are applied at once: rates and transitions have their history.
    expect(applied[0]!.t).toBe(REC + 15_000);
    expect(store.getState().host.sample!.cpuPercent).toBe(cpuAt(45));
    player.advance(70_000);
    expect(player.positionMs).toBe(115_000);
    expect(player.loops).toBe(0);
    player.advance(10_000);
    expect(player.loops).toBe(1);
    expect(player.positionMs).toBe(45_000);
    expect(player.paused).toBe(false);
    expect(resets()).toBe(2);
    expect(applied[0]!.t).toBe(REC + 15_000);
    expect(store.getState().host.sample!.cpuPercent).toBe(cpuAt(45));
    expect(store.getState().events.filter((e) => e.text === 'k2-kafka-ui running → paused')).toHaveLength(0);
    for (let n = 0; n < 3; n++) player.advance(80_000);
    expect(player.loops).toBe(4);
    expect(player.state()).toMatchObject({ file: '/r/x.jsonl', recordedAt: REC, positionMs: 45_000, durationMs: 120_000, speed: 1, paused: false, loops: 4 });
  });

  it('seeking in a loop stays within the recording; pause holds it', () => {
    const { player } = looping(0);
    player.seek(-10_000);
    expect(player.positionMs).toBe(0);
    player.seek(500_000);
    expect(player.positionMs).toBe(120_000);
    player.togglePause();
    player.advance(10_000);
    expect(player.positionMs).toBe(120_000);
    player.togglePause();
    player.advance(1);
    expect(player.loops).toBe(1);
    expect(player.positionMs).toBe(0);
  });

  it('samples recorded out of order are played in time order; an empty recording stops at once', () => {
    const list = samples(20);
    const shuffled = [...list].reverse();
    const order: number[] = [];
    const p = new ReplayPlayer(rec(shuffled), 'x', { loop: false, apply: (x) => order.push(x.t), reset: () => undefined });
    p.advance(20_000);
    expect(order).toEqual(list.map((s) => s.t));
    const empty = new ReplayPlayer(rec([]), 'x', { loop: true, apply: () => undefined, reset: () => undefined });
    expect(empty.durationMs).toBe(0);
    empty.advance(1000);
    expect(empty.loops).toBe(0);
    expect(empty.paused).toBe(true);
  });
});

describe('readRecording on what is not a recording', () => {
  it('names the file and the problem', () => {
    const dir = tmp();
    const text = join(dir, 'notes.jsonl');
    writeFileSync(text, 'hello, this is not JSON\n{"t":1,"s":"host","v":{}}\n');
    expect(() => readRecording(text)).toThrow(`${text}: not a k2mc recording (the first line is not a recording header)`);
    const other = join(dir, 'package.json');
    writeFileSync(other, JSON.stringify({ name: 'k2-mission-control', version: '0.1.0' }, null, 2));
    expect(() => readRecording(other)).toThrow(`${other}: not a k2mc recording`);
    const oneLine = join(dir, 'other.jsonl');
    writeFileSync(oneLine, '{"level":"info","msg":"kafkajs log"}\n');
    expect(() => readRecording(oneLine)).toThrow(`${oneLine}: not a k2mc recording`);
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    expect(() => readRecording(empty)).toThrow(`${empty}: not a k2mc recording`);
    const folder = join(dir, 'k2mc-dir.jsonl');
    mkdirSync(folder);
    expect(() => readRecording(folder)).toThrow(`${folder}: is a directory`);
    const missing = join(dir, 'gone.jsonl');
    expect(() => readRecording(missing)).toThrow(`${missing}: not found`);
    const newer = join(dir, 'newer.jsonl');
    writeFileSync(newer, `${JSON.stringify({ ...header(), version: RECORDING_VERSION + 1 })}\n`);
    expect(() => readRecording(newer)).toThrow(`${newer}: recording format version ${RECORDING_VERSION + 1}; this k2mc reads version ${RECORDING_VERSION}`);
    // k2mc replay says the same, before any screen is drawn.
    expect(() => startReplay(folder, DEFAULT_CONFIG, { autoStart: false })).toThrow(`${folder}: is a directory`);
    expect(() => startReplay(other, DEFAULT_CONFIG, { autoStart: false })).toThrow(`${other}: not a k2mc recording`);
  });

  it('lines that are JSON but not samples count as skipped, like corrupt ones', () => {
    const dir = tmp();
    const path = writeRecording(dir, samples(3), { 0: '{"t":"soon","s":"host","v":1}', 1: '{"t":5,"s":"host"}', 2: '[1,2,3]', 3: 'null' });
    const r = readRecording(path);
    expect(r.samples).toHaveLength(samples(3).length);
    expect(r.skipped).toBe(4);
  });
});
