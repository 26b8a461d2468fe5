// Seeded randomness for the simulated platform: a small PRNG (mulberry32), normal deviates, and the
// mean-reverting noise (Ornstein–Uhlenbeck) that makes figures wander without drifting away.
// Every part of the world draws from its own stream, forked by name, so adding a service to the
// config does not change the noise of the others.

/** FNV-1a over the text: a stable 32-bit number for a name. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal deviate (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Waiting time of a Poisson process with this mean interval. */
  exponential(mean: number): number {
    return -Math.log(Math.max(1 - this.next(), 1e-12)) * mean;
  }

  /** The stream of one named part of the world: depends on the seed and the name only. */
  static named(seed: number, label: string): Rng {
    return new Rng(hashString(`${seed}:${label}`));
  }

  /** A Docker-like container id: 64 hex digits. */
  hexId(): string {
    let out = '';
    for (let i = 0; i < 8; i++) out += Math.floor(this.next() * 4294967296).toString(16).padStart(8, '0');
    return out;
  }
}

/**
 * One step of mean-reverting noise: pulled back towards `mean` at `theta` per second, shaken by
 * `sigma` per √second. Its spread settles at sigma / √(2·theta).
 */
export function ou(x: number, mean: number, theta: number, sigma: number, dtSec: number, rng: Rng): number {
  return x + theta * (mean - x) * dtSec + sigma * Math.sqrt(dtSec) * rng.normal();
}
