import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scoreBand, scorePlan } from '../../src/model/plan-score.js';
import { parsePlan } from '../../src/sources/plans/parse.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plans/', import.meta.url));
const SEED = fileURLToPath(new URL('../../../shared/seeds/phase-4-STATUS.md', import.meta.url));

const scoreFixture = (name: string) => scorePlan(parsePlan(readFileSync(FIXTURES + name, 'utf8'), `plans/${name}`));

type Row = [number: string, status: string, percent: string, points: string, completed: string];

/** A plan with a standard step table, plus any markdown before and after it. */
function plan(rows: Row[], { before = '', after = '' } = {}): string {
  const table = ['| Step | Status | % | Score Impact | Completed |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  return `# Test plan\n\n${before}\n\n${table}\n\n${after}\n`;
}
const score = (rows: Row[], extra: { before?: string; after?: string } = {}) => scorePlan(parsePlan(plan(rows, extra), 'plans/test.md'));

const done = (n: string, pts: number): Row => [n, '✅ Complete', '100%', `${pts} pts`, '2026-01-14'];
const todo = (n: string, pts: number): Row => [n, '⬜ Not Started', '0%', `${pts} pts`, '-'];

describe('scoreBand', () => {
  it('uses the thresholds 95 / 85 / 75 / 65', () => {
    const cases: [number, string][] = [
      [100, 'Outstanding'],
      [95, 'Outstanding'],
      [94.9, 'Excellent'],
      [85, 'Excellent'],
      [84, 'Good'],
      [75, 'Good'],
      [74, 'Acceptable'],
      [65, 'Acceptable'],
      [64, 'Below target'],
      [0, 'Below target'],
    ];
    for (const [s, band] of cases) expect(scoreBand(s), String(s)).toBe(band);
  });

  it('scales other maxima to 100 first', () => {
    expect(scoreBand(38, 40)).toBe('Outstanding'); // 95%
    expect(scoreBand(30, 40)).toBe('Good'); // 75%
    expect(scoreBand(5, 0)).toBe('Below target');
  });
});

describe.skipIf(!existsSync(SEED))('scorePlan: the phase-4 seed document', () => {
  const s = existsSync(SEED) ? scorePlan(parsePlan(readFileSync(SEED, 'utf8'), 'seeds/phase-4-STATUS.md')) : undefined!;

  it('recomputes the score from the step table: 15 + 20 + 10 + 10 + 15 + 5 = 75', () => {
    expect(s.computedScore).toBe(75);
    expect(s.stepsDone).toBe(6);
    expect(s.stepsTotal).toBe(10);
    expect(s.band).toBe('Good');
  });

  it('adds up the breakdown sections: 60 + 20 + 15 = 95 of 60 + 20 + 20 = 100', () => {
    expect(s.breakdownScore).toBe(95);
    expect(s.breakdownMax).toBe(100);
  });

  it('keeps the claim of 115/100 as a claim', () => {
    expect(s.claimedScore).toEqual({ value: 115, max: 100 });
    expect(s.maxScore).toBe(100);
  });

  it('lists every disagreement, and nothing else', () => {
    expect([...s.discrepancies].sort()).toEqual(
      [
        'claims 115/100, more than the maximum of 100',
        'claims 115/100; its breakdown adds up to 95/100',
        'claims 115/100; the completed steps add up to 75/100',
        'Deliverables lists 0/4 scripts, Quick Status lists 2/4 ("Scripts Created")',
        'Deliverables lists 0/5 reference materials, Quick Status lists 3/5 ("Reference Docs")',
      ].sort(),
    );
  });
});

describe('scorePlan: fixtures', () => {
  it('finds the problems in emoji-points.md', () => {
    const s = scoreFixture('emoji-points.md');
    // Steps 01 (complete, 15) and 02 (validated, 20) count; in progress, blocked, skipped do not.
    expect(s).toMatchObject({ computedScore: 35, claimedScore: { value: 55, max: 100 }, maxScore: 100, breakdownScore: 55, breakdownMax: 100 });
    expect(s).toMatchObject({ stepsDone: 2, stepsTotal: 6, band: 'Below target' });
    expect([...s.discrepancies].sort()).toEqual(
      [
        'claims 55/100; the completed steps add up to 35/100',
        'Completion says 7/10, the step table has 2 complete of 6',
        'Quick Status says 4/6 steps complete, the step table has 2 complete of 6',
        'Scripts says 1/2 complete; its list marks 2 of 2 done',
        'Professionalism claims 15/20; its items add up to 16/20',
        'Polish is marked 6/5, over its maximum of 5',
      ].sort(),
    );
  });

  it('finds nothing wrong with a consistent plan (reordered-columns.md)', () => {
    const s = scoreFixture('reordered-columns.md');
    expect(s).toEqual({
      maxScore: 40,
      claimedScore: { value: 30, max: 40 },
      computedScore: 30,
      breakdownScore: 30,
      breakdownMax: 40,
      band: 'Good',
      stepsDone: 2,
      stepsTotal: 3,
      discrepancies: [],
    });
  });

  it('takes the maximum from loose breakdown items when nothing is claimed (minimal.md)', () => {
    const s = scoreFixture('minimal.md');
    expect(s).toMatchObject({ maxScore: 20, breakdownScore: 10, breakdownMax: 20, computedScore: 0, stepsDone: 1, stepsTotal: 2, discrepancies: [] });
    expect(s.claimedScore).toBeUndefined();
  });

  it('scores a plan without a points column as 0 (double-encoded.md)', () => {
    const s = scoreFixture('double-encoded.md');
    expect(s).toMatchObject({ maxScore: 50, computedScore: 0, stepsDone: 2, stepsTotal: 4 });
    expect(s.discrepancies).toEqual(['claims 30/50; the completed steps add up to 0/50']);
  });
});

describe('scorePlan: built documents', () => {
  const sixOfTen = [done('01', 15), done('02', 20), done('03', 10), done('04', 10), done('05', 15), done('06', 5), todo('07', 10), todo('08', 0), todo('09', 10), todo('10', 5)];

  it('falls back to a maximum of 100 with no claim and no breakdown', () => {
    const s = score([done('01', 10), todo('02', 5)]);
    expect(s).toEqual({
      maxScore: 100,
      claimedScore: undefined,
      computedScore: 10,
      breakdownScore: undefined,
      breakdownMax: undefined,
      band: 'Below target',
      stepsDone: 1,
      stepsTotal: 2,
      discrepancies: [],
    });
  });

  it('counts validated steps and ignores in-progress, blocked and skipped ones', () => {
    const s = score([
      ['01', '🟢 Validated', '100%', '10 pts', '2026-01-01'],
      ['02', '🟡 In Progress', '50%', '20 pts', '-'],
      ['03', '🔴 Blocked', '0%', '30 pts', '-'],
      ['04', 'Skipped', '-', '40 pts', '-'],
      done('05', 5),
    ]);
    expect(s.computedScore).toBe(15);
    expect(s.stepsDone).toBe(2);
  });

  it('says nothing about Completion when it matches the table', () => {
    expect(score(sixOfTen, { before: '**Completion**: 6/10 steps (60%)' }).discrepancies).toEqual([]);
  });

  it('reports a Completion line that does not match the table', () => {
    expect(score(sixOfTen, { before: '**Completion**: 7/10 steps (70%)' }).discrepancies).toEqual(['Completion says 7/10, the step table has 6 complete of 10']);
    expect(score(sixOfTen, { before: '**Completion**: 6/9 steps' }).discrepancies).toEqual(['Completion says 6/9, the step table has 6 complete of 10']);
  });

  it('flags completed steps that add up to more than the claimed maximum', () => {
    const s = score([done('01', 60), done('02', 60)], { before: '**Current Score**: 100/100' });
    expect(s.computedScore).toBe(120);
    expect(s.band).toBe('Outstanding'); // the band is capped by the thresholds, the over-max is a discrepancy
    expect(s.discrepancies).toEqual([
      'claims 100/100; the completed steps add up to 120/100',
      'the completed steps add up to 120/100, more than the maximum of 100',
    ]);
  });

  it('reports a breakdown whose sections disagree with the claimed maximum or exceed their own', () => {
    const after = '## Current Score Breakdown\n\n### Quality (50/50 points)\n\n### Depth (45/40 points)';
    const s = score([done('01', 95)], { before: '**Current Score**: 95/100', after });
    expect(s).toMatchObject({ breakdownScore: 95, breakdownMax: 90, maxScore: 100 });
    expect(s.discrepancies).toEqual([
      "claims a maximum of 100; its breakdown's sections have a maximum of 90",
      'its breakdown adds up to 95/90, more than the maximum of 90',
      'Depth is marked 45/40, over its maximum of 40',
    ]);
  });

  it('takes the maximum from the breakdown when nothing is claimed', () => {
    const after = '## Current Score Breakdown\n\n### Quality (30/40 points)\n\n### Depth (10/10 points)';
    expect(score([done('01', 40)], { after })).toMatchObject({ maxScore: 50, breakdownScore: 40, breakdownMax: 50, band: 'Good', discrepancies: [] });
  });

  it('uses the Total Score line as the claim when there is no Current Score', () => {
    const s = score([done('01', 10)], { after: '**Total Score: 12/20 points**' });
    expect(s.claimedScore).toEqual({ value: 12, max: 20 });
    expect(s.maxScore).toBe(20);
    expect(s.discrepancies).toEqual(['claims 12/20; the completed steps add up to 10/20']);
  });

  it('reports lines that restate the total differently', () => {
    const after = '**Total Score: 90/100 points**\n\n## Current Score Breakdown (80/100)\n\n### Quality (70/100 points)\n\n**Current Total: 70/100 points**';
    const s = score([done('01', 70)], { before: '**Current Score**: 70/100', after });
    expect(s.discrepancies).toEqual(['claims 70/100; the "Total Score" line says 90/100', 'claims 70/100; the breakdown heading says 80/100']);
  });

  it('reports a target breakdown whose sections or items do not add up', () => {
    const after = [
      '## Target Score Breakdown (95/100)',
      '### Quality (58/60 points)',
      '#### Setup (15/15 points)',
      '#### Flow (40/45 points)',
      '### Depth (30/40 points)',
      '**Target Total: 95/100 points**',
    ].join('\n\n');
    expect(score([done('01', 10)], { after }).discrepancies).toEqual([
      'Target breakdown: Quality claims 58/60; its items add up to 55/60',
      'Target breakdown: its total says 95/100; its sections add up to 88/100',
    ]);
  });

  it('compares deliverable headings with their lists and with Quick Status', () => {
    const before = '| Metric | Value |\n|---|---|\n| Scripts Created | 2/4 |\n| Reference Docs | 1/1 |';
    const after = [
      '### Scripts (2/4 complete)',
      '- ✅ a.py\n- ⬜ b.py\n- ⬜ c.py\n- ⬜ d.py',
      '### Reference Materials (1/1 complete)',
      '- ✅ one.md\n- ✅ two.md',
    ].join('\n\n');
    expect(score([done('01', 10)], { before, after }).discrepancies).toEqual([
      'Scripts says 2/4 complete; its list marks 1 of 4 done',
      'Reference Materials says 1/1 complete; its list marks 2 of 2 done',
    ]);
  });

  it('reports a deliverable list longer than its heading says', () => {
    const after = '### Backup Materials (1/2 complete)\n\n- ✅ video\n- ⬜ notebook\n- ⬜ screenshots';
    expect(score([done('01', 10)], { after }).discrepancies).toEqual(['Backup Materials says 1/2 complete; its list has 3 items']);
  });

  it('reports step rows that contradict themselves', () => {
    const s = score([
      ['01', '✅ Complete', '50%', '10 pts', '2026-01-01'],
      ['02', '⬜ Not Started', '40%', '10 pts', '2026-01-02'],
      ['03', '🟡 In Progress', '120%', '10 pts', '-'],
    ]);
    expect(s.discrepancies).toEqual([
      'step 01 is complete but shows 50%',
      'step 02 is not started but shows 40%',
      'step 02 is not started but has a completion date (2026-01-02)',
      'step 03 shows 120%, more than 100%',
    ]);
  });
});
