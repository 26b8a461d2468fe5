import type { Recording, RecordedSample } from './recording.js';
import type { ReplayState } from '../store/store.js';

// Plays a recording back: samples are handed over in their recorded order when the replay's
// position passes their time. The position moves with the clock's ticks times the speed; seeking
// back starts over from a little before the target, so the panels have their figures (rates need
// two samples) without replaying everything from the start.

export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16];
/** How much of the recording before a seek target is applied again (rates, trends, uptime). */
const WARM_MS = 30_000;

export interface ReplayOptions {
  /** Hands one recorded sample to the store. */
  apply(sample: RecordedSample): void;
  /** The store's recorded data is about to be played again from an earlier point: clear it. */
  reset(): void;
  /** Start over at the beginning when the end is reached (backup mode), else stop there. */
  loop: boolean;
  /** Where the loop (and the replay) starts, ms from the recording's start (default 0). */
  fromMs?: number;
}

export class ReplayPlayer {
  readonly startedAt: number;
  readonly durationMs: number;
  private readonly samples: RecordedSample[];
  private cursor = 0;
  positionMs: number;
  speed = 1;
  paused = false;
  loops = 0;
  /** Lines that parsed but were no sample of their source: skipped, counted with the bad lines. */
  private unusable = new Set<RecordedSample>();

  constructor(
    private readonly recording: Recording,
    readonly file: string,
    private readonly opts: ReplayOptions,
  ) {
    // Recorded in arrival order; a sample's time is when it was taken, so sort to be safe.
    this.samples = [...recording.samples].sort((a, b) => a.t - b.t);
    this.startedAt = recording.header.startedAt;
    const last = this.samples.at(-1)?.t ?? this.startedAt;
    this.durationMs = Math.max(0, last - this.startedAt);
    this.positionMs = Math.min(this.durationMs, Math.max(0, opts.fromMs ?? 0));
    this.jumpTo(this.positionMs);
  }

  /** The recorded time at the current position. */
  get now(): number {
    return this.startedAt + this.positionMs;
  }

  get skipped(): number {
    return this.recording.skipped + this.unusable.size;
  }

  state(): ReplayState {
    return { file: this.file, recordedAt: this.startedAt, positionMs: this.positionMs, durationMs: this.durationMs, speed: this.speed, paused: this.paused, skipped: this.skipped, loops: this.loops };
  }

  /** Move on by `realMs` of wall-clock time (times the speed), handing over what comes due. */
  advance(realMs: number): void {
    if (this.paused || realMs <= 0) return;
    const target = this.positionMs + realMs * this.speed;
    if (target >= this.durationMs) {
      this.playUntil(this.durationMs);
      if (this.opts.loop && this.durationMs > 0) {
        this.loops++;
        this.jumpTo(this.opts.fromMs ?? 0);
      } else {
        this.positionMs = this.durationMs;
        this.paused = true;
      }
      return;
    }
    this.playUntil(target);
  }

  seek(deltaMs: number): void {
    const target = Math.max(0, Math.min(this.durationMs, this.positionMs + deltaMs));
    if (target >= this.positionMs) this.playUntil(target);
    else this.jumpTo(target);
  }

  setSpeed(direction: 1 | -1): void {
    const i = SPEEDS.indexOf(this.speed);
    this.speed = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? SPEEDS.indexOf(1) : i) + direction))]!;
  }

  togglePause(): void {
    // At the end of a replay that does not loop, play starts over.
    if (this.paused && !this.opts.loop && this.positionMs >= this.durationMs) this.jumpTo(0);
    this.paused = !this.paused;
  }

  private playUntil(positionMs: number): void {
    const until = this.startedAt + positionMs;
    while (this.cursor < this.samples.length && this.samples[this.cursor]!.t <= until) {
      const sample = this.samples[this.cursor]!;
      // A line of the right form whose value is not what its source gives (a hand-edited or
      // foreign file) is skipped like a corrupt line: a replay on stage must not stop for it.
      try {
        this.opts.apply(sample);
      } catch {
        this.unusable.add(sample);
      }
      this.cursor++;
    }
    this.positionMs = positionMs;
  }

  /** Clear the store and play the WARM_MS before `positionMs` again, at once. */
  private jumpTo(positionMs: number): void {
    this.opts.reset();
    const from = this.startedAt + positionMs - WARM_MS;
    this.cursor = lowerBound(this.samples, from);
    this.playUntil(positionMs);
  }
}

function lowerBound(samples: RecordedSample[], t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
