// The platform's degradation model (its circuit breaker), recomputed by k2mc from the lag it
// measures and the host's memory: five levels, entered at once when lag or memory crosses a
// level's trigger, left one level at a time when both are well below the current level's
// triggers and the cooldown has passed since the last change.

export const LEVELS = ['NORMAL', 'SOFT', 'GRACEFUL', 'AGGRESSIVE', 'CIRCUIT_BREAK'] as const;
export type LevelName = (typeof LEVELS)[number];
/** 0 = NORMAL … 4 = CIRCUIT_BREAK, as the platform's k2_degradation_level gauge. */
export type Level = 0 | 1 | 2 | 3 | 4;

export interface Thresholds {
  /** Lag (messages) that triggers level 1..4; index 0 is unused (NORMAL has no trigger). */
  lag: [0, number, number, number, number];
  /** Memory in percent that triggers level 1..4. */
  memoryPct: [0, number, number, number, number];
  /** Recovery needs lag below this fraction of the current level's lag trigger… */
  lagRecoveryFactor: number;
  /** …and memory below this fraction of its memory trigger. */
  memoryRecoveryFactor: number;
  /** …and this long since the last transition. Degrading has no cooldown. */
  cooldownMs: number;
}

/** The K2 platform's own figures (architecture note). */
export const K2_THRESHOLDS: Thresholds = {
  lag: [0, 100_000, 500_000, 1_000_000, 5_000_000],
  memoryPct: [0, 70, 80, 90, 95],
  lagRecoveryFactor: 0.5,
  memoryRecoveryFactor: 0.9,
  cooldownMs: 30_000,
};

export interface DegradationState {
  level: Level;
  /** Epoch ms of the last transition (or of the first evaluation). */
  since: number;
}

export interface DegradationInput {
  /** Consumer lag in messages; undefined when not measurable (broker unreachable). */
  lag?: number;
  /** Memory in use, percent; undefined when unknown (then only lag counts). */
  memoryPct?: number;
}

export interface DegradationStep {
  state: DegradationState;
  /** Set when the level changed in this step. */
  change?: { from: Level; to: Level; reason: string };
}

/**
 * One evaluation. Without a previous state the level starts at what the input triggers, since
 * `now`. Lag unknown: the state is kept as it is (nothing measured, nothing decided).
 * Degrading: jump straight to the highest level whose lag or memory trigger is reached
 * (value ≥ trigger), no cooldown. Recovering: only from a level above NORMAL, only when lag <
 * lagRecoveryFactor × the current level's lag trigger AND memory < memoryRecoveryFactor × its
 * memory trigger AND at least cooldownMs since the last transition; then one level down.
 * The reason names the figure, e.g. "lag 612,000 ≥ 500,000" or "memory 91 % ≥ 90 %" or
 * "lag 40,000 < 50,000 and memory 52 % < 63 % for 30 s".
 */
export function stepDegradation(prev: DegradationState | undefined, input: DegradationInput, now: number, t: Thresholds = K2_THRESHOLDS): DegradationStep {
  const { lag, memoryPct } = input;
  if (!prev) return { state: { level: triggered(input, t).level, since: now } };
  if (lag === undefined) return { state: prev };

  const hit = triggered(input, t);
  if (hit.level > prev.level) {
    return { state: { level: hit.level, since: now }, change: { from: prev.level, to: hit.level, reason: hit.reason } };
  }

  if (prev.level === 0 || now - prev.since < t.cooldownMs) return { state: prev };
  const lagBelow = t.lagRecoveryFactor * t.lag[prev.level];
  const memBelow = t.memoryRecoveryFactor * t.memoryPct[prev.level];
  if (lag >= lagBelow || (memoryPct !== undefined && memoryPct >= memBelow)) return { state: prev };

  const to = (prev.level - 1) as Level;
  const parts = [`lag ${num(lag)} < ${num(lagBelow)}`];
  if (memoryPct !== undefined) parts.push(`memory ${pct(memoryPct)} < ${pct(memBelow)}`);
  const reason = `${parts.join(' and ')} for ${num(t.cooldownMs / 1000)} s`;
  return { state: { level: to, since: now }, change: { from: prev.level, to, reason } };
}

const num = (n: number) => n.toLocaleString('en-US');
const pct = (n: number) => `${Math.round(n).toLocaleString('en-US')} %`;

/** The highest level the input's lag or memory reaches, and the figure that reaches it (lag on ties). */
function triggered(input: DegradationInput, t: Thresholds): { level: Level; reason: string } {
  let lagLevel = 0;
  let memLevel = 0;
  for (let i = 1; i <= 4; i++) {
    if (input.lag !== undefined && input.lag >= t.lag[i]) lagLevel = i;
    if (input.memoryPct !== undefined && input.memoryPct >= t.memoryPct[i]) memLevel = i;
  }
  if (lagLevel === 0 && memLevel === 0) return { level: 0, reason: '' };
  if (lagLevel >= memLevel) {
    return { level: lagLevel as Level, reason: `lag ${num(input.lag!)} ≥ ${num(t.lag[lagLevel])}` };
  }
  return { level: memLevel as Level, reason: `memory ${pct(input.memoryPct!)} ≥ ${pct(t.memoryPct[memLevel])}` };
}

export function levelName(level: Level): LevelName {
  return LEVELS[level];
}
