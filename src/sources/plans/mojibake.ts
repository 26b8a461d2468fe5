// Repairs emoji that were double-encoded: UTF-8 bytes read back as Windows-1252, so ✅ (E2 9C 85)
// arrives as "âœ…" and 🟢 as "ðŸŸ¢". Two passes, both conservative:
//  1. the whole string: if every character maps back to a byte and the bytes are valid UTF-8 that
//     holds at least one emoji or symbol, the string was double-encoded as a whole ("âœ… cafÃ©"
//     becomes "✅ café");
//  2. otherwise sequence by sequence: a run that decodes to a symbol, punctuation, a space or an
//     emoji part is replaced; letters are never produced this way.
// Real text such as "café", "Ölçü", "–" or "✅" is therefore left alone.
//
// Windows-1252 has no character for bytes 81, 8D, 8F, 90 and 9D, and some tools drop them: the
// seed's ⚠️ (E2 9A A0 EF B8 8F) arrives as "âš\u00a0ï¸" without its 8F. A sequence one byte
// short is repaired only when exactly one emoji reading exists; "ðŸ“" (📁? 📍? 📝?) stays as is.

/** Windows-1252 characters for bytes 0x80–0x9F (the rest of 0xA0–0xFF is Latin-1). */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

const BYTE_OF = new Map<number, number>();
for (let b = 0x80; b <= 0xff; b++) BYTE_OF.set(b, b); // Latin-1, and C1 controls for the 5 undefined bytes
for (let i = 0; i < CP1252_HIGH.length; i++) BYTE_OF.set(CP1252_HIGH.charCodeAt(i), 0x80 + i);

const UNDEFINED_BYTES = [0x81, 0x8d, 0x8f, 0x90, 0x9d];

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Any UTF-8 lead byte (0xC2–0xF4) reads as one of Â..ô; text without one has nothing to repair. */
const MAY_HOLD_MOJIBAKE = /[\u00c2-\u00f4]/;

/** What a repaired sequence may decode to: symbols, punctuation, spaces and emoji glue. */
const SYMBOLIC = /^[\p{S}\p{P}\p{Zs}\p{Extended_Pictographic}\u200d\ufe0f\u20e3\u{e0020}-\u{e007f}]$/u;
const EMOJI = /^\p{Extended_Pictographic}$/u;
/** Zero-width joiner and emoji variation selector. */
const EMOJI_GLUE = /^[\u200d\ufe0f]$/;

/** How many continuation bytes follow a UTF-8 lead byte (0 when it is not a multi-byte lead). */
function continuationCount(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 1;
  if (lead >= 0xe0 && lead <= 0xef) return 2;
  if (lead >= 0xf0 && lead <= 0xf4) return 3;
  return 0;
}

function decodeStrict(bytes: number[]): string | undefined {
  try {
    return STRICT_UTF8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/** Pass 1: the whole string as bytes; undefined unless it decodes to text with an emoji or symbol. */
function repairWhole(text: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const b = c < 0x80 ? c : BYTE_OF.get(c);
    if (b === undefined) return undefined;
    bytes.push(b);
  }
  const decoded = decodeStrict(bytes);
  if (decoded === undefined) return undefined;
  for (const ch of decoded) if (ch.codePointAt(0)! >= 0x80 && SYMBOLIC.test(ch)) return decoded;
  return undefined;
}

interface Reading {
  text: string;
  /** Characters of the input it replaces. */
  length: number;
}

/**
 * Readings of a sequence one byte short: a lost undefined byte anywhere after the lead, or a
 * no-break space (A0) that became the plain space after it. Glue (ZWJ, U+FE0F) only counts where
 * it fits: after a repaired symbol or a keycap base such as "1".
 */
function shortReadings(bytes: number[], spaceFollows: boolean, glueFits: boolean): Reading[] {
  const found = new Map<string, Reading>();
  const tryBytes = (candidate: number[], length: number) => {
    const decoded = decodeStrict(candidate);
    if (decoded !== undefined && (EMOJI.test(decoded) || (glueFits && EMOJI_GLUE.test(decoded)))) found.set(decoded, { text: decoded, length });
  };
  for (const lost of UNDEFINED_BYTES)
    for (let at = 1; at <= bytes.length; at++) tryBytes([...bytes.slice(0, at), lost, ...bytes.slice(at)], bytes.length);
  if (spaceFollows) tryBytes([...bytes, 0xa0], bytes.length + 1);
  return [...found.values()];
}

/** Undo Windows-1252 double encoding of emoji and symbols in one string; other text is unchanged. */
export function repairMojibake(text: string): string {
  if (!MAY_HOLD_MOJIBAKE.test(text)) return text;
  const whole = repairWhole(text);
  if (whole !== undefined) return whole;

  let out = '';
  let i = 0;
  let lastRepairEnd = -1;
  while (i < text.length) {
    const lead = BYTE_OF.get(text.charCodeAt(i));
    const need = lead === undefined ? 0 : continuationCount(lead);
    let reading: Reading | undefined;
    if (lead !== undefined && need > 0) {
      const bytes = [lead];
      for (let k = 1; k <= need; k++) {
        const b = BYTE_OF.get(text.charCodeAt(i + k));
        if (b === undefined || b > 0xbf) break;
        bytes.push(b);
      }
      if (bytes.length === need + 1) {
        const decoded = decodeStrict(bytes);
        if (decoded !== undefined && SYMBOLIC.test(decoded)) reading = { text: decoded, length: bytes.length };
      } else if (bytes.length === need) {
        const glueFits = i === lastRepairEnd || /[0-9#*]/.test(text[i - 1] ?? '');
        const readings = shortReadings(bytes, text[i + need] === ' ', glueFits);
        if (readings.length === 1) reading = readings[0];
      }
    }
    if (reading) {
      out += reading.text;
      i += reading.length;
      lastRepairEnd = i;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}
