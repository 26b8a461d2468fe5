import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import memoStringWidth, { NARROW_RANGES, narrowWidth } from '../../src/app/string-width-memo.js';

describe('string-width fast path', () => {
  it('every character of the fast set is one column wide for string-width too', () => {
    const wrong: string[] = [];
    for (const [lo, hi] of NARROW_RANGES) {
      for (let c = lo; c <= hi; c++) {
        const ch = String.fromCharCode(c);
        if (stringWidth(ch) !== 1) wrong.push(`U+${c.toString(16)}`);
        // Next to any other member of the set it still counts as one column.
        if (stringWidth(`a${ch}─`) !== 3) wrong.push(`a U+${c.toString(16)} ─`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with string-width on dashboard text, emoji, CJK, combining marks and escape codes', () => {
    const samples = [
      '',
      'plain ascii',
      '╭─ Services 12/12 up ──╮',
      '● ALL GO  ↑↓ select  – –',
      'CPU █████░░░░░ 48 %',
      '✅ Step 1 complete',
      'âœ… double-encoded',
      '⬜ not started',
      '日本語',
      'e\u0301',
      '\u001b[32mgreen\u001b[39m',
      '\u001b[1m\u001b[36m ↑↓\u001b[39m\u001b[22m select ✕ DOWN ⚠',
      '\u001b[38;5;208morange\u001b[0m',
      '\u001b]8;;http://x\u0007link\u001b]8;;\u0007',
      '\u001b[2Kcleared',
      '\u001b[',
      'tab\there',
      'soft\u00adhyphen',
      '\u25fd',
      '❤️',
      '👍🏽',
    ];
    for (const s of samples) expect(memoStringWidth(s), JSON.stringify(s)).toBe(stringWidth(s));
  });

  it('leaves anything outside the set to string-width', () => {
    expect(narrowWidth('box ─│ ok')).toBe(9);
    expect(narrowWidth('✅')).toBeUndefined();
    expect(narrowWidth('日')).toBeUndefined();
    expect(narrowWidth('\u001b[1mbold\u001b[22m')).toBe(4);
    expect(narrowWidth('\u001b[2K')).toBeUndefined();
    expect(narrowWidth('\u001b]8;;x\u0007')).toBeUndefined();
  });
});
