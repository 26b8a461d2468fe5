// Failure scenarios: what they are, and what an active fault remembers so it can be undone.

export type ActionKind = 'pause' | 'unpause' | 'stop' | 'start' | 'kill' | 'restart';

export interface Step {
  action: ActionKind;
  /** A service name of the config (e.g. "binance-stream"); resolved to its container. */
  service: string;
  /** stop / restart: seconds Docker waits before killing (default 10). */
  timeoutS?: number;
  /** kill: the signal (default SIGKILL). */
  signal?: string;
}

/** What the audience should see, checked against what the panels measure. */
export type Expectation =
  | { kind: 'rate-zero'; topic?: string; withinMs: number }
  | { kind: 'lag-growing'; group?: string; withinMs: number }
  | { kind: 'broker-unreachable'; withinMs: number }
  | { kind: 'service-state'; service: string; state: 'paused' | 'exited' | 'running' | 'down'; withinMs: number };

export interface Scenario {
  name: string;
  /** The key that arms it in the scenario menu (one character). */
  key: string;
  /** One line: what the audience should see. */
  description: string;
  steps: Step[];
  /** How to undo it; default: every touched container back to its state before the scenario. */
  restore?: Step[];
  /** Restore on its own after this long (ms); undefined = only on request. */
  autoRestoreAfterMs?: number;
  expect?: Expectation;
}

/** A container's state as far as restoring it is concerned. */
export type RestorableState = 'running' | 'paused' | 'exited';

export interface TouchedContainer {
  id: string;
  name: string;
  service: string;
  /** Its state before the scenario touched it: restore brings it back to this. */
  before: RestorableState;
}

export interface ActiveFault {
  /** Unique id of this firing (scenario name + start time). */
  id: string;
  scenario: string;
  startedAt: number;
  autoRestoreAt?: number;
  touched: TouchedContainer[];
  /** The compose project, so a later run restores only what it may touch. */
  project: string;
}

export interface StepResult {
  step: Step;
  ok: boolean;
  /** "k2-binance-stream paused" or the Docker error in words. */
  text: string;
}

/** The one way k2mc changes the platform: Docker API calls, each checked against the project. */
export interface Actuator {
  /** Fire a scenario: record each target's state, then run the steps in order. */
  fire(scenario: Scenario, now?: number): Promise<{ fault: ActiveFault; results: StepResult[] }>;
  /** Bring every container the fault touched back to its state before; results per container. */
  restore(fault: ActiveFault): Promise<StepResult[]>;
  /** The `docker` commands that would restore a fault by hand (for what could not be restored). */
  manualRestore(fault: ActiveFault): string[];
}
