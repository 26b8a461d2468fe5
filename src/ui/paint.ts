import chalk from 'chalk';
import { colorEnabled, type Color } from './theme.js';

/** A colour for Ink's `color` prop, or none when NO_COLOR asks for monochrome. */
export function paint(color: Color | undefined): Color | undefined {
  return colorEnabled ? color : undefined;
}

// A row drawn as one Ink text with its colours inside (rather than a text per column) is one
// node instead of ten in every frame's layout and output: the services and Kafka rows are drawn so.
// chalk is the library Ink colours its own texts with, so both agree on the terminal's colours.

/** `text` in `color` as one string (plain when NO_COLOR asks for monochrome). */
export function tint(color: Color | undefined, text: string): string {
  const c = paint(color);
  return c ? chalk[c](text) : text;
}

/** `text` in bold, as one string. */
export function strong(text: string): string {
  return chalk.bold(text);
}
