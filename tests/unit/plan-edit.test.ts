import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { doubleEncode, PlanConflictError, PlanEditError, toggledText, togglePlanStep } from '../../src/sources/plans/edit.js';
import { repairMojibake } from '../../src/sources/plans/mojibake.js';
import { parsePlan, type PlanDoc, type PlanStep } from '../../src/sources/plans/parse.js';
import { isStepDone, scorePlan } from '../../src/model/plan-score.js';

// A switch to make the rename of the temporary file fail, to see the failure path clean up.
const hooks = vi.hoisted(() => ({ failRename: false, renamed: [] as string[], onTempOpen: undefined as (() => void) | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const rename: typeof real.rename = async (from, to) => {
    hooks.renamed.push(String(from));
    if (hooks.failRename) {
      // The temporary file must exist, fully written, at this point.
      expect(existsSync(String(from))).toBe(true);
      throw Object.assign(new Error(`EIO: i/o error, rename '${String(from)}' -> '${String(to)}'`), { code: 'EIO' });
    }
    return real.rename(from, to);
  };
  // Runs hooks.onTempOpen when the temporary file is created, i.e. while the edit is under way.
  const open = ((path: Parameters<typeof real.open>[0], flags?: string | number, mode?: number) => {
    if (flags === 'wx') hooks.onTempOpen?.();
    return real.open(path, flags, mode);
  }) as typeof real.open;
  return { ...real, default: { ...real, rename, open }, rename, open };
});

const SEED = fileURLToPath(new URL('../../../shared/seeds/phase-4-STATUS.md', import.meta.url));
const SRC_EDIT = fileURLToPath(new URL('../../src/sources/plans/edit.ts', import.meta.url));
const TODAY = '2026-03-01';

const REAL = `# Plan

**Current Score**: 15/40

| Step | Status | % | Score Impact | Completed |
|------|--------|---|--------------|-----------|
| 01 Start | ✅ Complete | 100% | 15 pts | 2026-01-14 |
| 02 Rehearse | 🟡 In Progress | 50% | 10 pts | - |
| 03 Record | ⬜ Not Started | 0% | 10 pts | - |
| 04 Print | 🔴 Blocked | 0 % | 5 pts | — |
| 05 Check | 🟢 Validated | 100% | 0 pts (bonus) | 2026-01-15 |

Trailing text ✅ that must not move.
`;

const WORDS = `# Words

| Step | Title | Status | Progress | Done on |
|------|-------|--------|----------|---------|
| 1 | Kick-off | Done | 100 | 2026-01-02 |
| 2 | Wrap-up | todo | 0 | - |
| 3 | Review | Not Started | - | |
| 4 | Ship | COMPLETE | 100% | 2026-01-03 |
| 5 | Polish | WIP | 50 % |  |
`;

const BARE = `| # | Status |
|---|--------|
| 1. Kick-off | Done |
| 2: Wrap-up | Not started |
| 3 | **Complete ✅** |
`;

const CRLF = REAL.replace(/\n/g, '\r\n');

/** The seed's step table section, as written (double-encoded emoji); undefined without the seed. */
function seedSection(): string | undefined {
  if (!existsSync(SEED)) return undefined;
  const seed = readFileSync(SEED, 'utf8');
  const start = seed.indexOf('## Step Status');
  const end = seed.indexOf('**Total Score', start);
  return start < 0 || end < 0 ? undefined : seed.slice(start, end);
}

const parse = (text: string) => parsePlan(text, 'plan.md');
const stepOf = (doc: PlanDoc, n: string) => {
  const s = doc.steps.find((x) => x.number === n);
  if (!s) throw new Error(`no step ${n}`);
  return s;
};

/**
 * The text outside a step's editable cells, in order. `looseAround` lists cells that were empty
 * before the edit: the padding next to them may change ("|  |" becomes "| x |"), so it is left out.
 */
function outside(text: string, step: PlanStep, looseAround: ('status' | 'percent' | 'completed')[] = []): string[] {
  const cells = (['status', 'percent', 'completed'] as const)
    .flatMap((k) => (step.cells[k] ? [{ ...step.cells[k], loose: looseAround.includes(k) }] : []))
    .sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  let trimNextStart = false;
  for (const c of cells) {
    let part = text.slice(at, c.start);
    if (trimNextStart) part = part.replace(/^[ \t]+/, '');
    if (c.loose) part = part.replace(/[ \t]+$/, '');
    parts.push(part);
    at = c.end;
    trimNextStart = c.loose;
  }
  const last = text.slice(at);
  parts.push(trimNextStart ? last.replace(/^[ \t]+/, '') : last);
  return parts;
}

const cellsOf = (text: string, step: PlanStep) => ({
  status: step.cells.status && text.slice(step.cells.status.start, step.cells.status.end),
  percent: step.cells.percent && text.slice(step.cells.percent.start, step.cells.percent.end),
  completed: step.cells.completed && text.slice(step.cells.completed.start, step.cells.completed.end),
});

/** Toggles one step and checks that nothing but its cells changed; returns the new text and cells. */
function toggleChecked(before: string, n: string, today = TODAY) {
  const step = stepOf(parse(before), n);
  const after = toggledText(before, step, today);
  const doc = parse(after);
  const next = stepOf(doc, n);
  const empty = (['status', 'percent', 'completed'] as const).filter((k) => step.cells[k] && step.cells[k].start === step.cells[k].end);
  expect(outside(after, next, empty)).toEqual(outside(before, step, empty));
  // Independently of the parser: every line but the step's own line is the same.
  const eol = before.includes('\r\n') ? '\r\n' : '\n';
  const b = before.split(eol);
  const a = after.split(eol);
  expect(a.length).toBe(b.length);
  a.forEach((line, i) => {
    if (i !== step.line - 1) expect(line).toBe(b[i]);
  });
  expect(isStepDone(next)).toBe(!isStepDone(step));
  return { after, doc, step: next, cells: cellsOf(after, next) };
}

describe('toggledText', () => {
  it('marks a real-emoji step done and undone, changing only its cells', () => {
    expect(toggleChecked(REAL, '03').cells).toEqual({ status: '✅ Complete', percent: '100%', completed: TODAY });
    expect(toggleChecked(REAL, '01').cells).toEqual({ status: '⬜ Not Started', percent: '0%', completed: '-' });
    expect(toggleChecked(REAL, '02').cells).toEqual({ status: '✅ Complete', percent: '100%', completed: TODAY });
    // "0 %" keeps its space, "—" is replaced by the date.
    expect(toggleChecked(REAL, '04').cells).toEqual({ status: '✅ Complete', percent: '100 %', completed: TODAY });
    expect(toggleChecked(REAL, '05').cells).toEqual({ status: '⬜ Not Started', percent: '0%', completed: '-' });
  });

  it('keeps the double-encoded emoji of the seed double-encoded', () => {
    const section = seedSection();
    if (!section) return void console.warn(`skipped: ${SEED} is absent`);
    expect(doubleEncode('✅')).toBe('âœ…');
    expect(doubleEncode('⬜')).toBe('â¬œ');
    const undone = toggleChecked(section, '01');
    expect(undone.cells).toEqual({ status: 'â¬œ Not Started', percent: '0%', completed: '-' });
    expect(undone.step.statusText).toBe('⬜ Not Started');
    const done = toggleChecked(section, '07');
    expect(done.cells).toEqual({ status: 'âœ… Complete', percent: '100%', completed: TODAY });
    expect(done.step.statusText).toBe('✅ Complete');
    expect(done.after).not.toMatch(/[✅⬜]/u);
    expect(repairMojibake(done.after)).toContain('| 07 Backup Plans | ✅ Complete | 100% | 10 pts | 2026-03-01 |');
  });

  it('writes words only in word-only tables, keeping their style', () => {
    // Done ↔ Todo, case kept, a bare number stays without "%", an empty date cell is filled.
    expect(toggleChecked(WORDS, '1').cells).toEqual({ status: 'Todo', percent: '0', completed: '-' });
    expect(toggleChecked(WORDS, '2').cells).toEqual({ status: 'done', percent: '100', completed: TODAY });
    expect(toggleChecked(WORDS, '3').cells).toEqual({ status: 'Complete', percent: '100%', completed: TODAY });
    expect(toggleChecked(WORDS, '4').cells).toEqual({ status: 'NOT STARTED', percent: '0%', completed: '-' });
    // "WIP" is not a status phrase whose case to copy; an empty cell is written "| value |".
    expect(toggleChecked(WORDS, '5').cells).toEqual({ status: 'Complete', percent: '100 %', completed: TODAY });
    expect(toggleChecked(WORDS, '5').after.split('\n')[8]).toBe(`| 5 | Polish | Complete | 100 % | ${TODAY} |`);
    expect(toggleChecked(WORDS, '3').after.split('\n')[6]).toBe(`| 3 | Review | Complete | 100% | ${TODAY} |`);
    for (const n of ['1', '2', '3', '4', '5']) expect(toggleChecked(WORDS, n).after).not.toMatch(/\p{Extended_Pictographic}/u);
  });

  it('handles tables without % or date columns, keeping emphasis and the emoji side', () => {
    expect(toggleChecked(BARE, '1').cells).toEqual({ status: 'Todo', percent: undefined, completed: undefined });
    expect(toggleChecked(BARE, '2').cells).toEqual({ status: 'Complete', percent: undefined, completed: undefined });
    expect(toggleChecked(BARE, '3').cells).toEqual({ status: '**Not Started ⬜**', percent: undefined, completed: undefined });
  });

  it('keeps CRLF line endings', () => {
    for (const n of ['01', '03']) {
      const { after } = toggleChecked(CRLF, n);
      expect(after.match(/\r\n/g)?.length).toBe(CRLF.match(/\r\n/g)?.length);
      expect(after.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    }
    expect(toggleChecked(CRLF, '03').after).toBe(toggleChecked(REAL, '03').after.replace(/\n/g, '\r\n'));
  });

  it('toggling twice restores the statuses (and the bytes when the date is the same)', () => {
    for (const text of [REAL, WORDS, BARE, CRLF, seedSection() ?? REAL]) {
      const original = parse(text);
      for (const step of original.steps) {
        const once = toggledText(text, step, TODAY);
        const twice = toggledText(once, stepOf(parse(once), step.number), TODAY);
        const back = parse(twice);
        back.steps.forEach((s, i) => {
          expect(isStepDone(s)).toBe(isStepDone(original.steps[i]));
          if (['complete', 'not-started'].includes(original.steps[i].status)) expect(s.status).toBe(original.steps[i].status);
        });
      }
    }
    // Same date, canonical cells: the very same bytes.
    const once = toggledText(REAL, stepOf(parse(REAL), '01'), '2026-01-14');
    expect(toggledText(once, stepOf(parse(once), '01'), '2026-01-14')).toBe(REAL);
    const again = toggledText(WORDS, stepOf(parse(WORDS), '1'), TODAY);
    expect(toggledText(again, stepOf(parse(again), '1'), '2026-01-02')).toBe(WORDS);
  });

  it('moves the score by the step\u2019s points', () => {
    const before = scorePlan(parse(REAL));
    const up = scorePlan(parse(toggledText(REAL, stepOf(parse(REAL), '03'), TODAY)));
    expect(up.stepsDone).toBe(before.stepsDone + 1);
    expect(up.computedScore).toBe(before.computedScore + 10);
    const down = scorePlan(parse(toggledText(REAL, stepOf(parse(REAL), '01'), TODAY)));
    expect(down.stepsDone).toBe(before.stepsDone - 1);
    expect(down.computedScore).toBe(before.computedScore - 15);
    expect(down.stepsTotal).toBe(before.stepsTotal);

    const section = seedSection();
    if (section) {
      const s0 = scorePlan(parse(section));
      const s1 = scorePlan(parse(toggledText(section, stepOf(parse(section), '07'), TODAY)));
      expect([s0.stepsDone, s0.computedScore]).toEqual([6, 75]);
      expect([s1.stepsDone, s1.computedScore]).toEqual([7, 85]);
    }
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => toggledText(REAL, stepOf(parse(REAL), '03'), '1/3/2026')).toThrow(PlanEditError);
  });
});

describe('togglePlanStep', () => {
  let dir: string;
  let file: string;
  const write = (text: string | Buffer, name = 'STATUS.md') => {
    file = join(dir, name);
    writeFileSync(file, text);
    return typeof text === 'string' ? text : text.toString('utf8');
  };
  const listing = () => readdirSync(dir).sort();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'k2mc-edit-'));
    hooks.failRename = false;
    hooks.renamed = [];
    hooks.onTempOpen = undefined;
  });
  afterEach(() => {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks the step in the file, returns the new text and parse, and keeps the mode', async () => {
    const text = write(REAL);
    chmodSync(file, 0o640);
    const inode = statSync(file).ino;
    const result = await togglePlanStep(file, text, '03', TODAY);
    expect(readFileSync(file, 'utf8')).toBe(result.text);
    expect(result.text).toBe(toggledText(REAL, stepOf(parse(REAL), '03'), TODAY));
    expect(stepOf(result.doc, '03').status).toBe('complete');
    expect(result.doc.path).toBe(file);
    expect(statSync(file).mode & 0o7777).toBe(0o640);
    // Replaced by a rename, not rewritten in place; nothing left behind.
    expect(statSync(file).ino).not.toBe(inode);
    expect(listing()).toEqual(['STATUS.md']);
    expect(hooks.renamed).toHaveLength(1);
    expect(dirname(hooks.renamed[0])).toBe(dir);
    expect(basename(hooks.renamed[0])).toMatch(new RegExp(`^\\.STATUS\\.md\\.k2mc-${process.pid}-[0-9a-f]+\\.tmp$`));
  });

  it('edits the double-encoded seed section and a CRLF file on disk byte for byte', async () => {
    const seed = seedSection();
    // Without the seed (a clone outside the workspace), a step of the fallback table is used.
    const section = seed ?? REAL;
    for (const [name, text, n] of [['seed.md', section, seed ? '07' : '03'], ['crlf.md', CRLF, '01']] as const) {
      write(text, name);
      const { text: out } = await togglePlanStep(file, text, n, TODAY);
      const step = stepOf(parse(text), n);
      expect(outside(readFileSync(file, 'utf8'), stepOf(parse(out), n))).toEqual(outside(text, step));
      expect(readFileSync(file).equals(Buffer.from(out, 'utf8'))).toBe(true);
    }
    expect(listing()).toEqual(['crlf.md', 'seed.md']);
  });

  it('finds step "03" when asked for "3"', async () => {
    const text = write(REAL);
    const { doc } = await togglePlanStep(file, text, '3', TODAY);
    expect(stepOf(doc, '03').status).toBe('complete');
  });

  it('does not overwrite a concurrent edit', async () => {
    const text = write(REAL);
    const concurrent = REAL.replace('03 Record', '03 Record the backup');
    writeFileSync(file, concurrent);
    const err = await togglePlanStep(file, text, '03', TODAY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanConflictError);
    expect(err).toBeInstanceOf(PlanEditError);
    expect((err as Error).message).toContain(`${file} changed on disk since it was read`);
    expect(readFileSync(file).equals(Buffer.from(concurrent, 'utf8'))).toBe(true);
    expect(listing()).toEqual(['STATUS.md']);
    expect(hooks.renamed).toHaveLength(0);
    // Even when the concurrent edit removed the step: the conflict is reported, not the step.
    const without = REAL.replace(/^\| 03 .*\n/m, '');
    writeFileSync(file, without);
    const gone = await togglePlanStep(file, text, '03', TODAY).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(PlanConflictError);
    expect(readFileSync(file, 'utf8')).toBe(without);
    expect(listing()).toEqual(['STATUS.md']);
  });

  it('does not overwrite an edit made while the new file is being written', async () => {
    const text = write(REAL);
    const concurrent = REAL.replace('02 Rehearse', '02 Rehearse twice');
    hooks.onTempOpen = () => writeFileSync(file, concurrent);
    const err = await togglePlanStep(file, text, '03', TODAY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanConflictError);
    expect(readFileSync(file, 'utf8')).toBe(concurrent);
    expect(listing()).toEqual(['STATUS.md']);
    expect(hooks.renamed).toHaveLength(0);
  });

  it('refuses a step number that two rows share', async () => {
    const text = write(REAL.replace('| 04 Print', '| 03 Print'));
    const err = await togglePlanStep(file, text, '03', TODAY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanEditError);
    expect((err as Error).message).toMatch(/2 rows for step 03/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('removes the temporary file and keeps the original when the rename fails', async () => {
    const text = write(REAL);
    hooks.failRename = true;
    const err = await togglePlanStep(file, text, '03', TODAY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanEditError);
    expect(err).not.toBeInstanceOf(PlanConflictError);
    expect((err as Error).message).toMatch(/could not be rewritten.*unchanged/);
    expect(hooks.renamed).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe(REAL);
    expect(listing()).toEqual(['STATUS.md']);
  });

  it('names a missing step', async () => {
    const text = write(REAL);
    const err = await togglePlanStep(file, text, '42', TODAY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanEditError);
    expect(err).not.toBeInstanceOf(PlanConflictError);
    expect((err as Error).message).toMatch(/no step 42\b/);
    expect(readFileSync(file, 'utf8')).toBe(REAL);
    expect(listing()).toEqual(['STATUS.md']);
  });

  it('refuses a file that is not valid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from(REAL, 'utf8'), Buffer.from([0xff, 0xfe, 0x0a])]);
    write(bytes);
    const err = await togglePlanStep(file, bytes.toString('latin1'), '03', TODAY).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanEditError);
    expect((err as Error).message).toMatch(/not valid UTF-8/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('keeps a byte-order mark', async () => {
    const text = write('\ufeff' + REAL);
    const { text: out } = await togglePlanStep(file, text, '03', TODAY);
    expect(readFileSync(file).subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    expect(out.startsWith('\ufeff# Plan')).toBe(true);
  });

  it('writes through a symlink to the file it names', async () => {
    const text = write(REAL, 'real.md');
    const link = join(dir, 'link.md');
    symlinkSync('real.md', link);
    await togglePlanStep(link, text, '03', TODAY);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(stepOf(parse(readFileSync(join(dir, 'real.md'), 'utf8')), '03').status).toBe('complete');
    expect(listing()).toEqual(['link.md', 'real.md']);
  });

  it('fails with PlanEditError on a read-only directory or file and leaves it intact', async () => {
    // Root writes anywhere, so as root the same edit runs in a child process as "nobody".
    const asRoot = process.getuid?.() === 0;
    chmodSync(dir, 0o755);
    const roDir = join(dir, 'ro-dir');
    const roFile = join(dir, 'ro-file');
    for (const d of [roDir, roFile]) {
      mkdirSync(d);
      writeFileSync(join(d, 'STATUS.md'), REAL);
    }
    // Directory 555 with a file the user may write; directory writable with a 444 file.
    chmodSync(join(roDir, 'STATUS.md'), 0o666);
    chmodSync(roDir, 0o555);
    chmodSync(roFile, 0o777);
    chmodSync(join(roFile, 'STATUS.md'), 0o444);

    let results: { name: string; message: string }[];
    if (!asRoot) {
      results = [];
      for (const d of [roDir, roFile]) {
        const err = await togglePlanStep(join(d, 'STATUS.md'), REAL, '03', TODAY).catch((e: unknown) => e as Error);
        results.push({ name: (err as Error).name, message: (err as Error).message });
        expect(err).toBeInstanceOf(PlanEditError);
      }
    } else {
      const { build } = await import('esbuild');
      const bundle = join(dir, 'edit.mjs');
      await build({ entryPoints: [SRC_EDIT], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
      const script = join(dir, 'run.mjs');
      writeFileSync(
        script,
        `import { togglePlanStep } from ${JSON.stringify(bundle)};
const out = [];
for (const d of ${JSON.stringify([roDir, roFile])}) {
  try { await togglePlanStep(d + '/STATUS.md', ${JSON.stringify(REAL)}, '03', '${TODAY}'); out.push({ name: 'none', message: 'written' }); }
  catch (e) { out.push({ name: e.name, message: e.message }); }
}
console.log(JSON.stringify(out));`,
      );
      chmodSync(bundle, 0o644);
      chmodSync(script, 0o644);
      const child = spawnSync(process.execPath, [script], { uid: 65534, gid: 65534, encoding: 'utf8' });
      expect(child.stderr).toBe('');
      results = JSON.parse(child.stdout) as typeof results;
    }
    for (const [i, d] of [roDir, roFile].entries()) {
      expect(results[i].name).toBe('PlanEditError');
      expect(results[i].message).toMatch(/permission denied/);
      expect(results[i].message).toMatch(/chmod u\+w/);
      expect(readFileSync(join(d, 'STATUS.md'), 'utf8')).toBe(REAL);
      expect(readdirSync(d)).toEqual(['STATUS.md']);
    }
    chmodSync(roDir, 0o755);
  });
});
