import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The memory run of `npm run bench` (scenario soak, 10,000 cycles at scale), short: the built
// harness drives the whole dashboard on the simulated platform, every cycle draws a frame, and the
// heap after a forced collection does not grow once the histories are full.

const soak = resolve('dist/app/soak.js');

function run(args: string[], stateDir: string): Promise<Record<string, number>> {
  return new Promise((done, fail) =>
    execFile('node', ['--expose-gc', soak, ...args], { timeout: 120_000, env: { ...process.env, K2MC_STATE_DIR: stateDir } }, (err, stdout, stderr) =>
      err ? fail(new Error(`${err.message}\n${stderr}`)) : done(JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>),
    ),
  );
}

describe('soak harness', () => {
  it('draws a frame every cycle and keeps the heap flat after the warm-up (1,200 cycles, 12 services)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k2mc-soak-test-'));
    try {
      const r = await run(['--cycles', '1200', '--warmup', '400'], dir);
      expect(r.cycles).toBe(1200);
      expect(r.services).toBe(12);
      // The simulated rates change every second, so every cycle after the warm-up paints.
      expect(r.frames).toBe(800);
      expect(r.heapAfterWarmupMB).toBeGreaterThan(5);
      expect(r.heapGrowthMB).toBeLessThan(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
