// Every key of the dashboard, in one place: the help overlay lists them all, the footer shows the
// ones with a hint.

export interface KeyHelp {
  key: string;
  action: string;
  /** Footer hint: the key as shown there, and one word. */
  hint?: [string, string];
}

export const KEYS: KeyHelp[] = [
  { key: 'q, Ctrl+C', action: 'quit', hint: ['q', 'quit'] },
  { key: '?', action: 'show or hide this help', hint: ['?', 'help'] },
  { key: 'Tab / Shift+Tab', action: 'focus the next / previous panel', hint: ['Tab', 'panel'] },
  { key: '↑ / ↓  (k / j)', action: 'select a service', hint: ['↑↓', 'select'] },
  { key: 'PgUp / PgDn', action: 'move the selection by a page' },
  { key: 'Enter', action: 'details of the selected service: image, ports, labels, health log, last 20 log lines', hint: ['Enter', 'details'] },
  { key: 'Esc', action: 'back: close details, help or the filter', hint: ['Esc', 'back'] },
  { key: '/', action: 'filter services by name, service or state; Enter keeps it, Esc clears it', hint: ['/', 'filter'] },
  { key: 'c', action: 'checklist: plan steps, computed vs claimed score, discrepancies, readiness lights', hint: ['c', 'checklist'] },
  { key: 'Space', action: 'in the checklist: mark the selected step done / undone in the plan file' },
  { key: 'f', action: 'failure scenarios: a key arms one, Enter fires it (real faults through Docker), Esc cancels', hint: ['f', 'faults'] },
  { key: 'r / R', action: 'restore the latest active fault / all of them', hint: ['r', 'restore'] },
  { key: 'b', action: 'backup mode: replay a recording instead of the live platform (golden or latest healthy); b again: live', hint: ['b', 'backup'] },
  { key: 't', action: 'start / stop the demo timer (header, against the 12-minute target)', hint: ['t', 'timer'] },
  { key: 'n', action: 'mark the start of the next demo section (timer running)' },
  { key: 'Space', action: 'in a replay: pause / play' },
  { key: '← / →', action: 'in a replay: seek back / forward 10 s' },
  { key: '+ / -', action: 'in a replay: faster / slower (0.25× to 16×)' },
];

export const FOOTER_KEYS: [string, string][] = KEYS.flatMap((k) => (k.hint ? [k.hint] : []));
