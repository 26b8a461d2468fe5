// Pure layout arithmetic: which arrangement fits the terminal, and how many lines each panel gets.
// The frame is one line shorter than the terminal: Ink repaints the whole screen on every frame
// once its output reaches the terminal's height, which would defeat line-level updates.

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;
export const WIDE_COLUMNS = 120;
export const HOST_WIDTH = 36;

export interface Layout {
  tooSmall: boolean;
  wide: boolean;
  width: number;
  height: number;
  /** Lines of the services box including its border. */
  servicesHeight: number;
  /** Lines of the host line in the narrow layout (the wide layout puts a box beside the services). */
  hostHeight: number;
  eventsHeight: number;
}

export function computeLayout(columns: number, rows: number, serviceCount: number): Layout {
  const width = columns;
  const height = rows - 1;
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const wide = columns >= WIDE_COLUMNS;
  const body = height - 2; // header + footer
  const minEvents = 3;
  // Narrow: the host figures become one line under the services.
  const hostHeight = wide ? 0 : 1;
  // Services get what they need (rows + table header + border), but leave the events some room.
  const wanted = serviceCount + 3;
  const eventsShare = Math.max(minEvents, Math.floor(body * 0.22));
  let servicesHeight = Math.max(5, Math.min(wanted, body - hostHeight - eventsShare));
  if (wide) servicesHeight = Math.max(servicesHeight, Math.min(body - minEvents, 11)); // room for the host box
  const eventsHeight = Math.max(minEvents, body - hostHeight - servicesHeight);
  return { tooSmall, wide, width, height, servicesHeight, hostHeight, eventsHeight };
}
