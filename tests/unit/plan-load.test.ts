import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPlan, type PlanState } from '../../src/sources/plans/load.js';
import { PlanWatcher } from '../../src/sources/plans/watch.js';
import { resolvePlansDir, shippedPlansDir } from '../../src/sources/plans/location.js';

const own = readFileSync(resolve('plans/demo-readiness.md'), 'utf8');
const dirWith = (files: Record<string, string | Buffer>) => {
  const dir = mkdtempSync(join(tmpdir(), 'k2mc-plans-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
};

describe('plans location', () => {
  it('--plans, then the config, then ./plans, then the plans k2mc ships', () => {
    const cwd = dirWith({});
    expect(resolvePlansDir({ flag: 'x', configDir: '/cfg', cwd })).toEqual({ dir: join(cwd, 'x'), from: '--plans' });
    expect(resolvePlansDir({ configDir: '/cfg', configFrom: 'plans in k.yaml', cwd })).toEqual({ dir: '/cfg', from: 'plans in k.yaml' });
    expect(resolvePlansDir({ cwd }).dir).toBe(shippedPlansDir());
    expect(shippedPlansDir()).toBe(resolve('plans'));
  });
});

describe('loadPlan', () => {
  it('reads the first document with a step table, skipping README.md', () => {
    const dir = dirWith({ 'README.md': '# about', 'a-notes.md': 'no table', 'b-plan.md': own });
    const p = loadPlan({ dir, from: 'test' });
    expect(p.error).toBeUndefined();
    expect(p.path).toBe(join(dir, 'b-plan.md'));
    expect(p.score?.stepsTotal).toBe(8);
    expect(p.others).toEqual(['a-notes.md']);
  });

  it('names the problem and the fix for every bad input, and never throws', () => {
    expect(loadPlan({ dir: '/nonexistent/plans', from: '--plans' }).error).toBe('plans directory /nonexistent/plans (--plans) not found — create it or pass --plans DIR');
    const empty = dirWith({ 'README.md': '# about' });
    expect(loadPlan({ dir: empty, from: 'test' }).error).toBe(`no plan documents (*.md) in ${empty} — add one with a step table, or pass --plans DIR`);
    const bin = dirWith({ 'x.md': Buffer.from([0x89, 0x50, 0x00, 0x01]) });
    expect(loadPlan({ dir: bin, from: 'test' }).error).toBe(`${join(bin, 'x.md')} is a binary file, not a markdown plan`);
    const latin1 = dirWith({ 'x.md': Buffer.from('| Step | Status |\n|--|--|\n| 1 caf\xe9 | Done |\n', 'latin1') });
    expect(loadPlan({ dir: latin1, from: 'test' }).error).toBe(`${join(latin1, 'x.md')} is not UTF-8 text; save it as UTF-8`);
    const noTable = dirWith({ 'x.md': '# Plan\n\nNothing here.\n' });
    expect(loadPlan({ dir: noTable, from: 'test' }).error).toMatch(/x\.md: no step table found/);
    expect(loadPlan({ dir: noTable, from: 'test' }, 'missing.md').error).toBe(`${join(noTable, 'missing.md')} not found`);
  });
});

describe('PlanWatcher', () => {
  let w: PlanWatcher | undefined;
  afterEach(() => w?.close());

  const next = (states: PlanState[], count: number) =>
    new Promise<PlanState>((done, fail) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        if (states.length >= count) {
          clearInterval(poll);
          done(states[count - 1]!);
        } else if (Date.now() - t0 > 2000) {
          clearInterval(poll);
          fail(new Error('no reload within 2 s'));
        }
      }, 20);
    });

  it('follows edits on disk within 2 s, including editors that save by renaming', async () => {
    const dir = dirWith({ 'plan.md': own });
    const states: PlanState[] = [];
    w = new PlanWatcher({ dir, from: 'test' }, undefined, (s) => states.push(s));
    w.start();
    expect(states[0]?.score?.stepsDone).toBe(3);
    writeFileSync(join(dir, 'plan.md'), own.replace('| 04 Failure Scenarios Rehearsed | 🟡 In Progress | 50% |', '| 04 Failure Scenarios Rehearsed | ✅ Complete | 100% |'));
    expect((await next(states, 2)).score?.stepsDone).toBe(4);
    // Save-by-rename, as vim and many editors do.
    writeFileSync(join(dir, '.plan.md.swp'), own);
    renameSync(join(dir, '.plan.md.swp'), join(dir, 'plan.md'));
    const after = await next(states, states.length + 1);
    expect(after.score?.stepsDone).toBe(3);
  });
});
