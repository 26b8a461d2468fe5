import type { RowStatus } from '../model/services.js';
import type { Health, Severity } from '../model/types.js';
import type { Level } from '../model/verdict.js';

// Colours and glyphs. Every state is also written as a word, so nothing depends on colour alone
// (NO_COLOR, monochrome projectors).

export type Color = 'green' | 'yellow' | 'red' | 'cyan' | 'gray' | 'white' | 'magenta' | 'blue';

export const STATUS_STYLE: Record<RowStatus, { glyph: string; color: Color }> = {
  running: { glyph: '●', color: 'green' },
  external: { glyph: '◆', color: 'cyan' },
  paused: { glyph: '‖', color: 'yellow' },
  restarting: { glyph: '↻', color: 'yellow' },
  created: { glyph: '◌', color: 'yellow' },
  removing: { glyph: '✕', color: 'yellow' },
  exited: { glyph: '■', color: 'red' },
  dead: { glyph: '✕', color: 'red' },
  missing: { glyph: '○', color: 'red' },
  unknown: { glyph: '?', color: 'gray' },
};

export const HEALTH_COLOR: Record<Health, Color> = {
  healthy: 'green',
  unhealthy: 'red',
  starting: 'yellow',
  none: 'gray',
};

export const LEVEL_STYLE: Record<Level, { color: Color; glyph: string; word: string }> = {
  green: { color: 'green', glyph: '●', word: 'ALL GO' },
  amber: { color: 'yellow', glyph: '▲', word: 'DEGRADED' },
  red: { color: 'red', glyph: '✕', word: 'DOWN' },
  unknown: { color: 'gray', glyph: '…', word: 'CONNECTING' },
};

export const SEVERITY_COLOR: Record<Severity, Color> = {
  info: 'white',
  ok: 'green',
  warn: 'yellow',
  error: 'red',
};

/** Whether colour is wanted at all (https://no-color.org). */
export const colorEnabled = !('NO_COLOR' in process.env) || process.env.NO_COLOR === '';

/** The header's mode label and the colour of its banner. */
export const MODE_STYLE = {
  live: { label: ' LIVE ', bg: 'green' },
  backup: { label: ' BACKUP ', bg: 'red' },
  replay: { label: ' REPLAY ', bg: 'magenta' },
  simulated: { label: ' SIMULATED ', bg: 'blue' },
} as const;
