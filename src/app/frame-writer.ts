// Paints Ink's frames onto the alternate screen. Ink (in debug mode) hands us each complete frame;
// we keep what is on screen and rewrite only what changed, addressing each change by its absolute
// row and column. Nothing depends on where the cursor was left, so a frame can never drift or
// scroll. Within a changed line only the span from the first to the last changed cell is written
// (a clock's seconds, a CPU figure), so a steady dashboard costs a few hundred bytes a second.

const SGR = /\x1b\[[0-9;]*m/y;

/**
 * A line split into columns. Every character that passes `narrow` is one UTF-16 unit, so a column
 * is fully described by where its character sits in the line and which SGR sequences are in force
 * there: both packed into one small integer per column (one array per line, no string or object
 * per character: this runs for every changed line of every frame).
 */
export interface Cells {
  /** Columns. */
  readonly length: number;
  /** Per column: (index of its character in the line) << STYLE_BITS | index into `styles`. */
  readonly packed: number[];
  /** The distinct SGR states of the line, in order: everything since the line began or was reset. */
  readonly styles: string[];
}

const STYLE_BITS = 10;
const STYLE_MASK = (1 << STYLE_BITS) - 1;

/** The character and the SGR state of a column, for tests and the terminal emulator in them. */
export function cellAt(line: string, cells: Cells, i: number): { ch: string; style: string } {
  const v = cells.packed[i]!;
  return { ch: line[v >> STYLE_BITS]!, style: cells.styles[v & STYLE_MASK]! };
}

/**
 * Splits a line into columns, or returns undefined when a column might not be one cell wide
 * (wide or unknown characters, or escape sequences other than SGR): such lines are rewritten whole.
 */
export function cellsOf(line: string): Cells | undefined {
  const packed: number[] = [];
  const styles: string[] = [''];
  let style = '';
  let id = 0;
  let i = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 0x1b) {
      SGR.lastIndex = i;
      const m = SGR.exec(line);
      if (!m) return undefined;
      style = m[0] === '\x1b[0m' || m[0] === '\x1b[m' ? '' : style + m[0];
      i += m[0].length;
      // A new state for the columns that follow (a reset goes back to the first, plain one).
      if (style === '') id = 0;
      else if (styles[id] !== style) {
        id = styles.length;
        if (id > STYLE_MASK) return undefined;
        styles.push(style);
      }
      continue;
    }
    if (!narrow(c)) return undefined;
    packed.push((i << STYLE_BITS) | id);
    i++;
  }
  return { length: packed.length, packed, styles };
}

/** Characters known to take one column: ASCII, Latin, punctuation, arrows, box drawing, shapes (all one UTF-16 unit). */
function narrow(cp: number): boolean {
  if (cp < 0x20) return false;
  if (cp < 0x1100) return true;
  if (cp >= 0x2000 && cp <= 0x25ff) return true;
  return cp === 0x2713 || cp === 0x2715; // ✓ ✕
}

/**
 * The bytes that turn `prev` into `next` on screen row `row` (1-based): the changed span only when
 * both lines can be split into cells, else the whole line.
 */
export function patchLine(row: number, prev: string | undefined, next: string): string {
  return patchCells(row, prev, prev === undefined ? undefined : cellsOf(prev), next, cellsOf(next));
}

/** patchLine with both lines' cells already split (undefined: not splittable, or no line). */
function patchCells(row: number, prev: string | undefined, a: Cells | undefined, next: string, b: Cells | undefined): string {
  const whole = `\x1b[${row};1H${next}\x1b[0m\x1b[K`;
  if (prev === undefined || !a || !b) return whole;
  const pa = a.packed;
  const pb = b.packed;
  const same = (i: number) => {
    const va = pa[i]!;
    const vb = pb[i]!;
    return prev.charCodeAt(va >> STYLE_BITS) === next.charCodeAt(vb >> STYLE_BITS) && a.styles[va & STYLE_MASK] === b.styles[vb & STYLE_MASK];
  };
  const common = Math.min(a.length, b.length);
  let first = 0;
  while (first < common && same(first)) first++;
  if (first === b.length && first === a.length) return '';
  let out = `\x1b[${row};${first + 1}H\x1b[0m`;
  if (first < b.length) {
    // The end of the span: the last cell that differs, counting from the end of both lines.
    let lastB = b.length - 1;
    let lastA = a.length - 1;
    if (a.length === b.length) {
      while (lastB > first && same(lastB)) lastB--;
      lastA = lastB;
    }
    out += b.styles[pb[first]! & STYLE_MASK] + next.slice(pb[first]! >> STYLE_BITS, (pb[lastB]! >> STYLE_BITS) + 1) + '\x1b[0m';
    if (lastA > lastB) out += '\x1b[K';
  } else {
    out += '\x1b[K';
  }
  return whole.length <= out.length ? whole : out;
}

/** The line cut to `columns` cells (lines that cannot be split into cells are left alone). */
export function clip(line: string, columns: number): string {
  return clipCells(line, line.length <= columns ? undefined : cellsOf(line), columns)[0];
}

/** clip, given the line's cells; returns the line and its cells as they are after the cut. */
function clipCells(line: string, cells: Cells | undefined, columns: number): [string, Cells | undefined] {
  if (line.length <= columns || !cells || cells.length <= columns) return [line, cells];
  // The columns kept point at the same places in the cut line (it is a prefix of the line).
  const cut: Cells = { length: columns, packed: cells.packed.slice(0, columns), styles: cells.styles };
  return [`${line.slice(0, (cells.packed[columns - 1]! >> STYLE_BITS) + 1)}\x1b[0m`, cut];
}

export class FrameWriter {
  private painted: string[] = [];
  /** The lines behind `painted` as Ink produced them, before clipping. */
  private rawPainted: string[] = [];
  /** The cells of each painted line (undefined: not splittable). */
  private paintedCells: (Cells | undefined)[] = [];
  private pending: string | undefined;
  private scheduled = false;
  /** Bytes written since creation, for the benchmark and tests. */
  bytes = 0;
  /**
   * The terminal's width: a line wider than it would wrap onto the next row and spoil it (a
   * layout bug must not garble the screen), so such lines are cut at the edge.
   */
  columns = Infinity;

  constructor(
    private readonly write: (data: string) => void,
    private readonly schedule: (fn: () => void) => void = setImmediate,
  ) {}

  /** Accept a frame; several frames in one turn of the event loop are painted once. */
  frame(text: string): void {
    this.pending = text;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  flush(): void {
    if (this.pending === undefined) return;
    const raw = this.pending.replace(/\n$/, '').split('\n');
    this.pending = undefined;
    const out: string[] = [];
    const rows = Math.max(raw.length, this.painted.length);
    // Lines are compared as Ink produced them; only a changed line is split into cells (once: the
    // cells of what is painted are kept for the next frame), clipped and patched.
    const lines: string[] = new Array(raw.length);
    const cells: (Cells | undefined)[] = new Array(raw.length);
    for (let i = 0; i < rows; i++) {
      if (i < raw.length && raw[i] === this.rawPainted[i]) {
        lines[i] = this.painted[i]!;
        cells[i] = this.paintedCells[i];
        continue;
      }
      const prev = this.painted[i];
      if (i >= raw.length) {
        if (prev !== undefined) out.push(`\x1b[${i + 1};1H\x1b[0m\x1b[K`);
        continue;
      }
      const [next, nextCells] = clipCells(raw[i]!, cellsOf(raw[i]!), this.columns);
      lines[i] = next;
      cells[i] = nextCells;
      if (next !== prev) out.push(patchCells(i + 1, prev, this.paintedCells[i], next, nextCells));
    }
    this.painted = lines;
    this.paintedCells = cells;
    this.rawPainted = raw;
    const data = out.join('');
    if (data === '') return;
    this.bytes += Buffer.byteLength(data);
    this.write(data);
  }

  /** Forget the screen (after a resize or clear): the next frame is painted in full. */
  reset(): void {
    this.painted = [];
    this.paintedCells = [];
    this.rawPainted = [];
    const data = '\x1b[0m\x1b[H\x1b[2J';
    this.bytes += data.length;
    this.write(data);
  }
}
