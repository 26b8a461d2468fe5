// Ink's sanitizeAnsi with a fast path. Ink passes the text of every text node of every frame
// through it (squashTextNodes), and for text with colour codes — most of a dashboard — it
// tokenizes the whole string in JavaScript, character by character, only to return it unchanged:
// SGR sequences are what it keeps. Two native regular expressions decide the same thing: text with
// no C1 control character and no ESC other than the start of an SGR sequence (ESC [ digits : ; m)
// is returned as it is; anything else goes to Ink's own function. The bundle (scripts/build.mjs)
// points Ink's import here; a unit test checks both agree.
import inkSanitizeAnsi from '../../node_modules/ink/build/sanitize-ansi.js';

const C1 = /[\x80-\x9f]/;
const ESC_NOT_SGR = /\x1b(?!\[[\d:;]*m)/;

export default function sanitizeAnsi(text: string): string {
  if (!C1.test(text) && !ESC_NOT_SGR.test(text)) return text;
  return inkSanitizeAnsi(text);
}
