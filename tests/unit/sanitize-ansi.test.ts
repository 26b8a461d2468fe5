import { describe, expect, it } from 'vitest';
import inkSanitizeAnsi from '../../node_modules/ink/build/sanitize-ansi.js';
import sanitizeAnsi from '../../src/app/sanitize-ansi-fast.js';

// The fast path must give exactly what Ink's sanitizer gives, for text it keeps and text it cleans.
const CASES = [
  '',
  'plain text',
  'box ─│ ● – ✓ ümlaut 日本 ✅',
  '\x1b[31mred\x1b[39m and \x1b[1;38;2;255;0;0mbold rgb\x1b[22;39m',
  '\x1b[38:5:196mcolon params\x1b[m',
  '\x1b[0m',
  'move \x1b[2J clear \x1b[H home',
  'cursor \x1b[5A up',
  'link \x1b]8;;https://example.com\x07text\x1b]8;;\x07',
  'c1 csi \x9b31m and osc \x9d0;title\x9c',
  'lone c1 \x85 next line',
  'trailing escape \x1b',
  'escape then letter \x1bc reset',
  'private \x1b[?25l hide cursor',
  'intermediate \x1b[1 q',
  'sgr with letters \x1b[3xm',
  '\x1b[31m' + 'x'.repeat(5000) + '\x1b[39m',
];

describe('sanitizeAnsi (fast path)', () => {
  it.each(CASES.map((c) => [JSON.stringify(c).slice(0, 60), c]))('agrees with Ink for %s', (_, text) => {
    expect(sanitizeAnsi(text)).toBe(inkSanitizeAnsi(text));
  });

  it('returns text with only colour codes as the same string, and cleans cursor moves', () => {
    const coloured = '\x1b[32mok\x1b[39m';
    expect(sanitizeAnsi(coloured)).toBe(coloured);
    expect(sanitizeAnsi('a\x1b[2Jb')).toBe('ab');
  });
});
