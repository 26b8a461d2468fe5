import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tmux } from './tmux.js';
import { docker, requireEngine } from '../integration/docker-helpers.js';
// @ts-expect-error plain ESM script without types
import { configYaml, downStack, upStack } from '../../scripts/test-stack.mjs';

// The built k2mc binary in a real terminal against the real engine, a K2-like stack of twelve
// containers and the test environment's Kafka-protocol broker with trades flowing: what a
// presenter sees, what a key press does, and what `k2mc check` says.

const project = 'k2e2e';
const portBase = 18400;
const bin = resolve('bin/k2mc.js');
const tmux = new Tmux('k2mc-e2e');
let configPath: string;
let broker: string;
let producer: { send(r: unknown): Promise<unknown>; disconnect(): Promise<void> } | undefined;
let feed: NodeJS.Timeout | undefined;
const LIVE = 'market.crypto.trades.binance';
/** k2mc's own files (recordings, journal, logs) go to a temporary state folder, not $HOME. */
const quiet = () => ({ K2MC_STATE_DIR: mkdtempSync(join(tmpdir(), 'k2mc-e2e-state-')) });

beforeAll(async () => {
  await requireEngine();
  broker = readFileSync(resolve('.test-env/broker'), 'utf8').trim();
  await upStack({ project, portBase });
  const dir = mkdtempSync(join(tmpdir(), 'k2mc-e2e-'));
  configPath = join(dir, 'k2mc.yaml');
  writeFileSync(configPath, configYaml({ project, portBase, kafkaBrokers: broker }));
  // Trades keep arriving on the live topic (1,000 first, then 20 a second), as on stage.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const p = new Kafka({ clientId: 'k2mc-e2e', brokers: [broker], logLevel: logLevel.NOTHING }).producer();
  await p.connect();
  await p.send({ topic: LIVE, messages: Array.from({ length: 1000 }, (_, i) => ({ value: String(i) })) });
  producer = p;
  feed = setInterval(() => void p.send({ topic: LIVE, messages: Array.from({ length: 4 }, (_, i) => ({ value: String(i) })) }).catch(() => undefined), 200);
}, 120_000);

afterAll(async () => {
  clearInterval(feed);
  await producer?.disconnect().catch(() => undefined);
  tmux.kill();
  await docker.getContainer(`${project}-kafka`).unpause().catch(() => undefined);
  await downStack({ project });
});

describe('k2mc in a real terminal', () => {
  it('shows the live stack, reacts to keys and to a paused container, follows resizes, quits', async () => {
    tmux.start(`${bin} --config ${configPath}; echo "k2mc exited with $?"`, 160, 45, quiet());
    let s = await tmux.waitFor((x) => x.includes('● ALL GO') && x.includes('Services 12/12 up'), 'a green dashboard');
    expect(s).toContain('LIVE');
    expect(s).toMatch(/● k2e2e-kafka\s+running\s+healthy/);
    expect(s).toMatch(/k2e2e-api\s+running.*200 \S+ healthy/);
    await tmux.waitFor((x) => new RegExp(`${LIVE.replace(/\./g, '\\.')}\\s+\\d`).test(x), 'the live topic with a rate');
    expect(s).toContain('Docker connected at unix:///var/run/docker.sock');
    expect(s.split('\n').filter((l) => l.includes('MISSION CONTROL'))).toHaveLength(1);

    // Help overlay and back.
    tmux.keys('?');
    await tmux.waitFor((x) => x.includes('Help — keys'), 'help overlay');
    tmux.keys('Escape');
    await tmux.waitFor((x) => !x.includes('Help — keys') && x.includes('Services 12/12'), 'help closed');

    // Select the second service, open its details.
    tmux.keys('Down', 'Enter');
    s = await tmux.waitFor((x) => x.includes('Details — k2e2e-schema-registry-1') && x.includes('log lines'), 'details');
    expect(s).toContain('image   k2mc-test/busybox');
    expect(s).toContain('com.docker.compose.project=k2e2e');
    tmux.keys('Escape');
    await tmux.waitFor((x) => x.includes('Services 12/12'), 'details closed');

    // Break something for real: the verdict and the row follow within a moment.
    await docker.getContainer(`${project}-kafka`).pause();
    s = await tmux.waitFor((x) => x.includes('✕ DOWN') && /‖ k2e2e-kafka\s+paused/.test(x), 'paused kafka');
    expect(s).toContain('k2e2e-kafka running → paused');
    await docker.getContainer(`${project}-kafka`).unpause();
    await tmux.waitFor((x) => x.includes('● ALL GO'), 'green again');

    // Resizes: compact at 80×24, the too-small line at 40×10, and back, with no ghost lines.
    tmux.resize(80, 24);
    s = await tmux.waitFor((x) => x.includes(' Host  CPU') && x.includes('Services 12/12'), 'compact layout');
    expect(s.split('\n').filter((l) => l.includes('MISSION CONTROL'))).toHaveLength(1);
    expect(s.split('\n').every((l) => l.length <= 80)).toBe(true);
    tmux.resize(40, 10);
    s = await tmux.waitFor((x) => x.includes('terminal too small'), 'too small');
    expect(s.trim().split('\n').filter((l) => l.trim() !== '')).toHaveLength(1);
    tmux.resize(160, 45);
    s = await tmux.waitFor((x) => x.includes('Services 12/12') && x.includes('╭─ Host'), 'wide again');
    expect(s).not.toContain('terminal too small');
    expect(s.split('\n').filter((l) => l.includes('MISSION CONTROL'))).toHaveLength(1);

    tmux.keys('q');
    s = await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit');
  }, 90_000);

  it('k2mc check: GO on the healthy stack, NO-GO naming a paused essential container', async () => {
    const check = () =>
      new Promise<{ code: number; out: string }>((done) => {
        execFile(bin, ['check', '--config', configPath], { timeout: 30_000 }, (err, stdout) =>
          done({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, out: stdout }),
        );
      });
    let r = await check();
    expect(r.out).toMatch(/^PASS\s+kafka\s+market\.crypto\.trades\.binance: [\d.]+ msg\/s/m);
    expect(r.out).toMatch(/^PASS\s+readiness\s+Stream ingesting/m);
    expect(r.out).toMatch(/^GO — no failures/m);
    expect(r.code).toBe(0);
    await docker.getContainer(`${project}-minio`).pause();
    try {
      r = await check();
      expect(r.out).toMatch(/^FAIL\s+service\s+k2e2e-minio paused/m);
      expect(r.out).toMatch(/^NO-GO — \d+ failures?: k2e2e-minio paused/m);
      expect(r.code).toBe(1);
    } finally {
      await docker.getContainer(`${project}-minio`).unpause().catch(() => undefined);
    }
    // JSON for scripts: the same verdict.
    const json = await new Promise<string>((done) => execFile(bin, ['check', '--json', '--config', configPath], (_e, out) => done(out)));
    const report = JSON.parse(json) as { go: boolean; lines: { result: string }[]; plan: { steps: unknown[] } | null };
    expect(report.go).toBe(true);
    expect(report.lines.length).toBeGreaterThan(10);
    expect(report.plan?.steps.length).toBeGreaterThan(0);
  }, 90_000);

  it('records the session; b switches to its replay and back to fresh live data; k2mc replay plays it', async () => {
    // A short rehearsal, recorded.
    const first = quiet();
    tmux.start(`${bin} --config ${configPath}; echo "k2mc exited with $?"`, 160, 45, first);
    await tmux.waitFor((x) => x.includes('● ALL GO') && new RegExp(`${LIVE.replace(/\./g, '\\.')}\\s+\\d`).test(x), 'a green dashboard with trades');
    await new Promise((r) => setTimeout(r, 4000));
    tmux.keys('q');
    let s = await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit', 15_000, true);
    const file = /k2mc: session recorded in (\S+\.jsonl)/.exec(s)?.[1];
    expect(file, s).toBeDefined();
    expect(file!.startsWith(join(first.K2MC_STATE_DIR, 'recordings'))).toBe(true);

    // On stage: the golden recording is that rehearsal; b shows it, the live platform is hidden.
    const goldenConfig = join(mkdtempSync(join(tmpdir(), 'k2mc-e2e-golden-')), 'k2mc.yaml');
    writeFileSync(goldenConfig, `${readFileSync(configPath, 'utf8')}\nrecording:\n  golden: ${file}\n`);
    tmux.start(`${bin} --config ${goldenConfig}; echo "k2mc exited with $?"`, 160, 45, quiet());
    await tmux.waitFor((x) => x.includes('● ALL GO') && x.includes(' LIVE '), 'live and green');
    tmux.keys('b');
    s = await tmux.waitFor((x) => x.includes(' BACKUP — replay of golden recording ') && x.includes('live platform not shown'), 'the backup banner', 5_000);
    expect(s).toMatch(/● k2e2e-api\s+running/);
    tmux.keys('f');
    await tmux.waitFor((x) => x.includes('failure scenarios are disabled: backup mode shows a recording'), 'scenarios refused in backup mode');
    await docker.getContainer(`${project}-api`).pause();
    try {
      // The live platform breaks while the recording plays: the screen keeps the recording…
      await new Promise((r) => setTimeout(r, 2500));
      expect(tmux.screen()).toMatch(/● k2e2e-api\s+running/);
      // …and b brings back the live figures, fresh, including what happened meanwhile.
      tmux.keys('b');
      s = await tmux.waitFor((x) => x.includes(' LIVE ') && /‖ k2e2e-api\s+paused/.test(x), 'live again with the paused api', 3_000);
      expect(s).not.toContain('BACKUP —');
      expect(s).toContain('k2e2e-api running → paused');
    } finally {
      await docker.getContainer(`${project}-api`).unpause().catch(() => undefined);
    }
    tmux.keys('q');
    await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit', 15_000, true);

    // k2mc replay: the recording with its controls.
    const name = file!.split('/').pop()!;
    tmux.start(`${bin} replay ${file}; echo "k2mc exited with $?"`, 160, 45, quiet());
    s = await tmux.waitFor((x) => x.includes(` REPLAY — ${name} · recorded `) && x.includes('▶ 1×'), 'the replay banner');
    await tmux.waitFor((x) => x.includes('● ALL GO') && /● k2e2e-kafka\s+running/.test(x), 'the recorded stack');
    tmux.keys('Space');
    await tmux.waitFor((x) => x.includes('‖ paused'), 'paused');
    tmux.keys('Space', '+');
    await tmux.waitFor((x) => x.includes('▶ 2×'), 'faster');
    tmux.keys('q');
    await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit', 15_000, true);

    // Not a recording: one line, exit code 2.
    tmux.start(`${bin} replay ${configPath}; echo "k2mc exited with $?"`, 220, 10, quiet());
    s = await tmux.waitFor((x) => x.includes('k2mc exited with'), 'exit', 15_000, true);
    expect(s).toContain(`k2mc: cannot replay ${configPath}: not a k2mc recording`);
    expect(s).toContain('k2mc exited with 2');
  }, 120_000);

  it('failure scenarios from the keyboard: fire, see, restore; restore on quit, on SIGTERM, and after a crash via the journal', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'k2mc-e2e-state-'));
    const env = { K2MC_STATE_DIR: stateDir };
    const state = async (name: string) => (await docker.getContainer(`${project}-${name}`).inspect()).State.Status;
    const nodePid = () => Number(execFileSync('pgrep', ['-P', String(tmux.panePid()), 'node'], { encoding: 'utf8' }).trim().split('\n')[0]);
    const start = async () => {
      tmux.start(`${bin} --config ${configPath}; echo "k2mc exited with $?"`, 160, 45, env);
      await tmux.waitFor((x) => /Services \d+\/12 up/.test(x), 'the dashboard');
    };
    try {
      await start();
      // A key arms, only Enter fires.
      tmux.keys('f');
      await tmux.waitFor((x) => x.includes('Failure scenarios') && /pause k2e2e-binance-stream \(running\)/.test(x), 'the scenario menu');
      tmux.keys('1');
      await tmux.waitFor((x) => x.includes('ARMED: stream-outage'), 'armed');
      expect(await state('binance-stream')).toBe('running');
      tmux.keys('Enter');
      let s = await tmux.waitFor((x) => x.includes('FAULT stream-outage: k2e2e-binance-stream') && /‖ k2e2e-binance-stream\s+paused/.test(x), 'the fault on screen');
      expect(s).toContain('stream-outage: k2e2e-binance-stream paused');
      expect(await state('binance-stream')).toBe('paused');
      tmux.keys('r');
      await tmux.waitFor((x) => !x.includes('FAULT stream-outage') && /● k2e2e-binance-stream\s+running/.test(x), 'restored');
      expect(await state('binance-stream')).toBe('running');

      // The other built-in scenarios from the keyboard: the broker paused, a registry stopped.
      for (const [key, name, service, faulted] of [
        ['3', 'broker-outage', 'kafka', 'paused'],
        ['4', 'registry-failover', 'schema-registry-1', 'exited'],
      ] as const) {
        tmux.keys('f');
        await tmux.waitFor((x) => x.includes('Failure scenarios'), 'the menu');
        tmux.keys(key);
        await tmux.waitFor((x) => x.includes(`ARMED: ${name}`), `${name} armed`);
        tmux.keys('Enter');
        await tmux.waitFor((x) => x.includes(`FAULT ${name}`) && new RegExp(`k2e2e-${service}\\s+${faulted === 'exited' ? 'exited' : 'paused'}`).test(x), `${name} on screen`, 30_000);
        expect(await state(service)).toBe(faulted);
        tmux.keys('r');
        await tmux.waitFor((x) => !x.includes(`FAULT ${name}`) && new RegExp(`k2e2e-${service}\\s+running`).test(x), `${name} restored`, 30_000);
        expect(await state(service)).toBe('running');
      }

      // Quitting with an active fault asks, and restores by default.
      tmux.keys('f', '6', 'Enter');
      await tmux.waitFor((x) => x.includes('FAULT api-crash'), 'api crashed');
      expect(await state('api')).toBe('exited');
      tmux.keys('q');
      await tmux.waitFor((x) => x.includes('restore 1 active fault before quitting? [Y/n]'), 'the quit prompt');
      tmux.keys('y');
      await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit after restore');
      expect(await state('api')).toBe('running');

      // SIGTERM restores before exit.
      await start();
      tmux.keys('f', '5', 'Enter');
      await tmux.waitFor((x) => x.includes('FAULT storage-outage'), 'minio paused');
      expect(await state('minio')).toBe('paused');
      process.kill(nodePid(), 'SIGTERM');
      await tmux.waitFor((x) => x.includes('k2mc exited with 143'), 'exit on SIGTERM', 20_000, true);
      expect(await state('minio')).toBe('running');

      // A crash (SIGKILL: nothing can run) leaves the fault in the journal; the next start offers it.
      await start();
      tmux.keys('f', '2', 'Enter');
      await tmux.waitFor((x) => x.includes('FAULT consumer-stall'), 'consumer paused');
      process.kill(nodePid(), 'SIGKILL');
      await tmux.waitFor((x) => x.includes('k2mc exited with 137'), 'killed', 15_000, true);
      expect(await state('consumer-crypto')).toBe('paused');
      expect(existsSync(join(stateDir, 'faults-k2e2e.json'))).toBe(true);
      await start();
      await tmux.waitFor((x) => x.includes('1 fault left active by an earlier run of k2mc: consumer-stall') && x.includes('FAULT consumer-stall'), 'the journal offered');
      tmux.keys('R');
      await tmux.waitFor((x) => !x.includes('FAULT consumer-stall'), 'restored from the journal');
      expect(await state('consumer-crypto')).toBe('running');
      expect(existsSync(join(stateDir, 'faults-k2e2e.json'))).toBe(false);
      tmux.keys('q');
      await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit');
      // Every session was recorded: a header, then the samples as they reached the store.
      const recordings = readdirSync(join(stateDir, 'recordings')).filter((f) => f.endsWith('.jsonl'));
      expect(recordings.length).toBeGreaterThanOrEqual(4);
      const lines = readFileSync(join(stateDir, 'recordings', recordings.sort().at(-1)!), 'utf8').trim().split('\n');
      expect(JSON.parse(lines[0]!)).toMatchObject({ k2mc: 'recording', version: 1, project });
      expect(lines.slice(1).some((l) => (JSON.parse(l) as { s: string }).s === 'docker')).toBe(true);
    } finally {
      for (const name of ['binance-stream', 'minio', 'consumer-crypto']) await docker.getContainer(`${project}-${name}`).unpause().catch(() => undefined);
      await docker.getContainer(`${project}-api`).start().catch(() => undefined);
    }
  }, 150_000);

  it('k2mc scenarios / scenario run / scenario restore, without the dashboard', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'k2mc-e2e-cli-'));
    const k2mc = (...args: string[]) =>
      new Promise<{ code: number; out: string }>((done) => {
        execFile(bin, [...args, '--config', configPath], { timeout: 30_000, env: { ...process.env, K2MC_STATE_DIR: stateDir } }, (err, stdout, stderr) =>
          done({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, out: stdout + stderr }),
        );
      });
    const state = async (name: string) => (await docker.getContainer(`${project}-${name}`).inspect()).State.Status;
    let r = await k2mc('scenarios');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^1\s+stream-outage\s+the trade rate falls to 0/m);
    try {
      r = await k2mc('scenario', 'run', 'storage-outage');
      expect(r.out).toContain(`done    ${project}-minio paused`);
      expect(r.code).toBe(0);
      expect(await state('minio')).toBe('paused');
      r = await k2mc('scenario', 'restore', 'storage-outage');
      expect(r.out).toContain(`done    ${project}-minio unpaused`);
      expect(r.code).toBe(0);
      expect(await state('minio')).toBe('running');
      r = await k2mc('scenario', 'run', 'no-such');
      expect(r.code).toBe(2);
      expect(r.out).toContain('k2mc: no scenario "no-such"; known: stream-outage');
      r = await k2mc('scenario', 'restore', '--all');
      expect(r.out).toContain('no active faults');
    } finally {
      await docker.getContainer(`${project}-minio`).unpause().catch(() => undefined);
    }
  }, 60_000);

  it('rejects a bad flag with one line and exit code 2', async () => {
    tmux.start(`${bin} --refresh fast; echo "k2mc exited with $?"`, 220, 10, quiet());
    const s = await tmux.waitFor((x) => x.includes('k2mc exited with'), 'exit', 15_000, true);
    expect(s).toContain("k2mc: option '--refresh <ms>' argument 'fast' is invalid");
    expect(s).toContain('k2mc exited with 2');
  });

  it('without a Docker engine: says so in words and keeps drawing', async () => {
    tmux.start(`${bin} --config ${configPath} --docker-host unix:///tmp/k2mc-none.sock; echo "k2mc exited with $?"`, 160, 45, quiet());
    const s = await tmux.waitFor((x) => x.includes('Docker engine unreachable at unix:///tmp/k2mc-none.sock: connect ENOENT — is dockerd running?'), 'unreachable');
    expect(s).toContain('✕ DOWN');
    expect(s).toMatch(/k2e2e-api\s+unknown/);
    tmux.keys('q');
    await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit');
  });
});
