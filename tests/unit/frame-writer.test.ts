import { describe, expect, it } from 'vitest';
import { FrameWriter } from '../../src/app/frame-writer.js';

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
  it('rewrites only the lines that changed', () => {
    const { w, out } = writer();
    w.frame('head 1\nbody\nfoot');
    out.length = 0;
    w.frame('head 2\nbody\nfoot');
    expect(out).toEqual(['\x1b[1;1Hhead 2\x1b[0m\x1b[K']);
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
});
