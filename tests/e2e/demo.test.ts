import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tmux } from './tmux.js';

// `k2mc demo` in a real terminal on a machine where no Docker engine, broker or network can be
// reached: the simulated platform moves, scenarios fire and restore on it, the banner says so.

const bin = resolve('bin/k2mc.js');
const tmux = new Tmux('k2mc-e2e-demo');
const LIVE = 'market.crypto.trades.binance';

afterAll(() => tmux.kill());

/** The rate shown for the live topic, or undefined. */
function liveRate(screen: string): number | undefined {
  const m = new RegExp(`${LIVE.replace(/\./g, '\\.')}\\s+([\\d.,]+)`).exec(screen);
  return m ? Number(m[1]!.replace(/,/g, '')) : undefined;
}

describe('k2mc demo in a real terminal', () => {
  it('runs the whole dashboard on the simulated platform without Docker or Kafka', async () => {
    const state = mkdtempSync(join(tmpdir(), 'k2mc-e2e-demo-'));
    // Nothing answers here: a demo must not need it.
    tmux.start(`${bin} demo --speed 10; echo "k2mc exited with $?"`, 160, 45, { K2MC_STATE_DIR: state, DOCKER_HOST: 'unix:///tmp/k2mc-none.sock', K2MC_KAFKA_BROKERS: '127.0.0.1:1' });
    let s = await tmux.waitFor((x) => x.includes('● ALL GO') && x.includes('Services 12/12 up'), 'a green simulated dashboard');
    expect(s).toContain(' SIMULATED — a built-in simulation of the K2 platform at 10× speed, no live system is shown');
    expect(s).toMatch(/● k2-kafka\s+running\s+healthy/);
    expect(s).not.toContain('unreachable');
    // Started as bin/k2mc.js, node runs with --predictable (its first line; see bin/k2mc.js).
    const node = execFileSync('pgrep', ['-P', String(tmux.panePid()), 'node'], { encoding: 'utf8' }).trim().split('\n')[0]!;
    expect(readFileSync(`/proc/${node}/cmdline`, 'utf8').split('\0')).toContain('--predictable');
    // Trades flow at about 130 a second, and keep moving.
    s = await tmux.waitFor((x) => (liveRate(x) ?? 0) > 60, 'the live topic with a rate');
    const total = (x: string) => Number(new RegExp(`${LIVE.replace(/\./g, '\\.')}.*?([\\d,]{5,})\\s+40`).exec(x)?.[1]?.replace(/,/g, '') ?? NaN);
    const before = total(s);
    await tmux.waitFor((x) => total(x) > before, 'the message count moving');

    // A failure scenario on the simulation: the consumer stalls, lag grows, the check is met.
    tmux.keys('f');
    await tmux.waitFor((x) => x.includes('consumer-stall'), 'the scenario menu');
    tmux.keys('2', 'Enter');
    s = await tmux.waitFor((x) => x.includes('FAULT consumer-stall') && /‖ k2-consumer-crypto[\s·]+paused/.test(x), 'the paused consumer');
    s = await tmux.waitFor((x) => /consumer-stall: lag growing after [\d.]+ s ✓/.test(x), 'the expectation met', 30_000);
    expect(s).toMatch(/↑ growing/);
    // Restored: the consumer runs and the lag drains.
    tmux.keys('r');
    await tmux.waitFor((x) => x.includes('restore consumer-stall: k2-consumer-crypto unpaused') && /● k2-consumer-crypto[\s·]+running/.test(x), 'restored');
    await tmux.waitFor((x) => x.includes('● ALL GO') && !x.includes('FAULT'), 'green again', 30_000);

    // The demo timer runs in the header.
    tmux.keys('t');
    await tmux.waitFor((x) => /⏱ \d+:\d\d\/12:00/.test(x), 'the demo timer');

    tmux.keys('q');
    s = await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit', 15_000, true);
    // The session report: the scenario with its measured effect and recovery.
    const report = /k2mc: session report in (\S+\.md)/.exec(s)?.[1];
    expect(report, s).toBeDefined();
    const text = readFileSync(report!, 'utf8');
    expect(text).toContain('consumer-stall');
    expect(text).toMatch(/lag growing after [\d.]+ s/);
    // A demo is not recorded unless asked: no recordings of a simulation to be mistaken for rehearsals.
    expect(readdirSync(state).filter((f) => f.startsWith('recordings'))).toEqual([]);
  }, 120_000);

  it('rejects a bad speed with one line and exit code 2', async () => {
    tmux.start(`${bin} demo --speed 0; echo "k2mc exited with $?"`, 220, 10);
    const s = await tmux.waitFor((x) => x.includes('k2mc exited with'), 'exit', 15_000, true);
    expect(s).toContain("k2mc: option '--speed <n>' argument '0' is invalid. expected a speed from 0.25 to 100");
    expect(s).toContain('k2mc exited with 2');
  });
});
