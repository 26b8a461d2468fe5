import type { Config, KafkaSpec } from '../config/types.js';
import { createAppStore, type Frame, type Store } from '../store/store.js';
import { Scheduler } from '../clock/scheduler.js';
import { DockerSource } from '../sources/docker/source.js';
import { describeDockerError } from '../sources/docker/client.js';
import { SourceError } from '../sources/types.js';
import { DockerStatsSource } from '../sources/docker/stats.js';
import { CgroupReader } from '../sources/docker/cgroup.js';
import { ProbeSource, probeTargets } from '../sources/http.js';
import { HostSource } from '../sources/host.js';
import { KafkaSource } from '../sources/kafka/source.js';
import { describeKafkaError } from '../sources/kafka/errors.js';
import { PrometheusSource, type PrometheusSample } from '../sources/prometheus.js';
import type { KafkaSample } from '../model/kafka.js';
import type { ContainerStats, DockerSample, HostSample, ProbeResult } from '../model/types.js';
import { LogFile } from './log-file.js';
import { stateDir } from './paths.js';
import { join } from 'node:path';
import type { PlanWatcher } from '../sources/plans/watch.js';
import { resolvePlansDir } from '../sources/plans/location.js';
import { DockerActuator } from '../control/actuator.js';
import { FaultJournal } from '../control/journal.js';
import { FaultController } from '../control/faults.js';
import { configDigest, SessionRecorder } from '../control/recording.js';

// Wires the live sources to the store on the one clock. Returns the store and a stop function;
// the terminal is opened by the caller, so tests can run the runtime without one.

// While the event stream flows it reports every change at once; the list is only its safety net.
export const LIST_EVERY_MS_WITH_EVENTS = 5000;
export const STATS_EVERY_MS = 5000;
export const PROBES_EVERY_MS = 5000;
export const HOST_EVERY_MS = 5000;
export const PROMETHEUS_EVERY_MS = 5000;

export interface LiveRuntime {
  store: Store;
  scheduler: Scheduler;
  docker: DockerSource;
  kafka: KafkaSource;
  /** Start following the plan (the markdown parser is loaded then, after the first frame). */
  startPlans(): Promise<void>;
  faults: FaultController;
  recorder?: SessionRecorder;
  stop(): void;
}

/** The Kafka source; kafkajs logs every connection failure at length: into a file, not on the stage. */
export function kafkaSource(spec: KafkaSpec, log: LogFile = new LogFile(join(stateDir(), 'kafkajs.log'))): KafkaSource {
  return new KafkaSource({ spec, onLog: (level, line) => log.write(`${level} ${line}`) });
}

export function frameOf(config: Config, dockerUrl: string): Frame {
  return {
    platform: config.platform,
    project: config.project,
    dockerUrl,
    readOnly: config.readOnly,
    refreshMs: config.refreshMs,
    services: config.services,
    kafka: config.kafka,
    scenarios: config.scenarios,
  };
}

export interface LiveOptions {
  autoStart?: boolean;
  /** Where kafkajs's own log lines go (default: kafkajs.log in the state directory). */
  kafkaLog?: LogFile;
  /** The fault journal (default: faults-<project>.json in the state directory). */
  journal?: FaultJournal;
  /** Where this session is recorded; undefined = not recorded. */
  recordDir?: string;
  /** Terminal size for the recording's header. */
  size?: { columns: number; rows: number };
}

/** How long a Docker event waits before the list it triggers (see onEvent). */
const EVENT_SETTLE_MS = 60;

export function startLive(config: Config, opts: LiveOptions = {}): LiveRuntime {
  let scheduler: Scheduler;
  const docker = new DockerSource({
    url: config.dockerHost,
    project: config.project,
    expectedNames: config.services.map((s) => s.container),
    timeoutMs: Math.max(2000, config.refreshMs * 2),
    everyTicksWithEvents: Math.max(1, Math.round(LIST_EVERY_MS_WITH_EVENTS / config.refreshMs)),
    // An event (pause, die, health_status…) is shown at once, not at the next tick. The engine
    // sends an event a few milliseconds before its list shows the change (measured: 5 ms median,
    // 13 ms max, listed right on the event it read the old state 55 times in 60), so the list
    // waits a little; a stop's kill, die and stop events then cost one list, not three.
    onEvent: () => scheduler.nudge('docker', EVENT_SETTLE_MS),
    onStreamError: (message) => store.getState().log('warn', message),
  });
  const store = createAppStore(frameOf(config, docker.url), 'live');
  // The container list runs every tick (and at once on a Docker event); the rest move slowly and
  // each request costs CPU here and in the daemon, so they run on longer cadences.
  const ticks = (ms: number) => Math.max(1, Math.round(ms / config.refreshMs));
  const probes = new ProbeSource(
    probeTargets(config.services),
    ticks(PROBES_EVERY_MS),
  );
  const stats = new DockerStatsSource(docker.api, () => docker.latest, {
    everyTicks: ticks(STATS_EVERY_MS),
    intervalMs: STATS_EVERY_MS,
    // Only an engine on this host shares our cgroup filesystem.
    cgroups: docker.url.startsWith('unix://') ? new CgroupReader() : undefined,
  });
  const host = new HostSource(() => store.getState().docker.sample?.engine.rootDir, ticks(HOST_EVERY_MS));
  const kafka = kafkaSource(config.kafka, opts.kafkaLog);
  const prometheus = config.kafka.prometheusUrl ? new PrometheusSource(config.kafka.prometheusUrl, ticks(PROMETHEUS_EVERY_MS)) : undefined;

  // Every sample that reaches the store is also recorded (buffered; written every other second).
  const recorder = opts.recordDir
    ? new SessionRecorder({
        dir: opts.recordDir,
        header: { startedAt: Date.now(), project: config.project, platform: config.platform, configDigest: configDigest(config), columns: opts.size?.columns ?? 160, rows: opts.size?.rows ?? 45 },
      })
    : undefined;
  let lastFlush = 0;
  scheduler = new Scheduler(config.refreshMs, {
    onTick: (now) => {
      store.getState().tick(now);
      if (recorder && now - lastFlush >= 2000) {
        lastFlush = now;
        recorder.flush();
        if (recorder.problem) store.getState().log('warn', recorder.problem);
      }
    },
    onSample: (name, value, _started, at) => {
      recorder?.record(name, value, at);
      // The file exists from the first sample on, so even a session killed at once leaves one.
      if (recorder && !recorder.path) recorder.flush();
      const s = store.getState();
      if (name === 'docker') s.applyDocker(value as DockerSample, at);
      else if (name === 'stats') s.applyStats(value as Record<string, ContainerStats>, at);
      else if (name === 'probes') s.applyProbes(value as Record<string, ProbeResult>, at);
      else if (name === 'host') s.applyHost(value as HostSample, at);
      else if (name === 'kafka') s.applyKafka(value as KafkaSample, at);
      else if (name === 'prometheus') s.applyPrometheus(value as PrometheusSample);
    },
    onError: (name, error, started) => {
      const s = store.getState();
      const reason = error instanceof Error ? error.message : String(error);
      // The source words its own failures; a deadline comes from the scheduler and is worded here.
      if (name === 'docker') s.dockerFailed(error instanceof SourceError ? reason : describeDockerError(docker.url, error), started);
      else if (name === 'host') s.hostFailed(reason, started);
      else if (name === 'kafka') s.kafkaFailed(error instanceof SourceError ? reason : describeKafkaError(kafka.brokers, error), started);
      else if (name === 'prometheus') s.applyPrometheus({ at: started, note: `unreachable: ${reason}` });
    },
  });
  scheduler.add(docker);
  scheduler.add(stats);
  if (config.services.some((s) => s.probe)) scheduler.add(probes);
  scheduler.add(host);
  scheduler.add(kafka);
  if (prometheus) scheduler.add(prometheus);

  // Details are fetched when the overlay opens for a container (the UI itself does no I/O).
  const unsubscribe = store.subscribe((state, prev) => {
    const d = state.ui.details;
    if (!d || d === prev.ui.details || !d.loading || !d.containerId) return;
    const id = d.containerId;
    docker.details(id).then(
      (data) => store.getState().setDetails({ ...d, loading: false, data }),
      (e: Error) => store.getState().setDetails({ ...d, loading: false, error: `details unavailable: ${e.message}` }),
    );
  });

  // The plan follows its file on disk; Space in the checklist asks for a step to be toggled. The
  // markdown parser is a large module: it is loaded once the first frame is on screen.
  let plans: PlanWatcher | undefined;
  let stopped = false;
  const location = resolvePlansDir({ configDir: config.plans.dir, configFrom: config.plans.dirFrom });
  const startPlans = async () => {
    const { PlanWatcher } = await import('../sources/plans/watch.js');
    if (stopped || plans) return;
    plans = new PlanWatcher(location, config.plans.file, (plan) => store.getState().applyPlan(plan));
    plans.start();
  };
  const unsubscribePlan = store.subscribe((state, prev) => {
    const ask = state.planToggle;
    if (!ask || ask === prev.planToggle) return;
    const plan = state.plan;
    const done = () => {
      store.getState().stepToggleDone();
      plans?.reload();
    };
    if (!plan?.path || plan.text === undefined) return done();
    const today = new Date().toISOString().slice(0, 10);
    void import('../sources/plans/edit.js').then(({ togglePlanStep, PlanConflictError }) =>
      togglePlanStep(plan.path!, plan.text!, ask.step, today).then(
        ({ doc }) => {
          const step = doc.steps.find((x) => x.number === ask.step);
          store.getState().log('ok', `plan: step ${ask.step} marked ${step?.status === 'complete' || step?.status === 'validated' ? 'done' : 'not done'} in ${plan.path}`);
          done();
        },
        (e: Error) => {
          store.getState().log(e instanceof PlanConflictError ? 'warn' : 'error', `plan: ${e.message}`);
          done();
        },
      ),
    );
  });

  // Failure scenarios act through one actuator; the journal keeps the active faults on disk.
  const actuator = new DockerActuator({ api: docker.api, project: config.project, services: config.services, readOnly: config.readOnly, scenarios: () => store.getState().frame.scenarios });
  const journal = opts.journal ?? new FaultJournal(config.project);
  const left = journal.load();
  if (journal.problem) store.getState().log('warn', journal.problem);
  if (left.length > 0) {
    store.getState().setFaults(left);
    const what = left.map((f) => `${f.scenario} (${f.touched.map((t) => t.name).join(', ')})`).join(', ');
    store.getState().log('error', `${left.length} fault${left.length === 1 ? '' : 's'} left active by an earlier run of k2mc: ${what} — press R to restore`);
  }
  const faults = new FaultController(store, actuator, journal);

  if (opts.autoStart !== false) {
    scheduler.start();
    void startPlans();
  }
  return {
    store,
    scheduler,
    docker,
    kafka,
    startPlans,
    faults,
    recorder,
    stop() {
      stopped = true;
      recorder?.close();
      faults.stop();
      unsubscribe();
      unsubscribePlan();
      plans?.close();
      scheduler.stop();
    },
  };
}
