// string-width with memory. Ink measures the width of every text node of every frame, and for any
// text that is not plain ASCII (box drawing, ●, –) string-width segments it into graphemes: that
// was the largest CPU cost left per frame. The bundle (scripts/build.mjs) points Ink's imports of
// string-width here. The cache is bounded and simply cleared when full.
import stringWidth from 'string-width';

const LIMIT = 8000;
const cache = new Map<string, number>();

type Options = Parameters<typeof stringWidth>[1];

export default function memoStringWidth(text: string, options?: Options): number {
  if (options) return stringWidth(text, options);
  let w = cache.get(text);
  if (w === undefined) {
    if (cache.size >= LIMIT) cache.clear();
    w = stringWidth(text);
    cache.set(text, w);
  }
  return w;
}
