// What every I/O adapter looks like to the clock. A source is sampled on the clock; the
// scheduler never overlaps two samples of one source and gives each a deadline.

export interface Source<T> {
  /** Short name used in messages and the event log ("docker", "host", "probes"). */
  readonly name: string;
  /** Sample every N clock ticks (1 = every tick). */
  readonly everyTicks: number;
  /** Deadline for one sample; past it the sample is abandoned and the source is marked unreachable. */
  readonly timeoutMs: number;
  sample(signal: AbortSignal): Promise<T>;
  /** Release connections, streams and timers. */
  close?(): void;
}

/** The health of a source as the UI shows it. */
export type SourceStatus =
  | { state: 'connecting' }
  | { state: 'ok'; at: number }
  | { state: 'unreachable'; reason: string; since: number };

/** Error whose message is already a sentence for the presenter. */
export class SourceError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}
