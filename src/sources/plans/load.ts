import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parsePlan, PlanError, type PlanDoc } from './parse.js';
import { planFiles, type PlansLocation } from './location.js';
import { scorePlan, type PlanScore } from '../../model/plan-score.js';

// Reading the plan a presenter works from: the named file, else the first document of the plans
// directory that has a step table. Every problem ends as one sentence naming the file and what to
// do; nothing here throws.

/**
 * A plan is a markdown document of a few KB. Parsing takes about a second per hundred KB on a
 * small machine (and the dashboard parses on its own thread), so bigger files are refused at once.
 */
export const MAX_PLAN_BYTES = 1024 * 1024;

export interface PlanState {
  dir: string;
  from: string;
  /** The document shown. */
  path?: string;
  /** Its text as read, for edits that must not overwrite a newer version. */
  text?: string;
  doc?: PlanDoc;
  score?: PlanScore;
  /** Why there is no plan to show. */
  error?: string;
  /** The other markdown files of the directory. */
  others: string[];
  at: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A plan file's text, or a sentence saying why it cannot be read. */
export function readPlanText(path: string): { text: string } | { error: string } {
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { error: `${path} is a directory, not a plan document` };
    if (st.size > MAX_PLAN_BYTES) {
      const mb = st.size / 2 ** 20;
      return { error: `${path} is ${mb < 10 ? mb.toFixed(1) : mb.toFixed(0)} MB; plan documents over ${MAX_PLAN_BYTES / 2 ** 20} MB are not read — is this the plan?` };
    }
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { error: `${path} not found` };
    if (code === 'EACCES' || code === 'EPERM') return { error: `${path} cannot be read (permission denied)` };
    return { error: `${path} cannot be read: ${(e as Error).message}` };
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return { error: `${path} is UTF-16 text; save it as UTF-8` };
  if (bytes.includes(0)) return { error: `${path} is a binary file, not a markdown plan` };
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { error: `${path} is not UTF-8 text; save it as UTF-8` };
  }
}

export function loadPlan(location: PlansLocation, file?: string, now = Date.now()): PlanState {
  const base = { dir: location.dir, from: location.from, others: [] as string[], at: now };
  let files: string[];
  try {
    files = planFiles(location.dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code ?? (e as Error).message})`;
    const fix = code === 'ENOTDIR' ? 'pass the directory of the plans with --plans DIR' : 'create it or pass --plans DIR';
    return { ...base, error: `plans directory ${location.dir} (${location.from}) ${why} — ${fix}` };
  }
  const candidates = file ? [file] : files;
  if (candidates.length === 0) return { ...base, error: `no plan documents (*.md) in ${location.dir} — add one with a step table, or pass --plans DIR` };
  let firstError: string | undefined;
  for (const name of candidates) {
    const path = name.startsWith('/') ? name : join(location.dir, name);
    const read = readPlanText(path);
    if ('error' in read) {
      firstError ??= read.error;
      continue;
    }
    try {
      const doc = parsePlan(read.text, path);
      return { ...base, path, text: read.text, doc, score: scorePlan(doc), others: files.filter((f) => f !== basename(path)) };
    } catch (e) {
      firstError ??= e instanceof PlanError ? e.message : `${path} could not be read as a plan: ${(e as Error).message}`;
    }
  }
  return { ...base, error: firstError, others: files };
}
