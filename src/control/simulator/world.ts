import type { Config } from '../../config/types.js';
import { K2_THRESHOLDS, stepDegradation, type DegradationState, type Level, type Thresholds } from '../../model/degradation.js';
import type { ActionKind } from '../types.js';
import { act, appendLogs, crash, createContainer, isServing, stepContainer, type DockerError, type SimContainer } from './containers.js';
import { HOST_MEM_TOTAL, SimHost } from './host.js';
import { crashLines, healthOutput, LOG_EVERY_MS, periodicLine, shutdownLines, startupLines, type LogFacts } from './logs.js';
import { Pipeline } from './pipeline.js';
import { castOf, PROFILES, roleOf, type Cast } from './profiles.js';
import { Rng } from './random.js';

// The simulated K2 platform: every configured service as a container, the market-data pipeline
// (stream → live topic → Iceberg writer), the host, and the platform's own circuit breaker. A
// state machine advanced by virtual time in fixed steps of 100 ms, so the same seed and the same
// actions at the same virtual times give the same world, however often it is looked at.
//
// Dependencies, as on the live platform:
//   - the broker is the kafka container: paused, it does not answer (timeouts); stopped or still
//     starting, it refuses connections. Without it the stream queues and the writer stalls.
//   - the writer needs the storage path (object store, Iceberg catalog, its database) to write,
//     and commits only what it wrote; after a minute of failed writes it exits and the restart
//     policy brings it back (restart count +1), to fail again while storage is still away.
//   - the API's /health reports "degraded" (200) while the broker or the writer is down, and
//     "unhealthy" (503) while storage is down; with a health check configured, Docker follows.
//   - the platform evaluates its degradation level every second from the writer's lag and host
//     memory (the same model k2mc recomputes), and keeps it while the lag cannot be measured.

export const STEP_MS = 100;
const DEGRADATION_EVERY_MS = 1000;
/** A long gap (a laptop asleep) is not replayed step by step beyond this. */
const MAX_CATCH_UP_MS = 6 * 3_600_000;
/** First figures of a JVM: CPU burst and a heap that fills over this long after a start. */
const WARMUP_MS = 20_000;

export type BrokerState = 'up' | 'refused' | 'timeout';

export interface WorldOptions {
  seed: number;
  /** Virtual epoch ms of the world's beginning. */
  start: number;
  /** The stack has just been started (health starting, empty topics) rather than running for a while. */
  coldStart?: boolean;
  /** The platform's degradation thresholds (default K2's). */
  thresholds?: Thresholds;
}

export interface LevelChange {
  at: number;
  from: Level;
  to: Level;
  reason: string;
  lag: number;
}

export class SimWorld {
  readonly config: Config;
  readonly seed: number;
  readonly thresholds: Thresholds;
  readonly containers: SimContainer[];
  readonly pipeline: Pipeline;
  readonly host: SimHost;
  readonly cast: Cast;
  /** Virtual time the world has reached (a multiple of STEP_MS after its start). */
  now: number;
  /** The platform's own degradation state, and every change of it. */
  degradation: DegradationState;
  readonly levelChanges: LevelChange[] = [];
  /** Messages per second, smoothed over a couple of seconds: into the broker, and written by the writer. */
  producedRate = 0;
  consumedRate = 0;
  private nextDegradationAt: number;
  private brokerWasUp: boolean;

  constructor(config: Config, opts: WorldOptions) {
    this.config = config;
    this.seed = opts.seed;
    this.thresholds = opts.thresholds ?? K2_THRESHOLDS;
    this.now = opts.start;
    this.cast = castOf(config);
    const rng = Rng.named(opts.seed, 'world');
    // Warm: up for 40 min to 3 h, the services started one after the other in config order.
    const uptimeMs = opts.coldStart ? 0 : Math.round(rng.between(40, 180)) * 60_000;
    this.containers = config.services.map((spec, i) => {
      const startedAt = opts.coldStart ? opts.start - (config.services.length - i) * 400 : opts.start - uptimeMs + i * Math.round(rng.between(800, 2500));
      return createContainer(spec, PROFILES[roleOf(spec)], config.project, opts.seed, startedAt);
    });
    this.pipeline = new Pipeline(config.kafka, opts.seed, opts.start, { uptimeMs });
    this.host = new SimHost(opts.seed);
    this.brokerWasUp = this.brokerState() === 'up';
    this.producedRate = opts.coldStart ? 0 : this.pipeline.marketRate();
    this.consumedRate = this.producedRate;
    this.host.step(STEP_MS / 1000, this.hostLoad());
    this.prefillLogs(!opts.coldStart);
    const lag = this.brokerWasUp ? this.pipeline.lag() : undefined;
    this.degradation = stepDegradation(undefined, { lag, memoryPct: this.host.memoryPct() }, opts.start, this.thresholds).state;
    this.nextDegradationAt = opts.start + DEGRADATION_EVERY_MS;
  }

  /** Run the world forward to virtual time `t` (earlier times change nothing). */
  advance(t: number): void {
    if (t - this.now > MAX_CATCH_UP_MS) this.now = Math.floor((t - MAX_CATCH_UP_MS) / STEP_MS) * STEP_MS;
    while (this.now + STEP_MS <= t) {
      this.now += STEP_MS;
      this.step(STEP_MS / 1000);
    }
  }

  /** A container by id, name or service name. */
  container(ref: string): SimContainer | undefined {
    return this.containers.find((c) => c.id === ref || c.name === ref) ?? this.containers.find((c) => c.spec.name === ref);
  }

  /** A Docker action, now; the error Docker would answer, if any. */
  act(c: SimContainer, action: ActionKind, opts: { signal?: string } = {}): DockerError | undefined {
    const now = this.now;
    const before = c.state;
    const pausedAt = c.pausedAt;
    const { error, happened } = act(c, action, now, opts);
    if (error) return error;
    const role = c.profile.role;
    const stoppedProcess = happened === 'stopped' || (happened === 'started' && action === 'restart' && before !== 'exited');
    if (stoppedProcess) {
      // SIGTERM lets a process say goodbye; SIGKILL (or a frozen one) does not.
      if ((action === 'stop' || action === 'restart') && before === 'running') appendLogs(c, shutdownLines(role, now));
      if (c.spec.name === this.cast.stream) this.pipeline.streamStopped();
      if (c.spec.name === this.cast.consumer) this.pipeline.writerStopped();
    }
    if (happened === 'started') this.started(c);
    if (happened === 'unpaused' && c.spec.name === this.cast.consumer) this.pipeline.writerResumed(now, now - (pausedAt ?? now));
    return undefined;
  }

  /** The broker as a client sees it. A config without a Kafka service has an external, always-up broker. */
  brokerState(): BrokerState {
    const k = this.serviceContainer(this.cast.kafka);
    if (!k) return 'up';
    if (k.state === 'paused') return 'timeout';
    return isServing(k, this.now) ? 'up' : 'refused';
  }

  storageOk(): boolean {
    return this.cast.storage.every((name) => this.serves(name));
  }

  /** The writer group's lag, or undefined while the broker cannot be asked. */
  lag(): number | undefined {
    return this.brokerState() === 'up' ? this.pipeline.lag() : undefined;
  }

  memoryPct(): number {
    return this.host.memoryPct();
  }

  /** CPU of a running container, percent of one core. */
  cpuOf(c: SimContainer): number {
    const p = c.profile;
    const warm = p.jvm ? 1 + 4 * Math.exp(-(this.now - c.startedAt) / (WARMUP_MS / 3)) : 1;
    return Math.max(0.05, (p.cpu + p.cpuPerMsg * this.messageRateOf(c)) * c.cpuNoise * warm);
  }

  /** Memory of a container (a paused one keeps its memory). */
  memOf(c: SimContainer): number {
    const p = c.profile;
    const up = this.now - c.startedAt;
    const ramp = Math.min(1, 0.35 + (0.65 * up) / WARMUP_MS);
    // A JVM heap fills and is collected every minute or so.
    const heap = p.jvm ? 0.92 + 0.12 * ((up % 75_000) / 75_000) : 1;
    return Math.round(p.memMiB * 1024 * 1024 * ramp * heap * c.memNoise);
  }

  serviceContainer(service: string | undefined): SimContainer | undefined {
    return service === undefined ? undefined : this.containers.find((c) => c.spec.name === service);
  }

  // --- one step ------------------------------------------------------------------------------

  private step(dtSec: number): void {
    const now = this.now;
    for (const c of this.containers) {
      const port = c.spec.ports[0];
      if (stepContainer(c, now, dtSec, (ok) => healthOutput(c.profile.role, ok, port)) === 'restarted') this.started(c);
    }
    const brokerUp = this.brokerState() === 'up';
    if (brokerUp && !this.brokerWasUp) this.pipeline.brokerBack(now);
    this.brokerWasUp = brokerUp;

    const produced = this.pipeline.produced;
    const consumed = this.pipeline.consumed;
    const result = this.pipeline.step(now, dtSec, {
      brokerUp,
      producing: this.serves(this.cast.stream),
      consuming: this.serves(this.cast.consumer),
      storageOk: this.storageOk(),
    });
    const smooth = 1 - Math.exp(-dtSec / 2);
    this.producedRate += ((this.pipeline.produced - produced) / dtSec - this.producedRate) * smooth;
    this.consumedRate += ((this.pipeline.consumed - consumed) / dtSec - this.consumedRate) * smooth;
    const writer = this.serviceContainer(this.cast.consumer);
    if (result.writerExited && writer) {
      appendLogs(writer, crashLines(writer.profile.role, now));
      crash(writer, now, 1);
      this.pipeline.writerStopped();
    }

    for (const c of this.containers) this.updateProblem(c);
    this.host.step(dtSec, this.hostLoad());
    if (now >= this.nextDegradationAt) {
      this.nextDegradationAt += DEGRADATION_EVERY_MS;
      this.evaluateDegradation();
    }
    this.writeLogs();
  }

  private evaluateDegradation(): void {
    const lag = this.lag();
    const step = stepDegradation(this.degradation, { lag, memoryPct: this.host.memoryPct() }, this.now, this.thresholds);
    this.degradation = step.state;
    if (!step.change || lag === undefined) return;
    this.levelChanges.push({ at: this.now, ...step.change, lag });
    const writer = this.serviceContainer(this.cast.consumer);
    if (writer?.state === 'running') {
      const names = ['NORMAL', 'SOFT', 'GRACEFUL', 'AGGRESSIVE', 'CIRCUIT_BREAK'];
      const text = `${new Date(this.now).toISOString()} [${(step.change.to > step.change.from ? 'warning' : 'info').padEnd(9)}] degradation_level_changed      from=${names[step.change.from]} to=${names[step.change.to]} reason="${step.change.reason}"`;
      appendLogs(writer, [{ at: this.now, text }]);
    }
  }

  /** What the service's own health endpoint reports wrong: only the API looks at its dependencies. */
  private updateProblem(c: SimContainer): void {
    let next: { reason: string; severity: 'degraded' | 'unhealthy' } | undefined;
    if (c.profile.role === 'api' && c.state === 'running') {
      const storageDown = this.cast.storage.find((name) => !this.serves(name));
      if (storageDown) next = { reason: `${storageDown} unavailable`, severity: 'unhealthy' };
      else if (this.brokerState() !== 'up') next = { reason: 'kafka unavailable', severity: 'degraded' };
      else if (this.cast.consumer && !this.serves(this.cast.consumer)) next = { reason: `${this.cast.consumer} not running`, severity: 'degraded' };
    }
    if (!next) c.problem = undefined;
    else if (c.problem?.reason !== next.reason || c.problem.severity !== next.severity) c.problem = { ...next, since: this.now };
  }

  private started(c: SimContainer): void {
    appendLogs(c, startupLines(c.profile.role, c.startedAt, this.logFacts(c)));
    c.nextLogAt = c.startedAt + c.profile.readyMs + 1000;
    if (c.spec.name === this.cast.consumer) this.pipeline.writerStopped();
  }

  /** A service not in the config (an external one) always serves. */
  private serves(service: string | undefined): boolean {
    const c = this.serviceContainer(service);
    return c ? isServing(c, this.now) : true;
  }

  private messageRateOf(c: SimContainer): number {
    switch (c.profile.role) {
      case 'kafka':
        return this.producedRate + this.consumedRate;
      case 'stream':
        return this.producedRate;
      default:
        return this.consumedRate;
    }
  }

  private hostLoad() {
    let containerCpu = 0;
    let containerMem = 0;
    for (const c of this.containers) {
      if (c.state === 'running') containerCpu += this.cpuOf(c);
      if (c.state === 'running' || c.state === 'paused') containerMem += this.memOf(c);
    }
    const live = this.pipeline.live();
    const stream = this.serviceContainer(this.cast.stream);
    return {
      containerCpu,
      containerMem: Math.min(containerMem, HOST_MEM_TOTAL * 0.9),
      tradesPerSec: !stream || stream.state === 'running' ? this.pipeline.marketRate() : 0,
      messagesKept: live ? live.partitions.reduce((a, p) => a + p.high, 0) : 0,
    };
  }

  private logFacts(c: SimContainer): LogFacts {
    const live = this.pipeline.live();
    const broker = this.brokerState();
    return {
      rate: this.producedRate,
      lag: this.pipeline.lag(),
      broker,
      storageOk: this.storageOk(),
      queued: this.pipeline.queued(),
      liveTopic: live?.name ?? 'trades',
      group: this.pipeline.group,
      partitions: live?.partitions.length ?? 1,
      problem: c.problem?.reason,
      severity: c.problem?.severity,
      failingMs: this.pipeline.failingSince !== undefined ? this.now - this.pipeline.failingSince : undefined,
      highs: live?.partitions.map((p) => p.high) ?? [],
    };
  }

  private writeLogs(): void {
    for (const c of this.containers) {
      const every = LOG_EVERY_MS[c.profile.role];
      if (every === 0 || c.state !== 'running' || this.now < c.nextLogAt) continue;
      c.nextLogAt = this.now + every * c.rng.between(0.9, 1.1);
      const line = periodicLine(c.profile.role, this.now, this.logFacts(c), c.rng);
      if (line) appendLogs(c, [line]);
    }
  }

  /** The lines a service has already written when the world begins. */
  private prefillLogs(warm: boolean): void {
    for (const c of this.containers) {
      appendLogs(c, startupLines(c.profile.role, c.startedAt, this.logFacts(c)));
      const every = LOG_EVERY_MS[c.profile.role];
      c.nextLogAt = c.startedAt + c.profile.readyMs + 1000;
      if (!warm || every === 0) continue;
      const from = Math.max(c.nextLogAt, this.now - every * 25);
      for (let t = from; t < this.now; t += every) {
        const line = periodicLine(c.profile.role, t, this.logFacts(c), c.rng);
        if (line) appendLogs(c, [line]);
      }
      c.nextLogAt = this.now + every * c.rng.between(0, 1);
    }
  }
}
