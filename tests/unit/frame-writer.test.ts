import { describe, expect, it } from 'vitest';
import { FrameWriter, cellAt, cellsOf, patchLine } from '../../src/app/frame-writer.js';

/** A tiny terminal: cursor moves, SGR state, erase to end of line, clear screen. */
class Screen {
  rows: { ch: string; style: string }[][] = [];
  private r = 0;
  private c = 0;
  private style = '';
  constructor(readonly width = 40) {}
  feed(data: string): void {
    let i = 0;
    while (i < data.length) {
      if (data[i] === '\x1b') {
        const m = /^\x1b\[([0-9;]*)([A-Za-z])/.exec(data.slice(i))!;
        const [all, params, op] = m;
        if (op === 'H') {
          const [row, col] = params!.split(';').map((x) => Number(x || 1));
          this.r = (row ?? 1) - 1;
          this.c = (col ?? 1) - 1;
        } else if (op === 'm') this.style = all === '\x1b[0m' || all === '\x1b[m' ? '' : this.style + all;
        else if (op === 'K') this.row().splice(this.c);
        else if (op === 'J') this.rows = [];
        i += all!.length;
        continue;
      }
      const ch = String.fromCodePoint(data.codePointAt(i)!);
      const row = this.row();
      while (row.length < this.c) row.push({ ch: ' ', style: '' });
      row[this.c] = { ch, style: this.style };
      this.c++;
      i += ch.length;
    }
  }
  private row() {
    while (this.rows.length <= this.r) this.rows.push([]);
    return this.rows[this.r]!;
  }
  /** What row r shows: characters, with their styles, trailing blanks ignored. */
  line(r: number): string {
    const row = this.rows[r] ?? [];
    let end = row.length;
    while (end > 0 && row[end - 1]!.ch === ' ' && row[end - 1]!.style === '') end--;
    return row.slice(0, end).map((x) => `${x.style}${x.ch}`).join('');
  }
}

/** The same representation for a line as written: each visible char with its style. */
function expected(line: string): string {
  const c = cellsOf(line)!;
  const cells = Array.from({ length: c.length }, (_, i) => cellAt(line, c, i));
  let end = cells.length;
  while (end > 0 && cells[end - 1]!.ch === ' ' && cells[end - 1]!.style === '') end--;
  return cells.slice(0, end).map((x) => `${x.style}${x.ch}`).join('');
}

function writer() {
  const out: string[] = [];
  const w = new FrameWriter((d) => out.push(d), (fn) => fn());
  return { w, out };
}

describe('FrameWriter', () => {
  it('paints the first frame in full, addressing each line by row', () => {
    const { w, out } = writer();
    w.frame('a\nb\n');
    expect(out).toEqual(['\x1b[1;1Ha\x1b[0m\x1b[K\x1b[2;1Hb\x1b[0m\x1b[K']);
  });
  it('rewrites only the changed span of a changed line', () => {
    const { w, out } = writer();
    w.frame(' K2 MISSION CONTROL      14:02:11\nbody\nfoot');
    out.length = 0;
    w.frame(' K2 MISSION CONTROL      14:02:12\nbody\nfoot');
    expect(out).toEqual(['\x1b[1;33H\x1b[0m2\x1b[0m']);
  });
  it('writes nothing for an identical frame', () => {
    const { w, out } = writer();
    w.frame('x\ny');
    out.length = 0;
    w.frame('x\ny');
    expect(out).toEqual([]);
  });
  it('clears lines a shorter frame no longer uses', () => {
    const { w, out } = writer();
    w.frame('1\n2\n3');
    out.length = 0;
    w.frame('1');
    expect(out).toEqual(['\x1b[2;1H\x1b[0m\x1b[K\x1b[3;1H\x1b[0m\x1b[K']);
  });
  it('repaints everything after a reset (resize)', () => {
    const { w, out } = writer();
    w.frame('1\n2');
    w.reset();
    out.length = 0;
    w.frame('1\n2');
    expect(out.join('')).toContain('\x1b[1;1H1');
    expect(out.join('')).toContain('\x1b[2;1H2');
  });
  it('paints only the last of several frames in one turn', () => {
    const out: string[] = [];
    const queued: (() => void)[] = [];
    const w = new FrameWriter((d) => out.push(d), (fn) => queued.push(fn));
    w.frame('one');
    w.frame('two');
    expect(queued).toHaveLength(1);
    queued[0]!();
    expect(out).toEqual(['\x1b[1;1Htwo\x1b[0m\x1b[K']);
    expect(w.bytes).toBe(Buffer.byteLength(out[0]!));
  });
  it('rewrites a line whole when it holds a wide character', () => {
    expect(cellsOf('ok ✅')).toBeUndefined();
    expect(patchLine(3, 'ok ✅ 1', 'ok ✅ 2')).toBe('\x1b[3;1Hok ✅ 2\x1b[0m\x1b[K');
  });

  it('leaves the screen showing exactly the new frame, styles included (randomized)', () => {
    const words = ['running', 'paused', '●', '‖', '│', '─', '12.5%', '0.0%', 'healthy', '–', ' ', '  ', '200 3ms'];
    const colors = ['', '\x1b[32m', '\x1b[31m', '\x1b[1m', '\x1b[2m', '\x1b[33m\x1b[1m'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const line = () => {
      let s = '';
      const parts = 1 + rand(6);
      for (let k = 0; k < parts; k++) {
        const color = colors[rand(colors.length)]!;
        const word = words[rand(words.length)]!;
        s += color ? `${color}${word}\x1b[0m` : word;
      }
      return s;
    };
    const screen = new Screen();
    const w = new FrameWriter((d) => screen.feed(d), (fn) => fn());
    for (let frame = 0; frame < 300; frame++) {
      const count = 1 + rand(5);
      const lines = Array.from({ length: count }, line);
      w.frame(lines.join('\n'));
      for (let r = 0; r < 6; r++) expect(screen.line(r)).toBe(r < count ? expected(lines[r]!) : '');
    }
  });
});

describe('clip', () => {
  it('cuts a line wider than the terminal at the edge, keeping its colours, so it cannot wrap', async () => {
    const { clip } = await import('../../src/app/frame-writer.js');
    expect(clip('abcdef', 4)).toBe('abcd\x1b[0m');
    expect(clip('\x1b[31mab\x1b[39m─cd', 3)).toBe('\x1b[31mab\x1b[39m─\x1b[0m');
    expect(clip('abc', 4)).toBe('abc');
    // Lines that cannot be split into one-column cells are left as they are.
    expect(clip('日本語日本語', 4)).toBe('日本語日本語');
  });
});
