import { colorEnabled, type Color } from './theme.js';

/** A colour for Ink's `color` prop, or none when NO_COLOR asks for monochrome. */
export function paint(color: Color | undefined): Color | undefined {
  return colorEnabled ? color : undefined;
}
