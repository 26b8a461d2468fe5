import { describe, expect, it } from 'vitest';
import { levelName, stepDegradation, type Level, type Thresholds } from '../../src/model/degradation.js';

const T0 = Date.UTC(2026, 0, 14, 10);
const COOLDOWN = 30_000;

const at = (level: Level, since = T0) => ({ level, since });

describe('stepDegradation: entering levels', () => {
  // [level, lag trigger, memory trigger] — the K2 figures, written out rather than read back.
  const triggers: [Level, number, number][] = [
    [1, 100_000, 70],
    [2, 500_000, 80],
    [3, 1_000_000, 90],
    [4, 5_000_000, 95],
  ];

  for (const [level, lagTrigger, memTrigger] of triggers) {
    it(`enters ${levelName(level)} at lag exactly ${lagTrigger}, not one below`, () => {
      const from = (level - 1) as Level;
      const hit = stepDegradation(at(from), { lag: lagTrigger, memoryPct: 10 }, T0 + 1);
      expect(hit.state).toEqual({ level, since: T0 + 1 });
      expect(hit.change).toMatchObject({ from, to: level });
      const miss = stepDegradation(at(from), { lag: lagTrigger - 1, memoryPct: 10 }, T0 + 1);
      expect(miss.state.level).toBe(from);
      expect(miss.change).toBeUndefined();
    });

    it(`enters ${levelName(level)} at memory exactly ${memTrigger} %, not just below`, () => {
      const from = (level - 1) as Level;
      const hit = stepDegradation(at(from), { lag: 0, memoryPct: memTrigger }, T0 + 1);
      expect(hit.state).toEqual({ level, since: T0 + 1 });
      expect(hit.change).toMatchObject({ from, to: level });
      const miss = stepDegradation(at(from), { lag: 0, memoryPct: memTrigger - 0.01 }, T0 + 1);
      expect(miss.state.level).toBe(from);
      expect(miss.change).toBeUndefined();
    });
  }

  it('jumps several levels at once', () => {
    const s = stepDegradation(at(0), { lag: 1_200_000, memoryPct: 40 }, T0 + 5000);
    expect(s.state).toEqual({ level: 3, since: T0 + 5000 });
    expect(s.change).toEqual({ from: 0, to: 3, reason: 'lag 1,200,000 ≥ 1,000,000' });
    expect(stepDegradation(at(1), { lag: 0, memoryPct: 99 }, T0 + 5000).change).toEqual({
      from: 1,
      to: 4,
      reason: 'memory 99 % ≥ 95 %',
    });
  });

  it('degrades with no cooldown, even 1 ms after a transition', () => {
    const s1 = stepDegradation(at(1, T0), { lag: 600_000 }, T0 + 1);
    expect(s1.state).toEqual({ level: 2, since: T0 + 1 });
    const s2 = stepDegradation(s1.state, { lag: 1_000_000 }, T0 + 2);
    expect(s2.state).toEqual({ level: 3, since: T0 + 2 });
    expect(s2.change).toEqual({ from: 2, to: 3, reason: 'lag 1,000,000 ≥ 1,000,000' });
  });

  it('names the figure that gives the higher level, lag when both give the same', () => {
    // lag → SOFT, memory → AGGRESSIVE
    expect(stepDegradation(at(0), { lag: 150_000, memoryPct: 91 }, T0 + 1).change?.reason).toBe('memory 91 % ≥ 90 %');
    // lag → GRACEFUL, memory → SOFT
    expect(stepDegradation(at(0), { lag: 612_000, memoryPct: 75 }, T0 + 1).change?.reason).toBe('lag 612,000 ≥ 500,000');
    // both → GRACEFUL
    expect(stepDegradation(at(0), { lag: 612_000, memoryPct: 85 }, T0 + 1).change).toEqual({
      from: 0,
      to: 2,
      reason: 'lag 612,000 ≥ 500,000',
    });
  });

  it('rounds memory to whole percent in the reason', () => {
    expect(stepDegradation(at(0), { lag: 0, memoryPct: 90.6 }, T0 + 1).change?.reason).toBe('memory 91 % ≥ 90 %');
    expect(stepDegradation(at(0), { lag: 0, memoryPct: 80.2 }, T0 + 1).change?.reason).toBe('memory 80 % ≥ 80 %');
  });
});

describe('stepDegradation: staying and recovering', () => {
  it('keeps the level while lag is below the trigger but not below half of it (hysteresis)', () => {
    // GRACEFUL: lag trigger 500,000, recovery under 250,000
    const long = T0 + 10 * COOLDOWN;
    const keep = stepDegradation(at(2), { lag: 250_000, memoryPct: 10 }, long);
    expect(keep.state).toEqual(at(2));
    expect(keep.change).toBeUndefined();
    const leave = stepDegradation(at(2), { lag: 249_999, memoryPct: 10 }, long);
    expect(leave.state).toEqual({ level: 1, since: long });
  });

  it('keeps the level while memory is below the trigger but not below 0.9× of it', () => {
    // AGGRESSIVE: memory trigger 90 %, recovery under 81 %
    const long = T0 + 10 * COOLDOWN;
    expect(stepDegradation(at(3), { lag: 0, memoryPct: 81 }, long).state).toEqual(at(3));
    expect(stepDegradation(at(3), { lag: 0, memoryPct: 89 }, long).state).toEqual(at(3));
    const leave = stepDegradation(at(3), { lag: 0, memoryPct: 80.9 }, long);
    expect(leave.state).toEqual({ level: 2, since: long });
  });

  it('needs both lag and memory low to recover', () => {
    const long = T0 + 10 * COOLDOWN;
    expect(stepDegradation(at(1), { lag: 10, memoryPct: 65 }, long).state).toEqual(at(1)); // memory ≥ 63
    expect(stepDegradation(at(1), { lag: 60_000, memoryPct: 10 }, long).state).toEqual(at(1)); // lag ≥ 50,000
  });

  it('waits the cooldown since the last transition before recovering', () => {
    const calm = { lag: 40_000, memoryPct: 52 };
    const early = stepDegradation(at(1), calm, T0 + COOLDOWN - 1);
    expect(early.state).toEqual(at(1));
    expect(early.change).toBeUndefined();
    const onTime = stepDegradation(at(1), calm, T0 + COOLDOWN);
    expect(onTime.state).toEqual({ level: 0, since: T0 + COOLDOWN });
    expect(onTime.change).toEqual({ from: 1, to: 0, reason: 'lag 40,000 < 50,000 and memory 52 % < 63 % for 30 s' });
  });

  it('recovers one level per cooldown from CIRCUIT_BREAK down to NORMAL', () => {
    const calm = { lag: 0, memoryPct: 20 };
    let state = at(4);
    const seen: { now: number; level: Level; change?: { from: Level; to: Level } }[] = [];
    // Evaluate every 5 s for 3 minutes.
    for (let now = T0 + 5000; now <= T0 + 180_000; now += 5000) {
      const step = stepDegradation(state, calm, now);
      state = step.state;
      if (step.change) seen.push({ now, level: state.level, change: { from: step.change.from, to: step.change.to } });
      expect(state.since).toBe(seen.length ? seen[seen.length - 1].now : T0);
    }
    expect(seen).toEqual([
      { now: T0 + 30_000, level: 3, change: { from: 4, to: 3 } },
      { now: T0 + 60_000, level: 2, change: { from: 3, to: 2 } },
      { now: T0 + 90_000, level: 1, change: { from: 2, to: 1 } },
      { now: T0 + 120_000, level: 0, change: { from: 1, to: 0 } },
    ]);
    expect(state).toEqual({ level: 0, since: T0 + 120_000 });
  });

  it('uses the current level’s triggers for recovery reasons', () => {
    // CIRCUIT_BREAK: 0.5 × 5,000,000 and 0.9 × 95 % = 85.5 % (shown rounded)
    const s = stepDegradation(at(4), { lag: 2_000_000, memoryPct: 85.4 }, T0 + COOLDOWN);
    expect(s.change).toEqual({ from: 4, to: 3, reason: 'lag 2,000,000 < 2,500,000 and memory 85 % < 86 % for 30 s' });
  });

  it('stays NORMAL when nothing triggers, with no change and the same since', () => {
    const s = stepDegradation(at(0), { lag: 99_999, memoryPct: 69.9 }, T0 + 10 * COOLDOWN);
    expect(s.state).toEqual(at(0));
    expect(s.change).toBeUndefined();
  });
});

describe('stepDegradation: unknowns and first evaluation', () => {
  it('keeps the state as it is when lag is unknown, whatever memory says', () => {
    for (const memoryPct of [undefined, 10, 99]) {
      const s = stepDegradation(at(3), { memoryPct }, T0 + 10 * COOLDOWN);
      expect(s.state).toEqual(at(3));
      expect(s.change).toBeUndefined();
    }
    expect(stepDegradation(at(0), { memoryPct: 99 }, T0 + 1).state).toEqual(at(0));
  });

  it('starts at what the input triggers, since now, without a change', () => {
    expect(stepDegradation(undefined, { lag: 0, memoryPct: 10 }, T0)).toEqual({ state: { level: 0, since: T0 } });
    expect(stepDegradation(undefined, { lag: 700_000, memoryPct: 10 }, T0)).toEqual({ state: { level: 2, since: T0 } });
    expect(stepDegradation(undefined, { lag: 0, memoryPct: 96 }, T0)).toEqual({ state: { level: 4, since: T0 } });
    expect(stepDegradation(undefined, { lag: 0, memoryPct: 96 }, T0).change).toBeUndefined();
  });

  it('counts lag only when memory is unknown, and leaves memory out of the reasons', () => {
    const up = stepDegradation(at(0), { lag: 100_000 }, T0 + 1);
    expect(up.change).toEqual({ from: 0, to: 1, reason: 'lag 100,000 ≥ 100,000' });
    expect(stepDegradation(at(0), { lag: 99_999 }, T0 + 1).state).toEqual(at(0));
    const down = stepDegradation(at(1), { lag: 40_000 }, T0 + COOLDOWN);
    expect(down.change).toEqual({ from: 1, to: 0, reason: 'lag 40,000 < 50,000 for 30 s' });
  });
});

describe('stepDegradation: custom thresholds', () => {
  const t: Thresholds = {
    lag: [0, 10, 20, 30, 40],
    memoryPct: [0, 50, 60, 70, 80],
    lagRecoveryFactor: 0.25,
    memoryRecoveryFactor: 0.5,
    cooldownMs: 5_000,
  };

  it('uses the given triggers', () => {
    expect(stepDegradation(at(0), { lag: 29, memoryPct: 0 }, T0 + 1, t).state.level).toBe(2);
    expect(stepDegradation(at(0), { lag: 30, memoryPct: 0 }, T0 + 1, t).change).toEqual({ from: 0, to: 3, reason: 'lag 30 ≥ 30' });
    expect(stepDegradation(at(0), { lag: 0, memoryPct: 80 }, T0 + 1, t).change?.reason).toBe('memory 80 % ≥ 80 %');
    // The K2 defaults would not move for these figures.
    expect(stepDegradation(at(0), { lag: 30, memoryPct: 60 }, T0 + 1).state.level).toBe(0);
  });

  it('uses the given recovery factors and cooldown', () => {
    // Level 2: lag under 0.25 × 20 = 5, memory under 0.5 × 60 = 30, after 5 s
    expect(stepDegradation(at(2), { lag: 5, memoryPct: 0 }, T0 + 5_000, t).state).toEqual(at(2));
    expect(stepDegradation(at(2), { lag: 4, memoryPct: 30 }, T0 + 5_000, t).state).toEqual(at(2));
    expect(stepDegradation(at(2), { lag: 4, memoryPct: 29 }, T0 + 4_999, t).state).toEqual(at(2));
    expect(stepDegradation(at(2), { lag: 4, memoryPct: 29 }, T0 + 5_000, t)).toEqual({
      state: { level: 1, since: T0 + 5_000 },
      change: { from: 2, to: 1, reason: 'lag 4 < 5 and memory 29 % < 30 % for 5 s' },
    });
  });
});
