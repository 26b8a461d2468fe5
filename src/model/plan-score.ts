import type { PlanDoc, PlanStep, ScoreBreakdown, ScoreClaim, ScoreItem } from '../sources/plans/parse.js';

// What a plan's score really is, next to what it claims. The document's own numbers are claims;
// k2mc recomputes them from the step table and the breakdown and lists every disagreement in plain
// words. A score over its maximum is a mistake to flag, never something to celebrate.

export type ScoreBand = 'Outstanding' | 'Excellent' | 'Good' | 'Acceptable' | 'Below target';

export interface PlanScore {
  /** The claimed maximum, else the breakdown sections' maxima, else 100. */
  maxScore: number;
  /** "Current Score", else "Total Score", else the breakdown's "Current Total". */
  claimedScore?: { value: number; max: number };
  /** Points of the steps that are complete or validated. */
  computedScore: number;
  /** Sum of the breakdown's sections (of its items when it has no sections). */
  breakdownScore?: number;
  breakdownMax?: number;
  /** Band of the computed score, as a share of maxScore. */
  band: ScoreBand;
  stepsDone: number;
  stepsTotal: number;
  discrepancies: string[];
}

export function isStepDone(step: PlanStep): boolean {
  return step.status === 'complete' || step.status === 'validated';
}

/** Thresholds are out of 100; other maxima are scaled first. */
export function scoreBand(score: number, max = 100): ScoreBand {
  const pct = max > 0 ? (score / max) * 100 : 0;
  if (pct >= 95) return 'Outstanding';
  if (pct >= 85) return 'Excellent';
  if (pct >= 75) return 'Good';
  if (pct >= 65) return 'Acceptable';
  return 'Below target';
}

const sum = (xs: (number | undefined)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);

/** Earned and max of a breakdown: its sections, or its items when it has no sections. */
function breakdownTotals(b: ScoreBreakdown | undefined): { earned: number; max: number } | undefined {
  if (!b) return undefined;
  const parts: ScoreItem[] = b.sections.length ? b.sections : b.looseItems;
  if (!parts.some((p) => p.earned !== undefined)) return undefined;
  return { earned: sum(parts.map((p) => p.earned)), max: sum(parts.map((p) => p.max)) };
}

/** Sections whose items disagree with the heading, and anything marked over its maximum. */
function breakdownProblems(b: ScoreBreakdown, prefix: string): string[] {
  const out: string[] = [];
  const overMax = (x: ScoreItem) => {
    if (x.earned !== undefined && x.max !== undefined && x.earned > x.max)
      out.push(`${prefix}${x.name} is marked ${x.earned}/${x.max}, over its maximum of ${x.max}`);
  };
  for (const section of b.sections) {
    overMax(section);
    const scored = section.items.filter((i) => i.earned !== undefined);
    if (section.earned !== undefined && scored.length) {
      const earned = sum(scored.map((i) => i.earned));
      const max = sum(scored.map((i) => i.max));
      if (earned !== section.earned || max !== section.max)
        out.push(`${prefix}${section.name} claims ${section.earned}/${section.max}; its items add up to ${earned}/${max}`);
    }
    section.items.forEach(overMax);
  }
  b.looseItems.forEach(overMax);
  return out;
}

function stepProblems(steps: PlanStep[]): string[] {
  const out: string[] = [];
  for (const s of steps) {
    const name = `step ${s.number}`;
    if (s.percent !== undefined && s.percent > 100) out.push(`${name} shows ${s.percent}%, more than 100%`);
    if (isStepDone(s) && s.percent !== undefined && s.percent < 100) out.push(`${name} is ${s.status} but shows ${s.percent}%`);
    if (s.status === 'not-started' && s.percent !== undefined && s.percent > 0) out.push(`${name} is not started but shows ${s.percent}%`);
    if ((s.status === 'not-started' || s.status === 'in-progress') && s.completed)
      out.push(`${name} is ${s.status === 'not-started' ? 'not started' : 'in progress'} but has a completion date (${s.completed})`);
  }
  return out;
}

/** Deliverable headings against their own lists and against the Quick Status table. */
function deliverableProblems(doc: PlanDoc): string[] {
  const out: string[] = [];
  // "Scripts" pairs with "Scripts Created", "Reference Materials" with "Reference Docs".
  const key = (name: string) => (name.toLowerCase().split(/\s+/)[0] ?? '').replace(/s$/, '');
  for (const d of doc.deliverables) {
    const { done, open, unmarked } = d.listed;
    const items = done + open + unmarked;
    if (done + open > 0 && done !== d.done) out.push(`${d.name} says ${d.done}/${d.total} complete; its list marks ${done} of ${items} done`);
    else if (items > 0 && items !== d.total) out.push(`${d.name} says ${d.done}/${d.total} complete; its list has ${items} items`);
    const quick = doc.quickStatus.find((q) => q.done !== undefined && key(q.metric) === key(d.name));
    if (quick && (quick.done !== d.done || quick.total !== d.total))
      out.push(`Deliverables lists ${d.done}/${d.total} ${d.name.toLowerCase()}, Quick Status lists ${quick.done}/${quick.total} ("${quick.metric}")`);
  }
  return out;
}

const fmt = (c: { value: number; max: number }) => `${c.value}/${c.max}`;

export function scorePlan(doc: PlanDoc): PlanScore {
  const { headline, steps } = doc;
  const claim: ScoreClaim | undefined = headline.claimedScore ?? headline.totalScore ?? doc.breakdown?.total;
  const bd = breakdownTotals(doc.breakdown);
  const maxScore = claim?.max ?? (bd && bd.max > 0 ? bd.max : 100);
  const done = steps.filter(isStepDone);
  const computedScore = sum(done.map((s) => s.points));
  const stepsDone = done.length;
  const stepsTotal = steps.length;
  const out: string[] = [];

  if (claim) {
    if (claim.value > claim.max) out.push(`claims ${fmt(claim)}, more than the maximum of ${claim.max}`);
    if (bd && bd.earned !== claim.value) out.push(`claims ${fmt(claim)}; its breakdown adds up to ${bd.earned}/${bd.max}`);
    if (bd && bd.max !== claim.max) out.push(`claims a maximum of ${claim.max}; its breakdown's sections have a maximum of ${bd.max}`);
    if (computedScore !== claim.value) out.push(`claims ${fmt(claim)}; the completed steps add up to ${computedScore}/${maxScore}`);
    // Other places that state the same total.
    const restated: [string, ScoreClaim | undefined][] = [
      ['the "Total Score" line', headline.totalScore],
      ['the "Current Total" line', doc.breakdown?.total],
      ['the breakdown heading', doc.breakdown?.stated],
    ];
    for (const [where, other] of restated)
      if (other && other !== claim && (other.value !== claim.value || other.max !== claim.max))
        out.push(`claims ${fmt(claim)}; ${where} says ${fmt(other)}`);
  }
  if (computedScore > maxScore) out.push(`the completed steps add up to ${computedScore}/${maxScore}, more than the maximum of ${maxScore}`);
  if (bd && bd.earned > bd.max) out.push(`its breakdown adds up to ${bd.earned}/${bd.max}, more than the maximum of ${bd.max}`);

  const c = headline.completion;
  if (c && (c.done !== stepsDone || c.total !== stepsTotal))
    out.push(`Completion says ${c.done}/${c.total}, the step table has ${stepsDone} complete of ${stepsTotal}`);
  const quickSteps = doc.quickStatus.find((q) => /^steps?\b/i.test(q.metric) && q.done !== undefined);
  if (quickSteps && (quickSteps.done !== stepsDone || quickSteps.total !== stepsTotal))
    out.push(`Quick Status says ${quickSteps.done}/${quickSteps.total} steps complete, the step table has ${stepsDone} complete of ${stepsTotal}`);

  out.push(...deliverableProblems(doc));
  if (doc.breakdown) out.push(...breakdownProblems(doc.breakdown, ''));
  if (doc.targetBreakdown) {
    out.push(...breakdownProblems(doc.targetBreakdown, 'Target breakdown: '));
    const tb = breakdownTotals(doc.targetBreakdown);
    const tt = doc.targetBreakdown.total;
    if (tb && tt && (tb.earned !== tt.value || tb.max !== tt.max))
      out.push(`Target breakdown: its total says ${fmt(tt)}; its sections add up to ${tb.earned}/${tb.max}`);
  }
  out.push(...stepProblems(steps));

  return {
    maxScore,
    claimedScore: claim ? { value: claim.value, max: claim.max } : undefined,
    computedScore,
    breakdownScore: bd?.earned,
    breakdownMax: bd?.max,
    band: scoreBand(computedScore, maxScore),
    stepsDone,
    stepsTotal,
    discrepancies: out,
  };
}
