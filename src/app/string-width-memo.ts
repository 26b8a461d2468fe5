// string-width with memory and a fast path. Ink measures the width of every text node of every
// frame, and for any text that is not plain ASCII (box drawing, ●, –) string-width segments it
// into graphemes and tests each against the RGI emoji regex: the largest CPU cost per frame, and
// on the first frame ~60 ms just to compile that regex and load the grapheme segmenter. The
// bundle (scripts/build.mjs) points Ink's imports of string-width here.
//
// Fast path: text made only of characters that are one column wide on their own and never join
// a neighbour into a wider grapheme (ASCII, Latin-1, punctuation, arrows, maths, box drawing,
// blocks, geometric shapes) is as wide as it is long. A unit test checks every character of this
// set against string-width itself; anything else (emoji, CJK, combining marks, escape codes)
// goes to string-width, memoized. The cache is bounded and simply cleared when full.
import stringWidth from 'string-width';

const LIMIT = 2000;
const cache = new Map<string, number>();

type Options = Parameters<typeof stringWidth>[1];

/** Inclusive UTF-16 ranges of characters one column wide that combine with nothing. */
export const NARROW_RANGES: readonly [number, number][] = [
  [0x20, 0x7e],
  [0xa0, 0xac], // U+00AD (soft hyphen) is zero-width
  [0xae, 0xff],
  [0x2010, 0x2027],
  [0x2030, 0x205e],
  [0x2190, 0x22ff],
  [0x2500, 0x25fc], // U+25FD and U+25FE are emoji, two columns
  [0x25ff, 0x25ff],
  [0x2600, 0x2613], // ☀ … (U+2614 and U+2615 are emoji)
  [0x2694, 0x26a0], // ⚠
  [0x270c, 0x2727], // ✓ ✔ ✕ ✗ ✘ ✱
];

const NARROW_CLASS = NARROW_RANGES.map(([lo, hi]) => `\\u${lo.toString(16).padStart(4, '0')}-\\u${hi.toString(16).padStart(4, '0')}`).join('');
/** Only characters of NARROW_RANGES. A regular expression runs as native code, where a loop over
 * the characters would run in V8's interpreter (k2mc runs without the optimising compiler). */
const ALL_NARROW = new RegExp(`^[${NARROW_CLASS}]*$`);
const SGR = /\x1b\[[\d;]*m/g;

/**
 * The width when every character is in NARROW_RANGES, else undefined. SGR colour and style
 * sequences (ESC [ digits ; … m), which Ink's text carries, take no columns; any other escape
 * sequence goes to string-width.
 */
export function narrowWidth(text: string): number | undefined {
  const plain = text.includes('\x1b') ? text.replace(SGR, '') : text;
  return ALL_NARROW.test(plain) ? plain.length : undefined;
}

export default function memoStringWidth(text: string, options?: Options): number {
  if (options) return stringWidth(text, options);
  // Plain narrow text is measured by one regular expression; anything else (colour codes, whose
  // removal would allocate a copy every frame, and wide or unknown characters) is remembered.
  if (!text.includes('\x1b') && ALL_NARROW.test(text)) return text.length;
  let w = cache.get(text);
  if (w === undefined) {
    if (cache.size >= LIMIT) cache.clear();
    w = narrowWidth(text) ?? stringWidth(text);
    cache.set(text, w);
  }
  return w;
}
