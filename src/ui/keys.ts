// Every key of the dashboard, in one place: the footer, the help overlay and the README read it.

export interface KeyHelp {
  key: string;
  action: string;
  /** Shown in the footer (short form) when set. */
  footer?: string;
}

export const KEYS: KeyHelp[] = [
  { key: 'q', action: 'quit', footer: 'quit' },
  { key: '?', action: 'show or hide this help', footer: 'help' },
  { key: 'Tab / Shift+Tab', action: 'focus the next / previous panel', footer: 'panel' },
  { key: '↑ / ↓  (k / j)', action: 'select a service', footer: 'select' },
  { key: 'PgUp / PgDn', action: 'move the selection by a page' },
  { key: 'Enter', action: 'details of the selected service: image, ports, labels, health log, last 20 log lines', footer: 'details' },
  { key: 'Esc', action: 'back: close details, help or the filter', footer: 'back' },
  { key: '/', action: 'filter services by name, service or state; Enter keeps it, Esc clears it', footer: 'filter' },
];

export const FOOTER_KEYS: [string, string][] = [
  ['q', 'quit'],
  ['?', 'help'],
  ['Tab', 'panel'],
  ['↑↓', 'select'],
  ['Enter', 'details'],
  ['Esc', 'back'],
  ['/', 'filter'],
];
