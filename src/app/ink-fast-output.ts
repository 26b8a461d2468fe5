// A faster frame assembly for Ink's Output, with the same result.
//
// Ink turns every frame into text by placing each written line, character by character, into a
// grid of styled cells and then serializing every row, comparing the styles of each pair of
// neighbouring cells with fresh Sets (diffAnsiCodes) — for every cell of every frame, even where
// nothing changed. Its caches also live for one frame only. On the 160×45 dashboard that was
// ~30 ms of CPU per frame and most of the first frame's 450 ms.
//
// Here, (1) all frames share one cache of tokenized lines and character widths, (2) a row whose
// pieces (column + text after transforms) are the same as in an earlier frame reuses that row's
// text, (3) a row that must be built compares styles only where they change, and (4) a line made
// only of one-column characters and colour codes (all of the dashboard's text) is split into
// styled characters without the grapheme segmenter, its characters sharing one style list per
// run instead of a copy each (less garbage to collect), and (5) a row whose pieces are all such
// lines, side by side without overlap, is built run by run (a string per run of one style, not an
// object per character), the cell path kept for everything else. Frames with
// clipping (overflow="hidden") use Ink's own code. A unit test checks that both produce the same
// text. If Ink's internals ever change shape, nothing is patched and Ink works as shipped.
//
// Ink does not export its Output class; it is imported by path so that the bundle (and vitest)
// patch the very class Ink's renderer uses.
import Output from '../../node_modules/ink/build/output.js';
import { ansiCodesToString, diffAnsiCodes, reduceAnsiCodesIncremental, tokenize } from '@alcalzone/ansi-tokenize';
import { narrowWidth } from './string-width-memo.js';

type Code = Parameters<typeof ansiCodesToString>[0][number];

interface StyledChar {
  type: 'char';
  value: string;
  fullWidth: boolean;
  styles: Code[];
}

interface Caches {
  widths: Map<string, number>;
  blockWidths: Map<string, number>;
  styledChars: Map<string, StyledChar[]>;
  getStyledChars(line: string): StyledChar[];
  getStringWidth(text: string): number;
}

type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: ((line: string, index: number) => string)[] }
  | { type: 'clip'; clip: unknown }
  | { type: 'unclip' };

interface OutputLike {
  width: number;
  height: number;
  operations: Operation[];
  caches: Caches;
}

type OutputClass = { prototype: { get(this: OutputLike): { output: string; height: number } } } & (new (o: {
  width: number;
  height: number;
}) => Partial<OutputLike>);

// Each cached line holds an object per character; a few hundred lines cover every frame the
// dashboard shows, and a small heap keeps the garbage collector's pauses short.
const CACHE_LIMIT = 400;
const ROW_LIMIT = 500;
const EMPTY: Code[] = [];
const SPACE: StyledChar = { type: 'char', value: ' ', fullWidth: false, styles: EMPTY };

// The style arrays come from the shared cache and live as long as it does: their key is kept on
// the array itself, which is cheaper than a WeakMap lookup per cell.
const KEY = Symbol('k2mc.styleKey');
function styleKey(styles: Code[]): string {
  if (styles.length === 0) return '';
  const holder = styles as Code[] & { [KEY]?: string };
  let key = holder[KEY];
  if (key === undefined) {
    key = styles.map((c) => `${c.code}\u0000${c.endCode}`).join('\u0001');
    holder[KEY] = key;
  }
  return key;
}

// The codes that turn one style list into another depend only on the two lists' contents, and a
// dashboard has few distinct pairs: remember them.
const transitions = new Map<string, string>();
function transition(from: Code[], fromKey: string, to: Code[], toKey: string): string {
  const key = `${fromKey}\u0003${toKey}`;
  let codes = transitions.get(key);
  if (codes === undefined) {
    codes = ansiCodesToString(diffAnsiCodes(from, to));
    if (transitions.size > 2000) transitions.clear();
    transitions.set(key, codes);
  }
  return codes;
}

/** Ink's styledCharsToString, diffing styles only where the style actually changes. */
export function rowToString(chars: StyledChar[]): string {
  let ret = '';
  let prev: Code[] = EMPTY;
  let prevKey = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (i === 0) {
      ret += ansiCodesToString(ch.styles);
      prevKey = styleKey(ch.styles);
    } else if (ch.styles !== prev) {
      const key = styleKey(ch.styles);
      if (key !== prevKey) ret += transition(prev, prevKey, ch.styles, key);
      prevKey = key;
    }
    prev = ch.styles;
    ret += ch.value;
    if (i === chars.length - 1 && prevKey !== '') ret += transition(ch.styles, prevKey, EMPTY, '');
  }
  return ret;
}

// The colour codes of one SGR sequence (ESC [ … m), as Ink's tokenizer reads them.
const sgrTokens = new Map<string, Code[]>();
function sgrCodes(sequence: string): Code[] {
  let codes = sgrTokens.get(sequence);
  if (codes === undefined) {
    codes = tokenize(sequence).filter((t): t is Code & { type: 'ansi' } => t.type === 'ansi');
    if (sgrTokens.size > 500) sgrTokens.clear();
    sgrTokens.set(sequence, codes);
  }
  return codes;
}

/**
 * Ink's styledCharsFromTokens(tokenize(line)) for a line of one-column characters and SGR
 * sequences; undefined for anything else (wide or combining characters, other escapes), which
 * Ink's own code handles. Characters of a run share its style list; nothing mutates style lists.
 */
export function narrowStyledChars(line: string): StyledChar[] | undefined {
  if (narrowWidth(line) === undefined) return undefined;
  const out: StyledChar[] = [];
  let styles: Code[] = EMPTY;
  for (let i = 0; i < line.length; i++) {
    if (line.charCodeAt(i) === 0x1b) {
      const end = line.indexOf('m', i);
      styles = reduceAnsiCodesIncremental(styles, sgrCodes(line.slice(i, end + 1)));
      i = end;
      continue;
    }
    out.push({ type: 'char', value: line[i]!, fullWidth: false, styles });
  }
  return out;
}

/** A stretch of one-column characters under one style list, as narrowStyledChars would give them. */
interface Run {
  text: string;
  styles: Code[];
  key: string;
}

/**
 * A narrow line (see narrowStyledChars) as its runs of equally styled characters, neighbours with
 * the same style merged, and its width in columns; undefined for any other line. What rowToString
 * does character by character, buildRowFromRuns does run by run: one string per run instead of an
 * object per character.
 */
function narrowRuns(line: string): { runs: Run[]; width: number } | undefined {
  const width = narrowWidth(line);
  if (width === undefined) return undefined;
  const runs: Run[] = [];
  let styles: Code[] = EMPTY;
  let key = '';
  let from = 0;
  const close = (to: number) => {
    if (to <= from) return;
    const text = line.slice(from, to);
    const last = runs[runs.length - 1];
    if (last && last.key === key) last.text += text;
    else runs.push({ text, styles, key });
  };
  for (let i = 0; i < line.length; i++) {
    if (line.charCodeAt(i) !== 0x1b) continue;
    close(i);
    const end = line.indexOf('m', i);
    styles = reduceAnsiCodesIncremental(styles, sgrCodes(line.slice(i, end + 1)));
    key = styleKey(styles);
    i = end;
    from = end + 1;
  }
  close(line.length);
  return { runs, width };
}

/** Runs and width (columns) of each line seen lately; null: not a narrow line. */
const runCache = new Map<string, { runs: Run[]; width: number } | null>();

/** The row's text from its pieces' runs; undefined when a piece is not narrow, overlaps another or passes the edge (the cell path handles those). */
function buildRowFromRuns(row: [number, string][], width: number): string | undefined {
  let ordered = row;
  for (let i = 1; i < row.length; i++) {
    if (row[i]![0] < row[i - 1]![0]) {
      ordered = [...row].sort((a, b) => a[0] - b[0]);
      break;
    }
  }
  let ret = '';
  let prev: Code[] = EMPTY;
  let prevKey = '';
  let started = false;
  const emit = (text: string, styles: Code[], key: string) => {
    if (!started) {
      ret = ansiCodesToString(styles);
      prevKey = key;
      started = true;
    } else if (key !== prevKey) {
      ret += transition(prev, prevKey, styles, key);
      prevKey = key;
    }
    prev = styles;
    ret += text;
  };
  let col = 0;
  for (const [x, line] of ordered) {
    if (line === '') continue;
    let entry = runCache.get(line);
    if (entry === undefined) {
      entry = narrowRuns(line) ?? null;
      if (runCache.size > CACHE_LIMIT) runCache.clear();
      runCache.set(line, entry);
    }
    if (entry === null || x < col || x + entry.width > width) return undefined;
    if (x > col) emit(' '.repeat(x - col), EMPTY, '');
    for (const r of entry.runs) emit(r.text, r.styles, r.key);
    col = x + entry.width;
  }
  if (col < width) emit(' '.repeat(width - col), EMPTY, '');
  if (started && prevKey !== '') ret += transition(prev, prevKey, EMPTY, '');
  return ret.trimEnd();
}

function styledChars(caches: Caches, line: string): StyledChar[] {
  let chars = caches.styledChars.get(line);
  if (chars === undefined) {
    chars = narrowStyledChars(line);
    if (chars === undefined) return caches.getStyledChars(line);
    caches.styledChars.set(line, chars);
  }
  return chars;
}

let installed = false;
let originalGet: OutputClass['prototype']['get'] | undefined;

/** The frame text exactly as Ink would produce it, reusing rows that did not change. */
function fastGet(this: OutputLike, shared: Caches, rows: Map<string, string>): { output: string; height: number } {
  if (this.operations.some((op) => op.type !== 'write')) return originalGet!.call(this);
  if (shared.styledChars.size > CACHE_LIMIT || shared.widths.size > CACHE_LIMIT * 4 || shared.blockWidths.size > CACHE_LIMIT) {
    shared.styledChars.clear();
    shared.widths.clear();
    shared.blockWidths.clear();
  }
  if (rows.size > ROW_LIMIT) rows.clear();
  this.caches = shared;
  const { width, height } = this;
  // The pieces of each row, in write order: [x, text after transforms].
  const pieces: [number, string][][] = Array.from({ length: height }, () => []);
  for (const op of this.operations) {
    if (op.type !== 'write') continue;
    const lines = op.text.split('\n');
    for (let index = 0; index < lines.length; index++) {
      const y = op.y + index;
      if (y < 0 || y >= height) continue;
      let line = lines[index]!;
      for (const transform of op.transformers) line = transform(line, index);
      pieces[y]!.push([op.x, line]);
    }
  }
  const out: string[] = new Array(height);
  // Most rows are as they were in the frame before: compared piece by piece, without building a
  // key (a long string per row per frame). Others are looked up by key, else built.
  const before = last.width === width ? last : undefined;
  for (let y = 0; y < height; y++) {
    const row = pieces[y]!;
    const prev = before?.pieces[y];
    if (prev && samePieces(prev, row)) {
      out[y] = before.out[y]!;
      continue;
    }
    const key = `${width}\u0002${row.map(([x, text]) => `${x}\u0000${text}`).join('\u0001')}`;
    let text = rows.get(key);
    if (text === undefined) {
      text = buildRow(row, width, shared);
      rows.set(key, text);
    }
    out[y] = text;
  }
  last = { width, pieces, out };
  return { output: out.join('\n'), height };
}

/** The last frame's rows: a row's text depends only on the width and its pieces. */
let last: { width: number; pieces: [number, string][][]; out: string[] } = { width: -1, pieces: [], out: [] };

function samePieces(a: [number, string][], b: [number, string][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  return true;
}

function buildRow(row: [number, string][], width: number, caches: Caches): string {
  const fromRuns = buildRowFromRuns(row, width);
  if (fromRuns !== undefined) return fromRuns;
  const cells: (StyledChar | undefined)[] = new Array(width).fill(SPACE);
  for (const [x, line] of row) {
    let offsetX = x;
    for (const ch of styledChars(caches, line)) {
      cells[offsetX] = ch;
      const w = Math.max(1, caches.getStringWidth(ch.value));
      for (let k = 1; k < w; k++) cells[offsetX + k] = { type: 'char', value: '', fullWidth: false, styles: ch.styles };
      offsetX += w;
    }
  }
  return rowToString(cells.filter((c): c is StyledChar => c !== undefined)).trimEnd();
}

export function installFastInkOutput(): boolean {
  if (installed) return true;
  try {
    const Cls = Output as unknown as OutputClass;
    const probe = new Cls({ width: 1, height: 1 });
    const shared = probe.caches;
    if (
      !shared ||
      !(shared.widths instanceof Map) ||
      !(shared.styledChars instanceof Map) ||
      !(shared.blockWidths instanceof Map) ||
      typeof shared.getStyledChars !== 'function' ||
      !Array.isArray(probe.operations) ||
      typeof Cls.prototype.get !== 'function'
    ) {
      return false;
    }
    originalGet = Cls.prototype.get;
    const rows = new Map<string, string>();
    Cls.prototype.get = function (this: OutputLike) {
      return fastGet.call(this, shared, rows);
    };
    installed = true;
    return true;
  } catch {
    return false;
  }
}

/** For the equivalence test: Ink's own frame assembly. */
export function inkOriginalGet(): OutputClass['prototype']['get'] | undefined {
  return originalGet;
}
