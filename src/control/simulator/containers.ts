import type { ServiceSpec } from '../../config/types.js';
import type { Health } from '../../model/types.js';
import type { ActionKind } from '../types.js';
import { imageOf, type Profile } from './profiles.js';
import { ou, Rng } from './random.js';
import type { LogLine } from './logs.js';

// One simulated container and what Docker does to it: the states a `docker ps` shows, the exit
// codes pause/stop/kill leave, the errors (409) Docker answers when an action does not apply, the
// restart policy (unless-stopped: a crash is restarted with a doubling back-off, a manual stop or
// kill is not) and its health check. Noise for its CPU, memory and probe latency lives here too.

export type SimState = 'running' | 'paused' | 'exited' | 'restarting';

export interface HealthEntry {
  at: number;
  exitCode: number;
  output: string;
}

export interface SimContainer {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly spec: ServiceSpec;
  readonly profile: Profile;
  readonly rng: Rng;
  state: SimState;
  exitCode?: number;
  /** The last start (epoch ms, virtual). */
  startedAt: number;
  finishedAt?: number;
  pausedAt?: number;
  /** Starts by the restart policy (Docker does not count manual ones). */
  restartCount: number;
  /** Stopped or killed by hand: the restart policy leaves it down. */
  manuallyStopped: boolean;
  /** While restarting: when the restart policy starts it again. */
  restartAt?: number;
  backoffMs: number;
  /** What the service's own health endpoint reports wrong (a dependency down), and since when. */
  problem?: { reason: string; severity: 'degraded' | 'unhealthy'; since: number };
  /** Noise: CPU and memory multipliers around 1, probe latency in ms. */
  cpuNoise: number;
  memNoise: number;
  latencyMs: number;
  healthLog: HealthEntry[];
  logs: LogLine[];
  nextHealthAt: number;
  nextLogAt: number;
}

export interface DockerError {
  status: number;
  message: string;
}

/** Docker's health check cadence, and how long a failing check takes to turn the health unhealthy (3 retries). */
export const HEALTH_INTERVAL_MS = 10_000;
export const UNHEALTHY_AFTER_MS = 30_000;
const HEALTH_LOG_KEEP = 5;
export const LOG_KEEP = 60;
/** Docker's restart back-off: starts at 100 ms, doubles per crash in a row, resets after 10 s up. */
const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 60_000;
const BACKOFF_RESET_AFTER_MS = 10_000;

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, TERM: 15, WINCH: 28 };
/** Services that reload on SIGHUP rather than die. */
const RELOADS_ON_HUP = new Set(['prometheus', 'postgres', 'grafana', 'minio']);

export function createContainer(spec: ServiceSpec, profile: Profile, project: string, seed: number, startedAt: number): SimContainer {
  const rng = Rng.named(seed, `container:${spec.container}`);
  return {
    id: rng.hexId(),
    name: spec.container,
    image: imageOf(profile, project, spec.name),
    spec,
    profile,
    rng,
    state: 'running',
    startedAt,
    restartCount: 0,
    manuallyStopped: false,
    backoffMs: BACKOFF_START_MS,
    cpuNoise: 1,
    memNoise: 1,
    latencyMs: baseLatency(profile),
    healthLog: [],
    logs: [],
    nextHealthAt: startedAt + HEALTH_INTERVAL_MS,
    nextLogAt: startedAt,
  };
}

function baseLatency(p: Profile): number {
  return p.role === 'api' ? 18 : p.jvm ? 9 : 4;
}

/** Running, past its start-up: it answers requests and its health check passes. */
export function isServing(c: SimContainer, now: number): boolean {
  return c.state === 'running' && now - c.startedAt >= c.profile.readyMs;
}

export function healthOf(c: SimContainer, now: number): Health {
  // Docker shows no health for paused or stopped containers ("Up 3 minutes (Paused)").
  if (!c.spec.healthcheck || c.state !== 'running') return 'none';
  if (!isServing(c, now)) return 'starting';
  if (c.problem?.severity === 'unhealthy' && now - c.problem.since >= UNHEALTHY_AFTER_MS) return 'unhealthy';
  return 'healthy';
}

/** "SIGKILL", "KILL" or "9" → 9; undefined when Docker would not know it. */
export function signalNumber(signal: string): number | undefined {
  if (/^\d+$/.test(signal)) return Number(signal);
  return SIGNALS[signal.toUpperCase().replace(/^SIG/, '')];
}

function start(c: SimContainer, now: number): void {
  c.state = 'running';
  c.startedAt = now;
  c.exitCode = undefined;
  c.finishedAt = undefined;
  c.pausedAt = undefined;
  c.restartAt = undefined;
  c.problem = undefined;
  c.nextHealthAt = now + HEALTH_INTERVAL_MS;
}

function exit(c: SimContainer, now: number, code: number, manual: boolean): void {
  c.state = 'exited';
  c.exitCode = code;
  c.finishedAt = now;
  c.pausedAt = undefined;
  c.restartAt = undefined;
  c.manuallyStopped = manual;
}

/**
 * A Docker action on the container, as the engine would answer it: an error (409 when the action
 * does not apply to its state), or what happened to the process (nothing: Docker's 304).
 */
export function act(
  c: SimContainer,
  action: ActionKind,
  now: number,
  opts: { signal?: string } = {},
): { error?: DockerError; happened?: 'started' | 'stopped' | 'paused' | 'unpaused' | 'signalled' } {
  const conflict = (message: string) => ({ error: { status: 409, message } });
  const up = c.state === 'running' || c.state === 'paused' || c.state === 'restarting';
  switch (action) {
    case 'pause':
      if (c.state === 'paused') return {};
      if (c.state === 'restarting') return conflict(`Container ${c.id} is restarting, wait until the container is running`);
      if (c.state !== 'running') return conflict(`Container ${c.id} is not running`);
      c.state = 'paused';
      c.pausedAt = now;
      return { happened: 'paused' };
    case 'unpause':
      if (c.state !== 'paused') return conflict(`Container ${c.id} is not paused`);
      c.state = 'running';
      c.pausedAt = undefined;
      return { happened: 'unpaused' };
    case 'start':
      if (c.state === 'paused') return conflict('cannot start a paused container, try unpause instead');
      if (c.state === 'running') return {};
      start(c, now);
      c.manuallyStopped = false;
      return { happened: 'started' };
    case 'stop':
      if (!up) return {};
      // A frozen process cannot handle SIGTERM: Docker kills it when the timeout runs out.
      exit(c, now, c.state === 'paused' ? 137 : c.state === 'restarting' ? (c.exitCode ?? 0) : c.profile.stopExitCode, true);
      return { happened: 'stopped' };
    case 'kill': {
      const n = signalNumber(opts.signal ?? 'SIGKILL');
      if (n === undefined) return { error: { status: 400, message: `Invalid signal: ${opts.signal}` } };
      if (c.state !== 'running' && c.state !== 'paused') return conflict(`Cannot kill container: ${c.id}: Container ${c.id} is not running`);
      const ignored = n === SIGNALS.WINCH || (n === SIGNALS.HUP && RELOADS_ON_HUP.has(c.profile.role));
      if (ignored) return { happened: 'signalled' };
      exit(c, now, 128 + n, true);
      return { happened: 'stopped' };
    }
    case 'restart':
      start(c, now);
      c.manuallyStopped = false;
      return { happened: 'started' };
  }
}

/** The process died by itself (exit code `code`): the restart policy brings it back after its back-off. */
export function crash(c: SimContainer, now: number, code: number): void {
  const ranMs = now - c.startedAt;
  c.backoffMs = ranMs >= BACKOFF_RESET_AFTER_MS ? BACKOFF_START_MS : Math.min(BACKOFF_MAX_MS, c.backoffMs * 2);
  exit(c, now, code, false);
  c.state = 'restarting';
  c.restartAt = now + c.backoffMs;
}

/** One step of Docker's own work on the container: restarts due, health checks, noise. */
export function stepContainer(c: SimContainer, now: number, dtSec: number, healthOutput: (ok: boolean) => string): 'restarted' | undefined {
  let happened: 'restarted' | undefined;
  if (c.state === 'restarting' && c.restartAt !== undefined && now >= c.restartAt) {
    start(c, now);
    c.restartCount++;
    happened = 'restarted';
  }
  if (c.state === 'running' && c.spec.healthcheck && now >= c.nextHealthAt) {
    c.nextHealthAt = now + HEALTH_INTERVAL_MS;
    const ok = isServing(c, now) && c.problem?.severity !== 'unhealthy';
    c.healthLog = [...c.healthLog, { at: now, exitCode: ok ? 0 : 1, output: healthOutput(ok) }].slice(-HEALTH_LOG_KEEP);
  }
  // A paused process is frozen: its figures do not move.
  if (c.state !== 'running') return happened;
  c.cpuNoise = Math.max(0.2, ou(c.cpuNoise, 1, 0.3, 0.2, dtSec, c.rng));
  c.memNoise = ou(c.memNoise, 1, 0.02, 0.006, dtSec, c.rng);
  const base = baseLatency(c.profile);
  // Now and then a slow answer (a GC pause, a busy disk) that fades over a few seconds.
  c.latencyMs = c.rng.chance(0.0005 * dtSec * 10) ? base * c.rng.between(4, 12) : Math.max(base * 0.4, ou(c.latencyMs, base, 0.6, base * 0.35, dtSec, c.rng));
  return happened;
}

export function appendLogs(c: SimContainer, lines: LogLine[]): void {
  if (lines.length === 0) return;
  c.logs.push(...lines);
  if (c.logs.length > LOG_KEEP) c.logs.splice(0, c.logs.length - LOG_KEEP);
}
