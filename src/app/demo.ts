import type { Config } from '../config/types.js';
import { FaultJournal } from '../control/journal.js';
import { createSimulatedPlatform, type SimulatedPlatform } from '../control/simulator/index.js';
import { startRuntime, type Runtime, type RuntimeOptions } from './live.js';

// `k2mc demo`: the dashboard on the simulated K2 platform, through the same runtime as live mode.
// Time is virtual: `speed` virtual seconds per real second. The clock ticks faster at high speeds
// (never more than four times a second) so that the panels still get a sample every few virtual
// seconds; the sources' cadences are given in virtual time.

export const MIN_DEMO_PERIOD_MS = 250;

export interface DemoOptions extends RuntimeOptions {
  speed?: number;
  seed?: number;
  /** The real clock the simulation runs on (default Date.now); a harness can drive its own. */
  now?: () => number;
}

export function demoConfig(config: Config, speed: number): { config: Config; periodMs: number } {
  const periodMs = Math.max(MIN_DEMO_PERIOD_MS, Math.round(config.refreshMs / speed));
  // Every duration the runtime and the model read (cadences, windows) is in platform time.
  // The simulated broker is named as such wherever the live one's address would be shown.
  return { config: { ...config, refreshMs: Math.round(periodMs * speed), dockerHost: 'simulated', kafka: { ...config.kafka, brokers: ['simulated'] } }, periodMs };
}

export function startDemo(base: Config, opts: DemoOptions = {}): Runtime<SimulatedPlatform> {
  const speed = opts.speed ?? 1;
  const { config, periodMs } = demoConfig(base, speed);
  let platform: SimulatedPlatform | undefined;
  const runtime = startRuntime(
    config,
    {
      mode: 'simulated',
      periodMs,
      clock: () => (platform ? platform.clock() : Date.now()),
      create: () => (platform = createSimulatedPlatform(config, { speed, seed: opts.seed, now: opts.now })),
    },
    // Simulated faults end with k2mc: nothing for the next live run to restore.
    { ...opts, journal: opts.journal ?? FaultJournal.inMemory(config.project) },
  );
  runtime.store.setState((s) => ({ frame: { ...s.frame, speed } }));
  return runtime;
}
