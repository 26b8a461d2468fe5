import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import { toString } from 'mdast-util-to-string';
import type { Heading, List, Nodes, Paragraph, Root, RootContent, Table, TableCell, TableRow } from 'mdast';
import { repairMojibake } from './mojibake.js';

// Reads a demo-readiness plan (a markdown STATUS document) into a PlanDoc: the step table, the
// headline claims, the score breakdowns, the quick-status table and the deliverables. Structure
// comes from the markdown AST; regexes only ever look at one cell, heading or paragraph line.
// Text is repaired for double-encoded emoji before it is read; offsets always refer to the
// original text so that a cell can later be rewritten in place.

export type StepStatus = 'complete' | 'in-progress' | 'not-started' | 'blocked' | 'skipped' | 'validated' | 'unknown';

/** Where a table cell's content sits in the original text: text.slice(start, end). */
export interface CellOffsets {
  start: number;
  end: number;
}

export interface PlanStep {
  /** As written, e.g. "01". */
  number: string;
  title: string;
  status: StepStatus;
  /** The status cell as written (after emoji repair), e.g. "✅ Complete". */
  statusText: string;
  percent?: number;
  points?: number;
  /** The points cell says "bonus": they do not count towards the maximum. */
  bonus: boolean;
  /** The completion date as written; undefined for "-" or an empty cell. */
  completed?: string;
  priority?: string;
  /** 1-based source line of the row. */
  line: number;
  /** Content offsets of the editable cells; undefined when the column (or the cell) is absent. */
  cells: { status?: CellOffsets; percent?: CellOffsets; completed?: CellOffsets };
}

export type StepColumn = 'step' | 'status' | 'percent' | 'points' | 'completed' | 'title' | 'priority';

export interface StepTable {
  line: number;
  headers: string[];
  /** Column index of each recognised role; extra columns are ignored. */
  columns: Partial<Record<StepColumn, number>>;
}

/** A score as "value/max", with where it was written. */
export interface ScoreClaim {
  value: number;
  max: number;
  line: number;
}

export interface Count {
  done: number;
  total: number;
  line: number;
}

export interface PlanHeadline {
  /** "**Current Score**: 115/100 ..." */
  claimedScore?: ScoreClaim;
  /** "→ Target: 95+/100" */
  target?: number;
  /** "**Completion**: 6/10 steps (60%)" */
  completion?: Count;
  overallStatus?: string;
  snapshotDate?: string;
  currentStep?: string;
  /** "**Total Score: 115/100 points**" (usually just under the step table). */
  totalScore?: ScoreClaim;
}

/** An h4 under a breakdown section: "#### Infrastructure Readiness (15/15 points)". */
export interface ScoreItem {
  name: string;
  earned?: number;
  max?: number;
  line: number;
}

/** An h3 under a breakdown: "### Execution Quality (60/60 points)". */
export interface ScoreSection extends ScoreItem {
  items: ScoreItem[];
}

export interface ScoreBreakdown {
  heading: string;
  line: number;
  /** The score in the breakdown's own heading, e.g. "(115/100 - Steps 01-06 Complete)". */
  stated?: ScoreClaim;
  sections: ScoreSection[];
  /** Items written before any section heading. */
  looseItems: ScoreItem[];
  /** "**Current Total: 115/100 points**" / "**Target Total: 95/100 points**" */
  total?: ScoreClaim;
}

export interface QuickStatusRow {
  metric: string;
  value: string;
  /** Present when the value starts with "done/total". */
  done?: number;
  total?: number;
  line: number;
}

/** "### Scripts (0/4 complete)" and the list under it. */
export interface Deliverable {
  name: string;
  done: number;
  total: number;
  line: number;
  /** List items under the heading by their marker: ✅ / [x] done, ⬜ / [ ] open, otherwise unmarked. */
  listed: { done: number; open: number; unmarked: number };
}

export interface PlanDoc {
  path: string;
  title?: string;
  headline: PlanHeadline;
  stepTable: StepTable;
  steps: PlanStep[];
  breakdown?: ScoreBreakdown;
  targetBreakdown?: ScoreBreakdown;
  quickStatus: QuickStatusRow[];
  deliverables: Deliverable[];
  /** Things that could not be read, each naming file, line, the problem and the fix. */
  warnings: string[];
}

/** The document cannot be used as a plan at all. */
export class PlanError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

// ---------------------------------------------------------------- cell values

const STATUS_WORDS: [StepStatus, RegExp][] = [
  ['not-started', /\b(not\s+started|not\s+begun|not\s+complete[d]?|not\s+done|to\s*-?\s*do|pending)\b/gi],
  ['in-progress', /\b(in[\s-]+progress|wip|ongoing|underway)\b/gi],
  ['blocked', /\bblocked\b/gi],
  ['skipped', /\bskipped\b|\bskip\b|(?<![\w/])n\/a(?![\w/])/gi],
  ['validated', /\b(validated|verified)\b/gi],
  ['complete', /\b(complete[d]?|done|finished)\b/gi],
];

const STATUS_EMOJI: [StepStatus, RegExp][] = [
  ['complete', /✅|✔|☑/g],
  ['in-progress', /🟡/g],
  ['not-started', /⬜/g],
  ['blocked', /🔴/g],
  ['validated', /🟢/g],
  ['skipped', /⏭/g],
];

/** The status whose pattern matches earliest in the text (list order breaks ties). */
function earliest(text: string, patterns: [StepStatus, RegExp][]): StepStatus | undefined {
  let best: { status: StepStatus; at: number } | undefined;
  for (const [status, re] of patterns) {
    re.lastIndex = 0;
    const m = re.exec(text);
    if (m && (!best || m.index < best.at)) best = { status, at: m.index };
  }
  return best?.status;
}

export interface StatusReading {
  status: StepStatus;
  fromWords?: StepStatus;
  fromEmoji?: StepStatus;
  /** Words and emoji name different states (complete and validated count as agreeing). */
  conflict: boolean;
}

/**
 * Words win over emoji: "✅ In Progress" is in progress. The words are what a person edits
 * deliberately; an emoji left over from a copied row is the likelier mistake.
 */
export function readStatus(text: string): StatusReading {
  const fromWords = earliest(text, STATUS_WORDS);
  const fromEmoji = earliest(text, STATUS_EMOJI);
  const done = (s?: StepStatus) => s === 'complete' || s === 'validated';
  const conflict = !!fromWords && !!fromEmoji && fromWords !== fromEmoji && !(done(fromWords) && done(fromEmoji));
  return { status: fromWords ?? fromEmoji ?? 'unknown', fromWords, fromEmoji, conflict };
}

/** "-", "–", "—" or nothing: the cell deliberately has no value. */
function isBlank(text: string): boolean {
  return /^[-–—]*$/.test(text.trim());
}

/** "100%" → 100, "50" → 50, "-" → undefined; NaN when it is not a number. */
export function readPercent(text: string): number | undefined {
  if (isBlank(text)) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(text.trim());
  return m ? Number(m[1]) : NaN;
}

/** "15 pts" → 15, "0 pts (bonus)" → 0 + bonus, "-" → undefined; NaN points when no number. */
export function readPoints(text: string): { points?: number; bonus: boolean } {
  const bonus = /\bbonus\b/i.test(text);
  if (isBlank(text)) return { points: undefined, bonus };
  const m = /(\d+(?:\.\d+)?)/.exec(text);
  return { points: m ? Number(m[1]) : NaN, bonus };
}

/** "Step 07 - Backup Plans" / "01 Infrastructure Startup" / "03" → number and the rest. */
export function splitStepCell(text: string): { number: string; rest: string } {
  const m = /^(?:step\s*)?(\d+(?:\.\d+)*[a-z]?)(?!\w|\.\d)\s*[-–—:.)]?\s*(.*)$/i.exec(text.trim());
  return m ? { number: m[1], rest: m[2].trim() } : { number: text.trim(), rest: '' };
}

/** First "a/b" in a string. */
function fraction(text: string): { a: number; b: number } | undefined {
  const m = /(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)/.exec(text);
  return m ? { a: Number(m[1]), b: Number(m[2]) } : undefined;
}

// ---------------------------------------------------------------- AST helpers

/** Plain text of a node with emoji repaired and whitespace collapsed. */
function textOf(node: Nodes): string {
  return repairMojibake(toString(node)).replace(/\s+/g, ' ').trim();
}

function lineOf(node: { position?: { start: { line: number } } }): number {
  return node.position?.start.line ?? 0;
}

/** Offsets of a cell's content, without the pipes and padding around it. */
function cellOffsets(cell: TableCell, text: string): CellOffsets | undefined {
  const first = cell.children[0]?.position?.start.offset;
  const last = cell.children[cell.children.length - 1]?.position?.end.offset;
  if (first !== undefined && last !== undefined) return { start: first, end: last };
  const start = cell.position?.start.offset;
  if (start === undefined) return undefined;
  // Empty cell: point just past the leading pipe and padding, so an edit inserts there.
  let at = start;
  if (text[at] === '|') at++;
  while (text[at] === ' ' || text[at] === '\t') at++;
  return { start: at, end: at };
}

function headerTexts(table: Table): string[] {
  return (table.children[0]?.children ?? []).map((c) => textOf(c));
}

/** All tables in document order, including ones nested in lists or quotes. */
function tablesIn(node: Root | RootContent, out: Table[] = []): Table[] {
  if (node.type === 'table') out.push(node);
  else if ('children' in node) for (const child of node.children as RootContent[]) tablesIn(child, out);
  return out;
}

// ---------------------------------------------------------------- step table

/** Which role a header plays, by its words; undefined for an extra column. */
export function columnRole(header: string): StepColumn | undefined {
  const h = header.toLowerCase().trim();
  if (/^(step|steps|#|step\s*#|no\.?)$/.test(h)) return 'step';
  if (/\bstatus\b/.test(h)) return 'status';
  if (h.includes('%') || /\b(progress|percent|percentage)\b/.test(h)) return 'percent';
  if (/\b(score|points?|pts)\b/.test(h)) return 'points';
  if (/\b(completed|date|done|finished)\b/.test(h)) return 'completed';
  if (/\b(title|name|description|task)\b/.test(h)) return 'title';
  if (/\bpriority\b/.test(h)) return 'priority';
  return undefined;
}

function columnsOf(headers: string[]): Partial<Record<StepColumn, number>> {
  const columns: Partial<Record<StepColumn, number>> = {};
  headers.forEach((h, i) => {
    const role = columnRole(h);
    if (role && columns[role] === undefined) columns[role] = i;
  });
  return columns;
}

const STATUS_HELP = 'Complete, In Progress, Not Started, Blocked, Skipped or Validated (or ✅ 🟡 ⬜ 🔴 🟢)';

function readStepRow(row: TableRow, cols: Partial<Record<StepColumn, number>>, path: string, text: string, warn: (m: string) => void): PlanStep | undefined {
  const line = lineOf(row);
  const at = `${path}:${line}`;
  const cell = (role: StepColumn) => (cols[role] === undefined ? undefined : row.children[cols[role]!]);
  const value = (role: StepColumn) => {
    const c = cell(role);
    return c ? textOf(c) : undefined;
  };

  const stepText = value('step') ?? '';
  if (!stepText) {
    warn(`${at}: a step table row has an empty step cell, so it was skipped — write the step number (e.g. "07") in the first column.`);
    return undefined;
  }
  const { number, rest } = splitStepCell(stepText);
  const title = value('title') ?? rest;

  const statusCell = cell('status');
  const statusText = statusCell ? textOf(statusCell) : '';
  const reading = readStatus(statusText);
  if (!statusCell) warn(`${at}: step ${number} has no Status cell — add one (${STATUS_HELP}).`);
  else if (reading.status === 'unknown')
    warn(`${at}: step ${number} has status "${statusText}", which k2mc does not recognise — use ${STATUS_HELP}.`);
  else if (reading.conflict)
    warn(`${at}: step ${number} says "${statusText}": the words mean ${reading.fromWords} but the emoji means ${reading.fromEmoji}; k2mc follows the words — make them agree.`);

  const percentText = value('percent');
  let percent = percentText === undefined ? undefined : readPercent(percentText);
  if (Number.isNaN(percent)) {
    warn(`${at}: step ${number} has progress "${percentText}", which is not a number — write it like "50%".`);
    percent = undefined;
  }

  const pointsText = value('points');
  let { points, bonus } = pointsText === undefined ? { points: undefined, bonus: false } : readPoints(pointsText);
  if (Number.isNaN(points)) {
    warn(`${at}: step ${number} has points "${pointsText}" with no number in them — write them like "15 pts".`);
    points = undefined;
  }

  const completedText = value('completed');
  const priority = value('priority');
  const offsets = (role: StepColumn) => {
    const c = cell(role);
    return c ? cellOffsets(c, text) : undefined;
  };
  return {
    number,
    title,
    status: reading.status,
    statusText,
    percent,
    points,
    bonus,
    completed: completedText === undefined || isBlank(completedText) ? undefined : completedText,
    priority: priority || undefined,
    line,
    cells: { status: offsets('status'), percent: offsets('percent'), completed: offsets('completed') },
  };
}

/** The first table with a step and a status column; earlier step tables without status are warned about. */
function findStepTable(tables: Table[], path: string, warn: (m: string) => void): { table: Table; info: StepTable } {
  const statusless: number[] = [];
  const stepless: number[] = [];
  for (const table of tables) {
    const headers = headerTexts(table);
    const columns = columnsOf(headers);
    if (columns.step === undefined) {
      if (columns.status !== undefined) stepless.push(lineOf(table));
      continue;
    }
    if (columns.status === undefined) {
      statusless.push(lineOf(table));
      continue;
    }
    for (const line of statusless)
      warn(`${path}:${line}: this table has a "Step" column but no "Status" column, so it is not read as the step table — add a "Status" column if it should be.`);
    return { table, info: { line: lineOf(table), headers, columns } };
  }
  const hint = statusless.length
    ? ` (the table at line ${statusless[0]} has a "Step" column but no "Status" column)`
    : stepless.length
      ? ` (the table at line ${stepless[0]} has a "Status" column but no "Step" column: name its first column "Step")`
      : '';
  throw new PlanError(path, `${path}: no step table found — expected a markdown table with "Step" and "Status" columns${hint}.`);
}

// ---------------------------------------------------------------- headline, breakdown, deliverables

/** "Label: value" lines of a top-level paragraph ("**Completion**: 6/10" reads "Completion: 6/10"). */
function labelledLines(p: Paragraph): { label: string; value: string; line: number }[] {
  const lines = repairMojibake(toString(p)).split('\n');
  const out: { label: string; value: string; line: number }[] = [];
  lines.forEach((l, i) => {
    const m = /^\s*([A-Za-z][A-Za-z ]{0,40}?)\s*:\s*(.*)$/.exec(l);
    if (m) out.push({ label: m[1].toLowerCase(), value: m[2].trim(), line: lineOf(p) + i });
  });
  return out;
}

function claimFrom(value: string, line: number): ScoreClaim | undefined {
  const f = fraction(value);
  return f ? { value: f.a, max: f.b, line } : undefined;
}

function readHeadline(h: PlanHeadline, p: Paragraph): void {
  for (const { label, value, line } of labelledLines(p)) {
    if (label === 'current score' && !h.claimedScore) {
      h.claimedScore = claimFrom(value, line);
      const t = /\btarget\s*:\s*(\d+(?:\.\d+)?)/i.exec(value);
      if (t) h.target = Number(t[1]);
    } else if (label === 'total score' && !h.totalScore) h.totalScore = claimFrom(value, line);
    else if (label === 'completion' && !h.completion) {
      const f = fraction(value);
      if (f) h.completion = { done: f.a, total: f.b, line };
    } else if (label === 'overall status' && h.overallStatus === undefined) h.overallStatus = value;
    else if (label === 'snapshot date' && h.snapshotDate === undefined) h.snapshotDate = value;
    else if (label === 'current step' && h.currentStep === undefined) h.currentStep = value;
  }
}

/** "Execution Quality (60/60 points) - Steps 01-05 ✅" → name and earned/max. */
function scoreHeading(heading: Heading): ScoreItem {
  const text = textOf(heading);
  const name = text.replace(/\s*\(.*$/, '').trim();
  const m = /\(\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)/.exec(text);
  return { name, earned: m ? Number(m[1]) : undefined, max: m ? Number(m[2]) : undefined, line: lineOf(heading) };
}

/** Reads the breakdown starting at children[start] (its heading) up to the next heading as high. */
function readBreakdown(children: RootContent[], start: number, path: string, warn: (m: string) => void): ScoreBreakdown {
  const top = children[start] as Heading;
  const own = scoreHeading(top);
  const breakdown: ScoreBreakdown = {
    heading: textOf(top),
    line: own.line,
    stated: own.earned !== undefined ? { value: own.earned, max: own.max!, line: own.line } : undefined,
    sections: [],
    looseItems: [],
  };
  for (let i = start + 1; i < children.length; i++) {
    const node = children[i];
    if (node.type === 'heading') {
      if (node.depth <= top.depth) break;
      if (node.depth > top.depth + 2) continue;
      const item = scoreHeading(node);
      if (item.earned === undefined)
        warn(`${path}:${item.line}: "${item.name}" in "${breakdown.heading}" has no score — write it like "${item.name} (10/15 points)".`);
      if (node.depth === top.depth + 1) breakdown.sections.push({ ...item, items: [] });
      else (breakdown.sections[breakdown.sections.length - 1]?.items ?? breakdown.looseItems).push(item);
    } else if (node.type === 'paragraph' && !breakdown.total) {
      const m = /^(?:current\s+|target\s+)?total\s*:\s*(.*)$/i.exec(textOf(node));
      if (m) breakdown.total = claimFrom(m[1], lineOf(node));
    }
  }
  return breakdown;
}

const DELIVERABLE_HEADING = /^(.*?)\s*\(\s*(\d+)\s*\/\s*(\d+)\s+complete[d]?\s*\)/i;

/** Counts the top-level items of the lists between a heading and the next heading. */
function countListed(children: RootContent[], start: number): Deliverable['listed'] {
  const listed = { done: 0, open: 0, unmarked: 0 };
  for (let i = start + 1; i < children.length && children[i].type !== 'heading'; i++) {
    const node = children[i];
    if (node.type !== 'list') continue;
    for (const item of (node as List).children) {
      const t = textOf(item);
      if (item.checked === true || /^(✅|✔|☑)/.test(t)) listed.done++;
      else if (item.checked === false || /^(⬜|☐)/.test(t)) listed.open++;
      else listed.unmarked++;
    }
  }
  return listed;
}

function readQuickStatus(tables: Table[]): QuickStatusRow[] {
  const table = tables.find((t) => {
    const h = headerTexts(t).map((x) => x.toLowerCase());
    return h[0] === 'metric' && h.includes('value');
  });
  if (!table) return [];
  const valueAt = headerTexts(table).findIndex((x) => x.toLowerCase() === 'value');
  return table.children.slice(1).map((row) => {
    const value = row.children[valueAt] ? textOf(row.children[valueAt]) : '';
    // Only a leading "2/4" counts: "✅ Complete (63/63 tests)" is not a done/total.
    const m = /^[^\w\s]*\s*(\d+)\s*\/\s*(\d+)/u.exec(value);
    return {
      metric: row.children[0] ? textOf(row.children[0]) : '',
      value,
      done: m ? Number(m[1]) : undefined,
      total: m ? Number(m[2]) : undefined,
      line: lineOf(row),
    };
  });
}

// ---------------------------------------------------------------- entry point

const markdown = unified().use(remarkParse).use(remarkGfm);

export function parsePlan(text: string, path: string): PlanDoc {
  if (!text.trim())
    throw new PlanError(path, `${path}: the file is empty, so there is no step table — expected a markdown table with "Step" and "Status" columns.`);
  const root = markdown.parse(text) as Root;
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);

  const tables = tablesIn(root);
  const { table, info } = findStepTable(tables, path, warn);
  const steps = table.children
    .slice(1)
    .map((row) => readStepRow(row, info.columns, path, text, warn))
    .filter((s): s is PlanStep => s !== undefined);
  if (table.children.length <= 1) warn(`${path}:${info.line}: the step table has a header but no rows — add one row per step, e.g. "| 01 | Not Started |".`);

  const headline: PlanHeadline = {};
  let title: string | undefined;
  let breakdown: ScoreBreakdown | undefined;
  let targetBreakdown: ScoreBreakdown | undefined;
  const deliverables: Deliverable[] = [];
  let inBreakdownBelow = 0; // heading depth of the breakdown we are inside, 0 when outside

  root.children.forEach((node, i) => {
    if (node.type === 'heading') {
      if (inBreakdownBelow && node.depth <= inBreakdownBelow) inBreakdownBelow = 0;
      const t = textOf(node);
      if (node.depth === 1 && title === undefined) title = t;
      if (/\bscore breakdown\b/i.test(t)) {
        const isTarget = /^target\b/i.test(t);
        if (isTarget && !targetBreakdown) targetBreakdown = readBreakdown(root.children, i, path, warn);
        if (!isTarget && !breakdown) breakdown = readBreakdown(root.children, i, path, warn);
        inBreakdownBelow = node.depth;
      }
      const d = DELIVERABLE_HEADING.exec(t);
      if (d) deliverables.push({ name: d[1], done: Number(d[2]), total: Number(d[3]), line: lineOf(node), listed: countListed(root.children, i) });
    } else if (node.type === 'paragraph' && !inBreakdownBelow) readHeadline(headline, node);
  });

  return { path, title, headline, stepTable: info, steps, breakdown, targetBreakdown, quickStatus: readQuickStatus(tables), deliverables, warnings };
}
