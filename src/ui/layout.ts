// Pure layout arithmetic: which arrangement fits the terminal, and how many lines each panel gets.
// The frame is one line shorter than the terminal: Ink repaints the whole screen on every frame
// once its output reaches the terminal's height, which would defeat line-level updates.

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;
export const WIDE_COLUMNS = 120;
export const HOST_WIDTH = 36;
/** The Kafka box at its smallest: border and two lines (the live topic and a group). */
export const KAFKA_MIN = 4;

export interface Layout {
  tooSmall: boolean;
  wide: boolean;
  width: number;
  height: number;
  /** Lines of the services box including its border. */
  servicesHeight: number;
  /** Lines of the host line in the narrow layout (the wide layout puts a box beside the services). */
  hostHeight: number;
  kafkaHeight: number;
  eventsHeight: number;
}

export function computeLayout(columns: number, rows: number, serviceCount: number, kafkaWants = KAFKA_MIN): Layout {
  const width = columns;
  const height = rows - 1;
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const wide = columns >= WIDE_COLUMNS;
  const body = height - 2; // header + footer
  // Narrow: the host figures become one line under the services.
  const hostHeight = wide ? 0 : 1;
  const eventsMin = Math.max(3, Math.floor(body * 0.18));
  // Services want their rows + table header + border (the wide layout's host box needs 11).
  const servicesWanted = wide ? Math.max(serviceCount + 3, 11) : serviceCount + 3;
  const kafkaWanted = Math.max(KAFKA_MIN, kafkaWants);
  const avail = Math.max(0, body - hostHeight - eventsMin);
  let servicesHeight: number;
  let kafkaHeight: number;
  if (servicesWanted + kafkaWanted <= avail) {
    servicesHeight = servicesWanted;
    kafkaHeight = kafkaWanted;
  } else {
    // Not enough room: Kafka gets about a third (at least its compact form), services the rest.
    kafkaHeight = Math.min(kafkaWanted, Math.max(KAFKA_MIN, Math.floor(avail * 0.35)));
    servicesHeight = Math.max(5, Math.min(servicesWanted, avail - kafkaHeight));
    if (wide) servicesHeight = Math.max(servicesHeight, Math.min(avail - kafkaHeight, 11));
  }
  const eventsHeight = Math.max(3, body - hostHeight - servicesHeight - kafkaHeight);
  return { tooSmall, wide, width, height, servicesHeight, hostHeight, kafkaHeight, eventsHeight };
}
