import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repairMojibake } from '../../src/sources/plans/mojibake.js';
import {
  columnRole,
  parsePlan,
  PlanError,
  readPercent,
  readPoints,
  readStatus,
  splitStepCell,
  type CellOffsets,
  type PlanDoc,
  type PlanStep,
} from '../../src/sources/plans/parse.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plans/', import.meta.url));
const SEED = fileURLToPath(new URL('../../../shared/seeds/phase-4-STATUS.md', import.meta.url));

const load = (name: string) => readFileSync(FIXTURES + name, 'utf8');
const parseFixture = (name: string): { text: string; doc: PlanDoc } => {
  const text = load(name);
  return { text, doc: parsePlan(text, `plans/${name}`) };
};

/** The cell as written in the source line, found by splitting on pipes (independent of the parser). */
function rawCell(text: string, line: number, column: number): string {
  return text.split('\n')[line - 1].split('|')[column + 1].trim();
}

const slice = (text: string, at: CellOffsets | undefined) => (at ? text.slice(at.start, at.end) : undefined);

/** Windows-1252 characters for bytes 0x80–0x9F; '' where the byte is undefined (dropped, as in the seed). */
const CP1252_80_9F = ['€', '', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '', 'Ž', '', '', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '', 'ž', 'Ÿ'];

/** What a UTF-8 text looks like after being read as Windows-1252. */
function doubleEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b))).join('');
}

describe('repairMojibake', () => {
  it('repairs the double-encoded emoji as they appear in the seed', () => {
    expect(repairMojibake('âœ… Complete')).toBe('✅ Complete');
    expect(repairMojibake('â¬œ Not Started')).toBe('⬜ Not Started');
    expect(repairMojibake('ðŸŸ¢ Target Exceeded')).toBe('🟢 Target Exceeded');
    expect(repairMojibake('ðŸ”´ Not Created')).toBe('🔴 Not Created');
    expect(repairMojibake('ðŸŸ¡ In Progress')).toBe('🟡 In Progress');
    // ⚠️ is E2 9A A0 EF B8 8F: A0 reads as a no-break space and 8F (undefined in Windows-1252) was lost.
    expect(repairMojibake('âš\u00a0ï¸ Running')).toBe('⚠️ Running');
    expect(repairMojibake('115/100 â†’ Target')).toBe('115/100 → Target');
    expect(repairMojibake('(âˆ’1 pt)')).toBe('(−1 pt)');
  });

  it('round-trips text double-encoded by an independent encoder', () => {
    for (const s of ['✅', '⬜ Not Started', '🟢🔴🟡', '⚠️ careful', '👩‍💻 coder', 'a → b — c', '✅ Done – café', '🇬🇧 flag', '1️⃣ one', '⏸ paused', '✔️ ok']) {
      const broken = doubleEncode(s);
      expect(broken).not.toBe(s);
      expect(repairMojibake(broken)).toBe(s);
    }
  });

  it('repairs ⚠️ when its no-break space became a plain space', () => {
    expect(repairMojibake('âš ï¸ Running')).toBe('⚠️ Running');
  });

  it('does not guess when a lost byte leaves several emoji possible', () => {
    // 📍 is F0 9F 93 8D; without its 8D, "ðŸ“" could as well be 📁, 📏, 📐 or 📝.
    const broken = doubleEncode('📍 here');
    expect(broken).toBe('ðŸ“ here');
    expect(repairMojibake(broken)).toBe(broken);
  });

  it('repairs mojibake next to real emoji', () => {
    expect(repairMojibake('✅ and âœ…')).toBe('✅ and ✅');
  });

  it('leaves normal text alone', () => {
    for (const s of ['', 'plain ascii', 'café', 'naïve – “quoted” — ok', 'Ölçü', 'Ünïcödé ÀÉÎÕÜ', '✅ Complete', '–', 'CAFÉ…', 'Größe ±5 °C', 'résumé’s']) {
      expect(repairMojibake(s)).toBe(s);
    }
  });

  it('does not turn lone accented letters into other letters', () => {
    // "É…" is C9 85, valid UTF-8 for "Ʌ": a letter, so it is not taken as mojibake.
    expect(repairMojibake('É…')).toBe('É…');
    expect(repairMojibake('cafÃ©')).toBe('cafÃ©');
  });

  it('repairs letters too when the whole string was double-encoded and holds a symbol', () => {
    expect(repairMojibake(doubleEncode('Rehearse – café edition'))).toBe('Rehearse – café edition');
  });

  it('is idempotent', () => {
    for (const s of ['âœ… Complete', '✅ Complete', 'café', doubleEncode('⚠️ x')]) expect(repairMojibake(repairMojibake(s))).toBe(repairMojibake(s));
  });
});

describe('cell readers', () => {
  it('reads statuses from words and emoji', () => {
    const cases: [string, string][] = [
      ['✅ Complete', 'complete'],
      ['Done', 'complete'],
      ['Completed', 'complete'],
      ['🟡 In Progress', 'in-progress'],
      ['WIP', 'in-progress'],
      ['⬜ Not Started', 'not-started'],
      ['Todo', 'not-started'],
      ['Pending', 'not-started'],
      ['🔴 Blocked', 'blocked'],
      ['Skipped', 'skipped'],
      ['N/A', 'skipped'],
      ['🟢 Validated', 'validated'],
      ['Verified', 'validated'],
      ['✅', 'complete'],
      ['🟡', 'in-progress'],
      ['⬜', 'not-started'],
      ['🔴', 'blocked'],
      ['🟢', 'validated'],
      ['Incomplete', 'unknown'],
      ['Almost there', 'unknown'],
      ['', 'unknown'],
    ];
    for (const [text, status] of cases) expect(readStatus(text).status, text).toBe(status);
  });

  it('lets the words win when they disagree with the emoji, and says so', () => {
    expect(readStatus('✅ In Progress')).toMatchObject({ status: 'in-progress', fromWords: 'in-progress', fromEmoji: 'complete', conflict: true });
    expect(readStatus('⬜ Blocked')).toMatchObject({ status: 'blocked', conflict: true });
  });

  it('treats complete and validated as agreeing', () => {
    expect(readStatus('🟢 Complete')).toMatchObject({ status: 'complete', conflict: false });
    expect(readStatus('✅ Validated')).toMatchObject({ status: 'validated', conflict: false });
  });

  it('takes the first status word in the cell', () => {
    expect(readStatus('In Progress (pending review)').status).toBe('in-progress');
    expect(readStatus('Not Started')).toMatchObject({ status: 'not-started' });
  });

  it('reads percentages', () => {
    expect(readPercent('100%')).toBe(100);
    expect(readPercent('0%')).toBe(0);
    expect(readPercent('42.5 %')).toBe(42.5);
    expect(readPercent('60')).toBe(60);
    expect(readPercent('-')).toBeUndefined();
    expect(readPercent('')).toBeUndefined();
    expect(readPercent('about half')).toBeNaN();
  });

  it('reads points', () => {
    expect(readPoints('15 pts')).toEqual({ points: 15, bonus: false });
    expect(readPoints('0 pts (bonus)')).toEqual({ points: 0, bonus: true });
    expect(readPoints('20')).toEqual({ points: 20, bonus: false });
    expect(readPoints('-')).toEqual({ points: undefined, bonus: false });
    expect(readPoints('lots').points).toBeNaN();
  });

  it('splits the step cell into number and title', () => {
    expect(splitStepCell('01 Infrastructure Startup')).toEqual({ number: '01', rest: 'Infrastructure Startup' });
    expect(splitStepCell('Step 07 - Backup Plans')).toEqual({ number: '07', rest: 'Backup Plans' });
    expect(splitStepCell('1. Kick-off')).toEqual({ number: '1', rest: 'Kick-off' });
    expect(splitStepCell('3.2 Sub step')).toEqual({ number: '3.2', rest: 'Sub step' });
    expect(splitStepCell('10')).toEqual({ number: '10', rest: '' });
    expect(splitStepCell('Kick-off')).toEqual({ number: 'Kick-off', rest: '' });
  });

  it('recognises column headers by their words', () => {
    expect(['Step', '#', 'Status', '%', 'Progress', 'Percent', 'Score Impact', 'Points', 'Pts', 'Score', 'Completed', 'Date', 'Done', 'Title', 'Name', 'Description', 'Priority', 'Owner'].map(columnRole)).toEqual([
      'step', 'step', 'status', 'percent', 'percent', 'percent', 'points', 'points', 'points', 'points', 'completed', 'completed', 'completed', 'title', 'title', 'title', 'priority', undefined,
    ]);
  });
});

/** Checks each editable cell's offsets against the source line split on pipes. */
function expectOffsetsMatchSource(text: string, doc: PlanDoc) {
  const { columns } = doc.stepTable;
  for (const step of doc.steps) {
    for (const role of ['status', 'percent', 'completed'] as const) {
      const col = columns[role];
      const at = step.cells[role];
      if (col === undefined) {
        expect(at).toBeUndefined();
        continue;
      }
      expect(slice(text, at), `step ${step.number} ${role}`).toBe(rawCell(text, step.line, col));
    }
  }
}

describe('parsePlan: Step | Status | % | Score Impact | Completed, real emoji', () => {
  const { text, doc } = parseFixture('emoji-points.md');
  const byNumber = (n: string) => doc.steps.find((s) => s.number === n)!;

  it('reads every step', () => {
    expect(doc.steps.map((s) => [s.number, s.title, s.status, s.percent, s.points, s.bonus, s.completed])).toEqual([
      ['01', 'Infrastructure Startup', 'complete', 100, 15, false, '2026-01-10'],
      ['02', 'Dry Run Validation', 'validated', 100, 20, false, '2026-01-11'],
      ['03', 'Performance Benchmarking', 'in-progress', 40, 10, false, undefined],
      ['04', 'Quick Reference', 'blocked', 0, 10, false, undefined],
      ['05', 'Visual Polish', 'skipped', undefined, 0, true, undefined],
      ['06', 'Demo Day', 'not-started', 0, 5, false, undefined],
    ]);
    expect(byNumber('03').statusText).toBe('🟡 In Progress');
    expect(doc.warnings).toEqual([]);
  });

  it('records the source line of each row', () => {
    const lines = text.split('\n');
    for (const s of doc.steps) expect(lines[s.line - 1].startsWith(`| ${s.number} `)).toBe(true);
    expect(doc.stepTable.line).toBe(lines.findIndex((l) => l.startsWith('| Step |')) + 1);
  });

  it('records cell offsets that slice back to the cells', () => {
    expectOffsetsMatchSource(text, doc);
    expect(slice(text, byNumber('01').cells.status)).toBe('✅ Complete');
    expect(slice(text, byNumber('01').cells.percent)).toBe('100%');
    expect(slice(text, byNumber('01').cells.completed)).toBe('2026-01-10');
  });

  it('points an empty cell at the spot between its pipes', () => {
    const at = byNumber('04').cells.completed!;
    expect(at.start).toBe(at.end);
    expect(text[at.start]).toBe('|');
    expect(text.slice(at.start - 3, at.start)).toBe('|  ');
  });

  it('supports rewriting cells in place at the recorded offsets', () => {
    const s = byNumber('04');
    const edits = [
      [s.cells.status!, '✅ Complete'],
      [s.cells.percent!, '100%'],
      [s.cells.completed!, '2026-01-15'],
    ] as const;
    let edited = text;
    for (const [at, value] of [...edits].sort((a, b) => b[0].start - a[0].start)) edited = edited.slice(0, at.start) + value + edited.slice(at.end);
    const again = parsePlan(edited, 'plans/emoji-points.md');
    expect(again.steps.find((x) => x.number === '04')).toMatchObject({ status: 'complete', percent: 100, completed: '2026-01-15', points: 10 });
    const others = (d: PlanDoc) => d.steps.filter((x) => x.number !== '04').map((x) => [x.number, x.status, x.percent, x.completed]);
    expect(others(again)).toEqual(others(doc));
    expect(edited.split('\n').filter((l) => !l.startsWith('| 04 '))).toEqual(text.split('\n').filter((l) => !l.startsWith('| 04 ')));
  });

  it('reads the headline', () => {
    expect(doc.title).toBe('Demo Plan A');
    expect(doc.headline).toMatchObject({
      overallStatus: '🟡 On Track',
      completion: { done: 7, total: 10, line: 4 },
      claimedScore: { value: 55, max: 100, line: 5 },
      target: 90,
      totalScore: { value: 55, max: 100 },
    });
  });

  it('reads the score breakdown', () => {
    const b = doc.breakdown!;
    expect(b.stated).toMatchObject({ value: 55, max: 100 });
    expect(b.sections.map((s) => [s.name, s.earned, s.max, s.items.map((i) => `${i.name} ${i.earned}/${i.max}`)])).toEqual([
      ['Execution Quality', 35, 60, ['Infrastructure Readiness 15/15', 'Demo Flow 20/20', 'Data Quality 0/10', 'Failure Handling 0/15']],
      ['Professionalism', 15, 20, ['Confident Navigation 10/10', 'Polish 6/5', 'Backup Plans 0/5']],
      ['Content Depth', 5, 20, []],
    ]);
    expect(b.total).toMatchObject({ value: 55, max: 100 });
    expect(doc.targetBreakdown).toBeUndefined();
  });

  it('reads quick status and deliverables', () => {
    expect(doc.quickStatus.map((q) => [q.metric, q.done, q.total])).toEqual([
      ['Steps Complete', 4, 6],
      ['Scripts Created', 1, 2],
      ['Reference Docs', 2, 2],
    ]);
    expect(doc.deliverables.map((d) => [d.name, d.done, d.total, d.listed])).toEqual([
      ['Scripts', 1, 2, { done: 2, open: 0, unmarked: 0 }],
      ['Reference Materials', 2, 2, { done: 2, open: 0, unmarked: 0 }],
    ]);
  });
});

describe('parsePlan: Step | Title | Status | % | Completed, double-encoded emoji', () => {
  const { text, doc } = parseFixture('double-encoded.md');

  it('reads statuses through the mojibake', () => {
    expect(text).toContain('âœ… Complete'); // the fixture really is double-encoded
    expect(doc.steps.map((s) => [s.number, s.title, s.status, s.statusText, s.percent, s.completed])).toEqual([
      ['01', 'Start the stack', 'complete', '✅ Complete', 100, '2026-02-01'],
      ['02', 'Rehearse the demo – café edition', 'validated', '🟢 Validated', 100, '2026-02-02'],
      ['03', 'Record a backup', 'in-progress', '🟡 In Progress', 50, undefined],
      ['04', 'Print the checklist', 'blocked', '🔴 Blocked', 0, undefined],
    ]);
    expect(doc.stepTable.columns).toEqual({ step: 0, title: 1, status: 2, percent: 3, completed: 4 });
    expect(doc.warnings).toEqual([]);
  });

  it('records offsets into the original, still double-encoded, text', () => {
    expectOffsetsMatchSource(text, doc);
    expect(slice(text, doc.steps[0].cells.status)).toBe('âœ… Complete');
    expect(doc.steps.every((s) => s.points === undefined)).toBe(true);
  });

  it('repairs the headline and deliverables', () => {
    expect(doc.headline).toMatchObject({ overallStatus: '⚠️ At Risk', completion: { done: 2, total: 4 }, claimedScore: { value: 30, max: 50 }, target: 45 });
    const line = text.split('\n').findIndex((l) => l.startsWith('### Scripts')) + 1;
    expect(doc.deliverables).toEqual([{ name: 'Scripts', done: 1, total: 2, line, listed: { done: 1, open: 1, unmarked: 0 } }]);
  });
});

describe('parsePlan: Step | Title | Priority | Status | Completed, words only', () => {
  const { text, doc } = parseFixture('priority-words.md');

  it('reads word statuses and priorities', () => {
    expect(doc.steps.map((s) => [s.number, s.title, s.priority, s.status, s.completed])).toEqual([
      ['1', 'Provision hosts', 'P0', 'complete', '2026-03-01'],
      ['2', 'Wire dashboards', 'P1', 'in-progress', undefined],
      ['3', 'Write runbook', 'P1', 'not-started', undefined],
      ['4', 'Load test', 'P2', 'not-started', undefined],
      ['5', 'Legacy export', 'P3', 'skipped', undefined],
      ['6', 'Security review', 'P0', 'validated', '2026-03-02'],
      ['7', 'Vendor sign-off', 'P1', 'blocked', undefined],
      ['8', 'Announce', 'P2', 'complete', '2026-03-03'],
    ]);
    expect(doc.warnings).toEqual([]);
  });

  it('has no percent or points and no offsets for the missing column', () => {
    expect(doc.steps.every((s) => s.percent === undefined && s.points === undefined && s.cells.percent === undefined)).toBe(true);
    expectOffsetsMatchSource(text, doc);
    expect(doc.headline).toEqual({});
    expect(doc.breakdown).toBeUndefined();
  });
});

describe('parsePlan: columns in another order with extra columns', () => {
  const { text, doc } = parseFixture('reordered-columns.md');

  it('maps columns by header words and ignores the extra one', () => {
    expect(doc.stepTable.columns).toEqual({ step: 0, completed: 1, status: 2, percent: 4, title: 5, points: 6 });
    expect(doc.stepTable.headers).toEqual(['#', 'Completed', 'Status', 'Owner', 'Progress', 'Name', 'Points']);
    expect(doc.steps.map((s) => [s.number, s.title, s.status, s.percent, s.points, s.completed])).toEqual([
      ['01', 'Dry run', 'complete', 100, 20, '2026-04-01'],
      ['02', 'Backup video', 'complete', 100, 10, '2026-04-02'],
      ['03', 'Dress rehearsal', 'not-started', 0, 10, undefined],
    ]);
    expectOffsetsMatchSource(text, doc);
  });
});

describe('parsePlan: "#" and Status only, items without sections', () => {
  const { doc } = parseFixture('minimal.md');

  it('reads the steps and the loose breakdown items', () => {
    expect(doc.steps.map((s) => [s.number, s.title, s.status])).toEqual([
      ['1', 'Kick-off', 'complete'],
      ['2', 'Wrap-up', 'skipped'],
    ]);
    expect(doc.title).toBeUndefined();
    expect(doc.breakdown!.sections).toEqual([]);
    expect(doc.breakdown!.looseItems.map((i) => [i.name, i.earned, i.max])).toEqual([
      ['Setup', 8, 10],
      ['Wrap-up', 2, 10],
    ]);
  });
});

describe('parsePlan: cells it cannot read', () => {
  const { text, doc } = parseFixture('bad-cells.md');
  const lineOf = (prefix: string) => text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
  const warningsAt = (line: number) => doc.warnings.filter((w) => w.startsWith(`plans/bad-cells.md:${line}: `));

  it('still reads the readable rows', () => {
    expect(doc.steps.map((s) => [s.number, s.status, s.percent, s.points])).toEqual([
      ['01', 'complete', 100, 10],
      ['02', 'unknown', undefined, undefined],
      ['03', 'in-progress', 60, 5],
      ['04', 'blocked', undefined, 5],
    ]);
  });

  it('warns about the earlier Step table without a Status column', () => {
    expect(warningsAt(3)).toHaveLength(1);
    expect(warningsAt(3)[0]).toMatch(/"Step" column but no "Status" column.*add a "Status" column/);
  });

  it('warns about an unknown status, a non-number percent and points without a number', () => {
    const w = warningsAt(lineOf('| 02 Data'));
    expect(w).toHaveLength(3);
    expect(w[0]).toMatch(/step 02 has status "Almost there".*use Complete, In Progress, Not Started, Blocked, Skipped or Validated/);
    expect(w[1]).toMatch(/progress "about half".*not a number.*"50%"/);
    expect(w[2]).toMatch(/points "lots".*"15 pts"/);
    expect(warningsAt(lineOf('| 04 Extra'))).toEqual([expect.stringMatching(/progress "1O%"/)]);
  });

  it('warns when words and emoji disagree', () => {
    expect(warningsAt(lineOf('| 03 Polish'))).toEqual([expect.stringMatching(/"✅ In Progress".*in-progress.*complete.*follows the words/)]);
  });

  it('skips a row with an empty step cell, with a warning', () => {
    expect(warningsAt(lineOf('|  | ✅'))).toEqual([expect.stringMatching(/empty step cell.*skipped/)]);
  });

  it('has no offsets for a cell missing from a short row', () => {
    const s03 = doc.steps.find((s) => s.number === '03')!;
    expect(s03.cells.completed).toBeUndefined();
    expect(s03.completed).toBeUndefined();
    expect(slice(text, s03.cells.percent)).toBe('60%');
  });

  it('warns about a breakdown heading without a score', () => {
    expect(warningsAt(lineOf('### Quality'))).toEqual([expect.stringMatching(/"Quality".*has no score.*"Quality \(10\/15 points\)"/)]);
  });

  it('counts its warnings exactly', () => {
    expect(doc.warnings).toHaveLength(8);
  });
});

describe('parsePlan: inputs with no step table', () => {
  function errorOf(fn: () => unknown): PlanError {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(PlanError);
      return e as PlanError;
    }
    throw new Error('expected a PlanError');
  }

  it('throws for a document without a step table', () => {
    const e = errorOf(() => parsePlan(load('no-table.md'), 'plans/no-table.md'));
    expect(e.message).toBe('plans/no-table.md: no step table found — expected a markdown table with "Step" and "Status" columns.');
    expect(e.path).toBe('plans/no-table.md');
    expect(e.name).toBe('PlanError');
  });

  it('says which table lacks a Status column', () => {
    const e = errorOf(() => parsePlan(load('no-status-column.md'), 'plans/no-status-column.md'));
    expect(e.message).toBe(
      'plans/no-status-column.md: no step table found — expected a markdown table with "Step" and "Status" columns (the table at line 5 has a "Step" column but no "Status" column).',
    );
  });

  it('throws for an empty file', () => {
    expect(load('empty.md')).toBe('');
    const e = errorOf(() => parsePlan(load('empty.md'), 'plans/empty.md'));
    expect(e.message).toMatch(/^plans\/empty\.md: the file is empty/);
    expect(errorOf(() => parsePlan('  \n\n', 'plans/blank.md')).message).toMatch(/^plans\/blank\.md: the file is empty/);
  });
});

describe.skipIf(!existsSync(SEED))('parsePlan: the phase-4 seed document', () => {
  const text = existsSync(SEED) ? readFileSync(SEED, 'utf8') : '';
  const doc = existsSync(SEED) ? parsePlan(text, 'seeds/phase-4-STATUS.md') : (undefined as unknown as PlanDoc);
  const lines = text.split('\n');
  const lineStarting = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix)) + 1;

  it('reads the ten steps', () => {
    const row = (s: PlanStep) => [s.number, s.title, s.status, s.percent, s.points, s.bonus, s.completed];
    const done = (n: string, title: string, pts: number) => [n, title, 'complete', 100, pts, false, '2026-01-14'];
    const todo = (n: string, title: string, pts: number, bonus = false) => [n, title, 'not-started', 0, pts, bonus, undefined];
    expect(doc.steps.map(row)).toEqual([
      done('01', 'Infrastructure Startup', 15),
      done('02', 'Dry Run Validation', 20),
      done('03', 'Performance Benchmarking', 10),
      done('04', 'Quick Reference', 10),
      done('05', 'Resilience Demo', 15),
      done('06', 'Architecture Decisions', 5),
      todo('07', 'Backup Plans', 10),
      todo('08', 'Visual Enhancements', 0, true),
      todo('09', 'Dress Rehearsal', 10),
      todo('10', 'Demo Day Checklist', 5),
    ]);
    expect(doc.steps[0].statusText).toBe('✅ Complete');
    expect(doc.steps[6].statusText).toBe('⬜ Not Started');
    expect(doc.warnings).toEqual([]);
  });

  it('records lines and offsets that match the source', () => {
    for (const s of doc.steps) expect(s.line).toBe(lineStarting(`| ${s.number} `));
    expectOffsetsMatchSource(text, doc);
    expect(slice(text, doc.steps[0].cells.status)).toBe('âœ… Complete');
    expect(slice(text, doc.steps[9].cells.completed)).toBe('-');
  });

  it('reads the headline claims', () => {
    expect(doc.headline).toMatchObject({
      overallStatus: '🟢 Target Exceeded',
      completion: { done: 6, total: 10, line: lineStarting('**Completion**') },
      claimedScore: { value: 115, max: 100, line: lineStarting('**Current Score**') },
      target: 95,
      totalScore: { value: 115, max: 100, line: lineStarting('**Total Score') },
      snapshotDate: '2026-01-14 (Updated)',
    });
  });

  it('reads the current breakdown: sections 60 + 20 + 15 = 95, but a stated total of 115', () => {
    const b = doc.breakdown!;
    expect(b.line).toBe(lineStarting('## Current Score Breakdown'));
    expect(b.sections.map((s) => [s.name, s.earned, s.max, s.items.length])).toEqual([
      ['Execution Quality', 60, 60, 4],
      ['Content Depth', 20, 20, 3],
      ['Professionalism', 15, 20, 3],
    ]);
    expect(b.sections[2].items.map((i) => [i.name, i.earned, i.max])).toEqual([
      ['Confident Navigation', 10, 10],
      ['Polish', 5, 5],
      ['Backup Plans', 0, 5],
    ]);
    expect(b.sections[0].items[0]).toEqual({ name: 'Infrastructure Readiness', earned: 15, max: 15, line: lineStarting('#### Infrastructure Readiness (15/15') });
    expect(b.total).toEqual({ value: 115, max: 100, line: lineStarting('**Current Total') });
    expect(b.stated).toMatchObject({ value: 115, max: 100 });
  });

  it('reads the target breakdown separately: 58 + 20 + 17 = 95', () => {
    const t = doc.targetBreakdown!;
    expect(t.sections.map((s) => [s.name, s.earned, s.max])).toEqual([
      ['Execution Quality', 58, 60],
      ['Content Depth', 20, 20],
      ['Professionalism', 17, 20],
    ]);
    expect(t.sections[0].items.map((i) => i.earned)).toEqual([15, 19, 10, 14]);
    expect(t.total).toMatchObject({ value: 95, max: 100 });
  });

  it('reads quick status and deliverables', () => {
    const quick = Object.fromEntries(doc.quickStatus.filter((q) => q.done !== undefined).map((q) => [q.metric, `${q.done}/${q.total}`]));
    expect(quick).toEqual({ 'Steps Complete': '6/10', 'Scripts Created': '2/4', 'Reference Docs': '3/5' });
    expect(doc.quickStatus.find((q) => q.metric === 'Backup Plans')!.value).toBe('🔴 Not Created');
    expect(doc.deliverables.map((d) => [d.name, d.done, d.total, d.listed.done, d.listed.open])).toEqual([
      ['Scripts', 0, 4, 0, 4],
      ['Reference Materials', 0, 5, 0, 5],
      ['Backup Materials', 0, 3, 0, 3],
      ['Notebook Modifications', 0, 2, 0, 2],
    ]);
  });
});
