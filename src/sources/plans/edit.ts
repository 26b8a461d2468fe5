import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { repairMojibake } from './mojibake.js';
import { parsePlan, PlanError, type CellOffsets, type PlanDoc, type PlanStep } from './parse.js';

// Marks one step of a plan file done or undone. toggledText rewrites only the step's status,
// percent and completed cells (by their offsets in the original text, from the end backwards, so
// every other byte stays as it was — line endings, padding, the rest of the row). togglePlanStep
// applies it to the file on disk: it refuses when the file changed since the caller read it,
// checks that the result reads back as intended, and replaces the file atomically (temporary file
// in the same directory, fsync, rename), keeping its mode.
//
// Wording: done → undone writes "Not Started", undone → done writes "Complete"; a cell that said
// "Done" becomes "Todo" and one that said "Todo"/"To do"/"Not done" becomes "Done", so tables
// written in that style stay consistent. A status phrase written all lowercase or all uppercase
// ("done", "COMPLETE") keeps its case; anything else ("WIP", "N/A") gets the canonical words.
// Emoji: ✅ / ⬜ are written only when the cell had an emoji, in the same encoding (real, or
// double-encoded as Windows-1252 mojibake like the rest of such a file) and at the same side of
// the words. Markdown emphasis wrapping the whole cell (**…**, _…_, `…`) is kept. An empty cell
// ("|  |") is written as "| value |": its padding is the only other thing that changes.

/** The edit could not be made; the file is unchanged. */
export class PlanEditError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'PlanEditError';
  }
}

/** The file changed on disk after it was read; it was not overwritten. */
export class PlanConflictError extends PlanEditError {
  constructor(path: string) {
    super(path, `${path} changed on disk since it was read; it was not overwritten — it will be reloaded, check the step and try again.`);
    this.name = 'PlanConflictError';
  }
}

export function isDone(status: PlanStep['status']): boolean {
  return status === 'complete' || status === 'validated';
}

// ---------------------------------------------------------------- encoding

/** Windows-1252 characters for bytes 0x80–0x9F; the 5 undefined bytes read as their C1 control. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** How a UTF-8 text looks after its bytes were read as Windows-1252: ✅ → "âœ…", ⬜ → "â¬œ". */
export function doubleEncode(text: string): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
  return out;
}

type EmojiStyle = 'real' | 'double' | 'none';

const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const PICTOGRAPHIC_ALL = /[\p{Extended_Pictographic}\u200d\ufe0f\u20e3]/gu;

// ---------------------------------------------------------------- cell values

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Markdown emphasis around the whole cell, kept when the content is replaced. */
function splitWrapper(raw: string): { open: string; inner: string; close: string } {
  const m = /^(\*\*|__|\*|_|~~|`)(.+)\1$/s.exec(raw);
  return m ? { open: m[1], inner: m[2], close: m[1] } : { open: '', inner: raw, close: '' };
}

/** A status written as a whole phrase, whose case a replacement copies ("WIP" or "N/A" are not). */
const STATUS_PHRASE = /^(complete[d]?|done|finished|validated|verified|not\s+started|not\s+done|to\s*-?\s*do|pending|in\s+progress|blocked|skipped)$/i;

/** `word` in the case style of `like` when that is a status phrase all lower or all upper case. */
function inCaseOf(word: string, like: string): string {
  if (!STATUS_PHRASE.test(like)) return word;
  if (like === like.toUpperCase()) return word.toUpperCase();
  if (like === like.toLowerCase()) return word.toLowerCase();
  return word;
}

function newStatusCell(raw: string, done: boolean): string {
  const { open, inner, close } = splitWrapper(raw);
  const repaired = repairMojibake(inner);
  const style: EmojiStyle = PICTOGRAPHIC.test(repaired) ? (repaired !== inner ? 'double' : 'real') : 'none';
  const words = repaired.replace(PICTOGRAPHIC_ALL, ' ').replace(/\s+/g, ' ').trim();

  let word: string;
  if (done) word = /^done$/i.test(words) ? inCaseOf('Todo', words) : inCaseOf('Not Started', words);
  else word = /^(to\s*-?\s*do|not\s+done)$/i.test(words) ? inCaseOf('Done', words) : inCaseOf('Complete', words);

  if (style === 'none') return open + word + close;
  const emoji = done ? '⬜' : '✅';
  const written = style === 'double' ? doubleEncode(emoji) : emoji;
  // The emoji goes on the side it was on: "Complete ✅" stays words-first.
  const emojiAt = repaired.search(PICTOGRAPHIC);
  const wordsAt = repaired.search(/[\p{L}\p{N}]/u);
  const trailing = wordsAt >= 0 && wordsAt < emojiAt;
  return open + (trailing ? `${word} ${written}` : `${written} ${word}`) + close;
}

function newPercentCell(raw: string, done: boolean): string {
  const { open, inner, close } = splitWrapper(raw);
  const value = done ? '0' : '100';
  const m = /^\d+(?:\.\d+)?(\s*)(%?)$/.exec(inner.trim());
  // "50" stays without a sign and "50 %" keeps its space; "-", empty or anything else gets "100%".
  const formatted = m ? `${value}${m[2] ? m[1] + m[2] : ''}` : `${value}%`;
  return open + formatted + close;
}

interface Replacement {
  at: CellOffsets;
  content: string;
}

/**
 * The document with only `step`'s status, percent and completed cells replaced: done (complete or
 * validated) becomes "Not Started" / 0% / "-", anything else becomes "Complete" / 100% / today.
 * Absent columns are left absent. Pure: throws PlanEditError when the step cannot be toggled.
 */
export function toggledText(text: string, step: PlanStep, today: string): string {
  const where = `step ${step.number}`;
  if (!DATE.test(today)) throw new PlanEditError('', `cannot mark ${where}: the date "${today}" is not written as YYYY-MM-DD.`);
  const { status, percent, completed } = step.cells;
  if (!status)
    throw new PlanEditError('', `cannot mark ${where}: its row has no Status cell — add one (e.g. "Not Started") and try again.`);
  const done = isDone(step.status);

  const edits: Replacement[] = [{ at: status, content: newStatusCell(text.slice(status.start, status.end), done) }];
  if (percent) edits.push({ at: percent, content: newPercentCell(text.slice(percent.start, percent.end), done) });
  if (completed) edits.push({ at: completed, content: done ? '-' : today });

  for (const { at } of edits)
    if (at.start < 0 || at.end < at.start || at.end > text.length)
      throw new PlanEditError('', `cannot mark ${where}: its cell offsets (${at.start}–${at.end}) do not fit this text — it was parsed from a different version; reload it.`);
  // From the end backwards, so the offsets of earlier cells stay valid.
  edits.sort((a, b) => b.at.start - a.at.start);
  for (let i = 1; i < edits.length; i++)
    if (edits[i].at.end > edits[i - 1].at.start) throw new PlanEditError('', `cannot mark ${where}: two of its cells overlap in the text.`);
  let out = text;
  for (const { at, content } of edits) {
    let { start, end } = at;
    let written = content;
    // An empty cell ("|  |") points past its padding; fill the gap between the pipes as "| x |".
    if (start === end) {
      let left = start;
      let right = end;
      while (left > 0 && (text[left - 1] === ' ' || text[left - 1] === '\t')) left--;
      while (text[right] === ' ' || text[right] === '\t') right++;
      if (text[left - 1] === '|' && text[right] === '|') [start, end, written] = [left, right, ` ${content} `];
    }
    out = out.slice(0, start) + written + out.slice(end);
  }
  return out;
}

// ---------------------------------------------------------------- the file on disk

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function readUtf8(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'ENOENT') throw new PlanEditError(path, `${path} no longer exists, so the step was not marked — it may have been moved or deleted.`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new PlanEditError(path, `${path} cannot be read: permission denied — give your user read access (chmod u+r "${path}").`);
    throw new PlanEditError(path, `${path} cannot be read (${reason(err)}), so the step was not marked.`);
  }
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new PlanEditError(path, `${path} is not valid UTF-8, so k2mc will not rewrite it — save it as UTF-8 and try again.`);
  }
}

/** The step by its number as written; "7" also finds "07" when exactly one step matches. */
function findStep(doc: PlanDoc, number: string, path: string): { step: PlanStep; index: number } {
  const wanted = number.trim().replace(/^step\s*/i, '');
  let hits = doc.steps.flatMap((step, index) => (step.number === wanted ? [{ step, index }] : []));
  if (!hits.length && /^\d+$/.test(wanted))
    hits = doc.steps.flatMap((step, index) => (/^\d+$/.test(step.number) && Number(step.number) === Number(wanted) ? [{ step, index }] : []));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1)
    throw new PlanEditError(path, `${path} has ${hits.length} rows for step ${number} (lines ${hits.map((h) => h.step.line).join(', ')}), so k2mc does not know which to mark — give each step its own number.`);
  const known = doc.steps.map((s) => s.number).join(', ') || 'none';
  throw new PlanEditError(path, `${path} has no step ${number} in its step table (steps: ${known}), so nothing was marked.`);
}

function permissionHelp(path: string, dir: string): string {
  return (
    `${path} cannot be rewritten: permission denied — k2mc writes a temporary file in ${dir} and renames it over the plan, ` +
    `so both the file and its directory must be writable by you (e.g. chmod u+w "${path}" "${dir}"). The file is unchanged.`
  );
}

/**
 * Marks step `stepNumber` of the plan at `path` done or undone, if the file still holds exactly
 * `expectedText`. Returns the new text and its parse. Throws PlanConflictError when the file
 * changed, PlanEditError for anything else; in both cases the file is left as it was.
 */
export async function togglePlanStep(path: string, expectedText: string, stepNumber: string, today: string): Promise<{ text: string; doc: PlanDoc }> {
  const current = await readUtf8(path);
  if (current !== expectedText) throw new PlanConflictError(path);

  let doc: PlanDoc;
  try {
    doc = parsePlan(current, path);
  } catch (err) {
    if (err instanceof PlanError) throw new PlanEditError(path, err.message);
    throw err;
  }
  const { step, index } = findStep(doc, stepNumber, path);
  let text: string;
  try {
    text = toggledText(current, step, today);
  } catch (err) {
    if (err instanceof PlanEditError) throw new PlanEditError(path, `${path}: ${err.message}`);
    throw err;
  }

  // The result must read back as the same table with only this step's state flipped.
  const wasDone = isDone(step.status);
  let next: PlanDoc;
  try {
    next = parsePlan(text, path);
  } catch (err) {
    throw new PlanEditError(path, `${path}: marking step ${step.number} would make the plan unreadable (${reason(err)}); the file was not changed.`);
  }
  const after = next.steps[index];
  const readsBack =
    next.steps.length === doc.steps.length &&
    after?.number === step.number &&
    isDone(after.status) === !wasDone &&
    next.steps.every((s, i) => i === index || s.status === doc.steps[i].status);
  if (!readsBack)
    throw new PlanEditError(
      path,
      `${path}: marking step ${step.number} ${wasDone ? 'not done' : 'done'} would not read back as intended (the step table would change in other ways); the file was not changed — edit it by hand.`,
    );

  await writeAtomically(path, text, expectedText);
  return { text, doc: next };
}

/** Writes `text` over `path` via a temporary file in the same directory, keeping the file's mode. */
async function writeAtomically(path: string, text: string, expectedText: string): Promise<void> {
  // Write through a symlink to the file it names instead of replacing the link with a file.
  let target: string;
  try {
    target = await realpath(path);
  } catch (err) {
    throw new PlanEditError(path, `${path} cannot be resolved (${reason(err)}), so the step was not marked.`);
  }
  const dir = dirname(target);
  const info = await stat(target).catch((err: unknown) => {
    throw new PlanEditError(path, `${path} cannot be examined (${reason(err)}), so the step was not marked.`);
  });
  // Respect a read-only file even though the rename would not need write access to it.
  try {
    await access(target, constants.W_OK);
  } catch {
    throw new PlanEditError(path, permissionHelp(path, dir));
  }

  const temp = join(dir, `.${basename(target)}.k2mc-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    const handle = await open(temp, 'wx', 0o600);
    created = true;
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(info.mode & 0o7777);
      if (process.getuid?.() === 0) await handle.chown(info.uid, info.gid).catch(() => undefined);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Narrow the window for a concurrent edit: look once more just before replacing the file.
    if ((await readUtf8(path).catch(() => undefined)) !== expectedText) throw new PlanConflictError(path);
    await rename(temp, target);
    created = false;
  } catch (err) {
    if (created) await unlink(temp).catch(() => undefined);
    if (err instanceof PlanEditError) throw err;
    const code = codeOf(err);
    if (code === 'EACCES' || code === 'EPERM') throw new PlanEditError(path, permissionHelp(path, dir));
    if (code === 'EROFS') throw new PlanEditError(path, `${path} is on a read-only file system, so the step cannot be marked; the file is unchanged.`);
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new PlanEditError(path, `${path} cannot be rewritten: the disk is full; free some space and try again. The file is unchanged.`);
    throw new PlanEditError(path, `${path} could not be rewritten (${reason(err)}); the file is unchanged.`);
  }
  // Make the rename itself durable; not every platform lets a directory be opened for this.
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* best effort */
  }
}
