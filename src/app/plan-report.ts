import type { PlanDoc } from '../sources/plans/parse.js';
import type { PlanScore } from '../model/plan-score.js';

// `k2mc plan`: a plan's steps, scores and discrepancies, for people (text) and for scripts (JSON).
//
// JSON shape (stable):
//   { path, steps: [{ number, title, status, points, completed }], claimedScore, computedScore,
//     breakdownScore, maxScore, target, band, stepsDone, stepsTotal, discrepancies: [string],
//     warnings: [string] }
// status is one of complete, in-progress, not-started, blocked, skipped, validated, unknown;
// points, completed, claimedScore ({value, max}), breakdownScore and target are null when absent.

export interface PlanJson {
  path: string;
  steps: { number: string; title: string; status: string; points: number | null; completed: string | null }[];
  claimedScore: { value: number; max: number } | null;
  computedScore: number;
  breakdownScore: number | null;
  maxScore: number;
  target: number | null;
  band: string;
  stepsDone: number;
  stepsTotal: number;
  discrepancies: string[];
  warnings: string[];
}

export function planJson(path: string, doc: PlanDoc, score: PlanScore): PlanJson {
  return {
    path,
    steps: doc.steps.map((s) => ({ number: s.number, title: s.title, status: s.status, points: s.points ?? null, completed: s.completed ?? null })),
    claimedScore: score.claimedScore ? { value: score.claimedScore.value, max: score.claimedScore.max } : null,
    computedScore: score.computedScore,
    breakdownScore: score.breakdownScore ?? null,
    maxScore: score.maxScore,
    target: doc.headline.target ?? null,
    band: score.band,
    stepsDone: score.stepsDone,
    stepsTotal: score.stepsTotal,
    discrepancies: score.discrepancies,
    warnings: doc.warnings,
  };
}

const WORD: Record<string, string> = {
  complete: '✓ complete',
  validated: '✓ validated',
  'in-progress': '◐ in progress',
  'not-started': '○ not started',
  blocked: '✕ blocked',
  skipped: '– skipped',
  unknown: '? unknown',
};

export function formatPlan(p: PlanJson): string {
  const out: string[] = [p.path, ''];
  const tw = Math.min(44, Math.max(5, ...p.steps.map((s) => s.title.length)));
  out.push(`${'step'.padEnd(5)} ${'title'.padEnd(tw)} ${'status'.padEnd(14)} ${'pts'.padStart(4)}  completed`);
  for (const s of p.steps) {
    out.push(`${s.number.padEnd(5)} ${s.title.slice(0, tw).padEnd(tw)} ${(WORD[s.status] ?? s.status).padEnd(14)} ${(s.points === null ? '–' : String(s.points)).padStart(4)}  ${s.completed ?? '–'}`);
  }
  out.push('');
  out.push(`steps done      ${p.stepsDone}/${p.stepsTotal}`);
  out.push(`computed score  ${p.computedScore}/${p.maxScore} (${p.band})`);
  if (p.breakdownScore !== null) out.push(`breakdown adds  ${p.breakdownScore}/${p.maxScore}`);
  if (p.claimedScore) out.push(`claimed score   ${p.claimedScore.value}/${p.claimedScore.max}`);
  if (p.target !== null) out.push(`target          ${p.target}`);
  if (p.discrepancies.length) {
    out.push('', `discrepancies (${p.discrepancies.length}):`);
    for (const d of p.discrepancies) out.push(`  ! ${d}`);
  }
  if (p.warnings.length) {
    out.push('', `warnings (${p.warnings.length}):`);
    for (const w of p.warnings) out.push(`  - ${w}`);
  }
  return `${out.join('\n')}\n`;
}
