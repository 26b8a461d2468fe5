import React from 'react';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { render } from 'ink-testing-library';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/types.js';
import { configDigest, readRecording, SessionRecorder, type RecordedSample } from '../../src/control/recording.js';
import { ReplayPlayer } from '../../src/control/replay.js';
import { createSimulatedPlatform } from '../../src/control/simulator/index.js';
import type { ActionKind } from '../../src/control/types.js';
import { applySample, frameOf } from '../../src/app/live.js';
import { recordedFrame } from '../../src/app/backup-mode.js';
import { startDemo } from '../../src/app/demo.js';
import { createAppStore, initialState, type Frame, type Store } from '../../src/store/store.js';
import { App } from '../../src/ui/App.js';
import { StoreProvider } from '../../src/ui/store-context.js';

// Recordings end to end: what a session showed, written by the SessionRecorder and played back by
// the ReplayPlayer, is what the replay shows; a recorder killed mid-write leaves a file that still
// plays; nothing secret reaches the disk. Every clock here is injected.

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'k2mc-roundtrip-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** What the scheduler would hand over: every source due on each tick, at the platform's time. */
async function simulatedSession(
  config: Config,
  seconds: number,
  real: { now: number },
  actions: Record<number, [service: string, action: ActionKind]> = {},
): Promise<{ platform: ReturnType<typeof createSimulatedPlatform>; samples: RecordedSample[] }> {
  const platform = createSimulatedPlatform(config, { seed: 7, now: () => real.now });
  const samples: RecordedSample[] = [];
  for (let tick = 0; tick < seconds * (1000 / config.refreshMs); tick++) {
    const act = actions[tick];
    if (act) {
      platform.world.advance(platform.clock());
      expect(platform.world.act(platform.world.container(act[0])!, act[1])).toBeUndefined();
    }
    for (const src of platform.sources) {
      if (tick % src.everyTicks !== 0) continue;
      const started = platform.clock();
      try {
        samples.push({ t: platform.clock(), s: src.name, v: await src.sample(new AbortController().signal) });
      } catch (e) {
        const reason = (e as Error).message;
        if (src.name === 'docker' || src.name === 'host' || src.name === 'kafka') samples.push({ t: started, s: `${src.name}!`, v: reason });
      }
    }
    real.now += config.refreshMs;
  }
  return { platform, samples };
}

function mount(store: Store) {
  return render(React.createElement(StoreProvider, { store, children: React.createElement(App) }));
}

/** The frame below the header (and below the banner, when there is one): the panels and the footer. */
function panels(store: Store): string[] {
  const { lastFrame, unmount } = mount(store);
  const lines = lastFrame()!.split('\n');
  unmount();
  const banner = store.getState().mode === 'live' ? 0 : 1;
  return lines.slice(1 + banner);
}

describe('recorder round trip', () => {
  it('a recorded session replays to the same panels as the session showed, at every position', async () => {
    const config = DEFAULT_CONFIG;
    const real = { now: Date.UTC(2026, 0, 14, 9, 30) };
    // The session breaks things midway, so the replay has transitions and failures to show.
    const { platform, samples } = await simulatedSession(config, 150, real, { 40: ['kafka-ui', 'pause'], 70: ['kafka', 'stop'], 100: ['kafka', 'start'], 120: ['kafka-ui', 'unpause'] });
    const t0 = samples[0]!.t;
    expect(samples.some((x) => x.s === 'kafka!')).toBe(true);

    const dir = tmp();
    const frame: Frame = frameOf(config, platform.dockerUrl);
    const recorder = new SessionRecorder({ dir, header: { startedAt: t0, project: config.project, platform: config.platform, configDigest: configDigest(config), columns: 160, rows: 45, frame } });
    samples.forEach((x, n) => {
      recorder.record(x.s, x.v, x.t);
      if (n % 25 === 0) recorder.flush();
    });
    recorder.close();

    const recording = readRecording(recorder.path!);
    expect(recording.skipped).toBe(0);
    expect(recording.samples).toHaveLength(samples.length);
    // The replay draws against the frame it was recorded with, not the current one.
    const replayFrame = recordedFrame({ recording }, { ...frame, services: [], dockerUrl: 'recording' });
    expect(replayFrame.services.map((s) => s.name)).toEqual(config.services.map((s) => s.name));
    const replayed = createAppStore(replayFrame, 'replay', recording.header.startedAt);
    // The banner takes a line: one row more gives the panels the same height as on the live screen.
    replayed.getState().resize(160, 46);
    const player = new ReplayPlayer(recording, recorder.path!, {
      loop: false,
      apply: (x) => applySample(replayed, x.s, x.v, x.t),
      reset: () => replayed.setState({ ...initialState(replayFrame, 'replay', recording.header.startedAt), ui: replayed.getState().ui }),
    });

    // The live screen: the same samples straight into a store, compared as the replay reaches each position.
    const live = createAppStore(frame, 'live', t0, () => t0);
    live.getState().resize(160, 45);
    let i = 0;
    const seen: string[] = [];
    for (const at of [0, 3_000, 12_500, 47_000, 75_500, 104_000, 149_000, player.durationMs]) {
      for (; i < samples.length && samples[i]!.t <= t0 + at; i++) applySample(live, samples[i]!.s, samples[i]!.v, samples[i]!.t);
      live.getState().tick(t0 + at);
      player.advance(at - player.positionMs);
      replayed.getState().tick(player.now);
      expect(player.positionMs).toBe(at);
      const want = panels(live);
      expect(panels(replayed)).toEqual(want);
      seen.push(want.join('\n'));
    }
    // What was compared is what a presenter would have seen: the outage and the recovery among it.
    expect(seen[0]).toContain('k2-kafka');
    expect(seen[4]).toMatch(/k2-kafka-ui .*paused/);
    expect(seen[4]).toContain('Kafka broker unreachable');
    expect(seen[6]).toContain('Kafka broker reachable again');
    expect(i).toBe(samples.length);
  });
});

// --- a recorder killed mid-write -------------------------------------------------------------------

/** The recorder as the child process runs it: src/control/recording.ts bundled into plain JS. */
function childRecorder(dir: string): string {
  buildSync({ entryPoints: [fileURLToPath(new URL('../../src/control/recording.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', outfile: join(dir, 'recording.mjs'), logLevel: 'silent' });
  const script = join(dir, 'child.mjs');
  writeFileSync(
    script,
    `import { SessionRecorder } from './recording.mjs';
const [out, t0] = [process.argv[2], Number(process.argv[3])];
const r = new SessionRecorder({ dir: out, header: { startedAt: t0, project: 'k2', platform: 'K2', configDigest: 'x', columns: 160, rows: 45 } });
let seq = 0;
// Samples as fast as it can, flushed in batches of a few; says where it writes once it has written a while.
while (seq < 20000) {
  for (let k = 0; k < 7; k++, seq++) r.record('host', { cpuPercent: seq % 100, seq, pad: 'x'.repeat(seq % 300) }, t0 + seq * 100);
  r.flush();
  if (seq === 700) process.stdout.write(r.path + '\\n');
}
// Then it lives on, idle, until it is killed.
setInterval(() => undefined, 60_000);
`,
  );
  return script;
}

describe('a recorder killed with SIGKILL', () => {
  it('leaves a file that reads up to its last complete line and replays', async () => {
    const work = tmp();
    const out = join(work, 'recordings');
    const script = childRecorder(work);
    const t0 = Date.UTC(2026, 0, 14, 10, 32);
    const child = spawn(process.execPath, [script, out, String(t0)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const path = await new Promise<string>((ok, fail) => {
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('\n')) ok(text.trim());
      });
      child.on('exit', (code) => fail(new Error(`child exited (${code}) before it was killed`)));
    });
    const exited = new Promise<NodeJS.Signals | null>((ok) => child.on('exit', (_code, signal) => ok(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    let text = readFileSync(path, 'utf8');
    // A kill between two writes leaves whole lines: cut the last one as a kill within a write would.
    if (text.endsWith('\n')) {
      appendFileSync(path, '{"t":1768386720000,"s":"host","v":{"cpuPer');
      text = readFileSync(path, 'utf8');
    }
    const lines = text.split('\n');
    const complete = lines.slice(1, -1);
    expect(lines.at(-1)).not.toBe('');
    expect(complete.length).toBeGreaterThanOrEqual(700);

    const rec = readRecording(path);
    expect(rec.skipped).toBe(1);
    expect(rec.samples).toHaveLength(complete.length);
    // Every complete line, in order, none missing.
    expect(rec.samples.map((s) => (s.v as { seq: number }).seq)).toEqual(complete.map((_, n) => n));

    const played: number[] = [];
    let resets = 0;
    const player = new ReplayPlayer(rec, path, { loop: false, apply: (x) => played.push((x.v as { seq: number }).seq), reset: () => resets++ });
    expect(player.durationMs).toBe((complete.length - 1) * 100);
    expect(player.skipped).toBe(1);
    player.setSpeed(1);
    player.setSpeed(1);
    player.setSpeed(1);
    player.setSpeed(1); // 16×
    for (let n = 0; n < 1000 && !player.paused; n++) player.advance(1000);
    expect(player.paused).toBe(true);
    expect(player.positionMs).toBe(player.durationMs);
    expect(played).toEqual(complete.map((_, n) => n));
    expect(resets).toBe(1);
  });
});

// --- secrets -----------------------------------------------------------------------------------

const SECRETS = ['SaslPw-9f3b', 'SaslUser-k2', 'ProbePw-41', 'PromPw-77', 'TokVal-1', 'MinioPw-2', 'CliSec-3', 'AuthVal-4', 'ApiKey-5', 'DockPw-6', 'CredVal-7'];

describe('secrets in a recording', () => {
  it('neither the header (with its frame) nor any sample carries a password, token or URL credential', async () => {
    const base = DEFAULT_CONFIG;
    const config: Config = {
      ...base,
      plans: { dir: tmp() },
      services: base.services.map((s) => (s.name === 'api' ? { ...s, probe: { url: 'http://admin:ProbePw-41@localhost:8000/health', timeoutMs: 1500 } } : s)),
      kafka: { ...base.kafka, sasl: { mechanism: 'scram-sha-512', username: 'SaslUser-k2', password: 'SaslPw-9f3b' }, prometheusUrl: 'http://prom:PromPw-77@localhost:9090' },
    };
    const dir = tmp();
    // The demo runtime records exactly as live mode does; its clock is driven here, tick by tick.
    const runtime = startDemo(config, { seed: 3, autoStart: false, recordDir: dir });
    const tick = (runtime.scheduler as unknown as { tick(): void }).tick.bind(runtime.scheduler);
    for (let n = 0; n < 12; n++) {
      tick();
      for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
    }
    // What else a sample may carry: environment-like values, a failure naming a URL with credentials.
    runtime.recorder!.record('docker', { engine: { url: 'tcp://ops:DockPw-6@10.0.0.5:2376' }, containers: [], env: { K2_API_TOKEN: 'TokVal-1', MINIO_ROOT_PASSWORD: 'MinioPw-2', client_secret: 'CliSec-3', Authorization: 'Bearer AuthVal-4', apiKey: 'ApiKey-5', aws_credentials: 'CredVal-7' } }, Date.now());
    runtime.recorder!.record('docker!', 'Docker engine unreachable at tcp://ops:DockPw-6@10.0.0.5:2376: connect ECONNREFUSED', Date.now());
    const path = runtime.recorder!.path!;
    runtime.stop();

    const text = readFileSync(path, 'utf8');
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
    // The recording itself is there, with the non-secret part of what was redacted.
    const rec = readRecording(path);
    const frame = rec.header.frame as Frame;
    expect(frame.kafka.liveTopic).toBe(config.kafka.liveTopic);
    expect(frame.kafka).not.toHaveProperty('sasl');
    expect(frame.kafka.prometheusUrl).toBe('http://***@localhost:9090');
    expect(frame.services.find((s) => s.name === 'api')!.probe!.url).toBe('http://***@localhost:8000/health');
    expect(rec.samples.filter((s) => s.s === 'probes').length).toBeGreaterThan(0);
    expect(text).toContain('"url":"http://***@localhost:8000/health"');
    expect(text).toContain('tcp://***@10.0.0.5:2376');
    expect(rec.samples.at(-2)!.v).toMatchObject({ env: {} });
    expect(rec.header.configDigest).toMatch(/^[0-9a-f]{16}$/);
  });
});
