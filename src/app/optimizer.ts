import { setFlagsFromString } from 'node:v8';

// V8's optimising compiler (TurboFan) is switched off at start (bin/k2mc.js): while k2mc idles,
// compiling the functions that slowly turn hot costs more than it saves (12 containers, no
// broker: 1.45 % of a core with it, 1.10 % without). Once k2mc is busy — a live broker makes a
// frame every second, and building a frame character by character is exactly what optimised code
// does several times faster — it pays for itself. So it is turned on, for good, as soon as k2mc's
// CPU over a window passes a threshold.

export const BUSY_WINDOW_MS = 30_000;
/** Percent of one core over the window. */
export const BUSY_CPU_PCT = 2.5;

export class OptimizerSwitch {
  private windowStart: number;
  private cpuStart: number;
  /** The first window holds the start-up (first frame, first samples): it decides nothing. */
  private warm = false;
  on: boolean;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly cpuMs: () => number = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    },
    private readonly turnOn: () => void = () => setFlagsFromString('--opt'),
    /** Off when bin/k2mc.js turned the compiler off (K2MC_TURBOFAN not set). */
    startsOff = process.env.K2MC_TURBOFAN === undefined,
  ) {
    this.on = !startsOff;
    this.windowStart = now();
    this.cpuStart = cpuMs();
  }

  /** Called on the clock's ticks; returns true when it has just turned the compiler on. */
  check(): boolean {
    if (this.on) return false;
    const t = this.now();
    if (t - this.windowStart < BUSY_WINDOW_MS) return false;
    const cpu = this.cpuMs();
    const pct = ((cpu - this.cpuStart) / (t - this.windowStart)) * 100;
    this.windowStart = t;
    this.cpuStart = cpu;
    if (!this.warm) {
      this.warm = true;
      return false;
    }
    if (pct < BUSY_CPU_PCT) return false;
    this.on = true;
    this.turnOn();
    return true;
  }
}
