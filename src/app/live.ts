import type { Config } from '../config/types.js';
import { createAppStore, type Frame, type Mode, type Store } from '../store/store.js';
import { Scheduler } from '../clock/scheduler.js';
import { describeDockerError } from '../sources/docker/client.js';
import { SourceError } from '../sources/types.js';
import { describeKafkaError } from '../sources/kafka/errors.js';
import type { PrometheusSample } from '../sources/prometheus.js';
import type { KafkaSample } from '../model/kafka.js';
import type { ContainerStats, DockerSample, HostSample, ProbeResult } from '../model/types.js';
import type { LogFile } from './log-file.js';
import type { PlanWatcher } from '../sources/plans/watch.js';
import { resolvePlansDir } from '../sources/plans/location.js';
import { FaultJournal } from '../control/journal.js';
import { FaultController } from '../control/faults.js';
import { configDigest, SessionRecorder } from '../control/recording.js';
import type { Platform } from '../control/platform.js';
import { createLivePlatform, type LivePlatform } from './live-platform.js';
import { BackupMode } from './backup-mode.js';
import { findBackup, type BackupSearch } from '../control/backup.js';

export { kafkaSource, LIST_EVERY_MS_WITH_EVENTS, STATS_EVERY_MS, PROBES_EVERY_MS, HOST_EVERY_MS, PROMETHEUS_EVERY_MS } from './live-platform.js';

// Wires a platform's sources to the store on the one clock, and its actuator to the failure
// scenarios. The live platform (Docker, Kafka, HTTP, host) and the simulated one of `k2mc demo`
// go through the same code; the terminal is opened by the caller, so tests can run it without one.

export interface Runtime<P extends Platform = Platform> {
  store: Store;
  scheduler: Scheduler;
  platform: P;
  /** Start following the plan (the markdown parser is loaded then, after the first frame). */
  startPlans(): Promise<void>;
  /** What waits for the first frame: the plan, and the search for a backup recording. */
  afterFirstFrame(): Promise<void>;
  backup: BackupMode;
  /** The platform's time (virtual in `k2mc demo`). */
  clock: () => number;
  faults: FaultController;
  recorder?: SessionRecorder;
  stop(): void;
}

export type LiveRuntime = Runtime<LivePlatform> & { docker: LivePlatform['docker']; kafka: LivePlatform['kafka'] };

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

export interface RuntimeOptions {
  autoStart?: boolean;
  /** The fault journal (default: faults-<project>.json in the state directory). */
  journal?: FaultJournal;
  /** Where this session is recorded; undefined = not recorded. */
  recordDir?: string;
  /** Terminal size for the recording's header. */
  size?: { columns: number; rows: number };
  /** Backup mode (`b`): where recordings are, and the golden one if configured. */
  backup?: { dir: string; golden?: string };
}

export interface LiveOptions extends RuntimeOptions {
  /** Where kafkajs's own log lines go (default: kafkajs.log in the state directory). */
  kafkaLog?: LogFile;
}

export interface PlatformSetup<P extends Platform> {
  mode: Mode;
  /** The platform's time (default the wall clock; virtual for the simulation). */
  clock?: () => number;
  /** Real milliseconds between clock ticks (default config.refreshMs). */
  periodMs?: number;
  /** Built once the store exists: sources may nudge the clock and log. */
  create(hooks: { nudge(source: string, afterMs: number): void; warn(text: string): void; scenarios(): Config['scenarios'] }): P;
}

/** Hands one sample to the store by its source's name (live, simulated and replayed alike). */
export function applySample(store: Store, name: string, value: unknown, at: number): void {
  const s = store.getState();
  if (name === 'docker') s.applyDocker(value as DockerSample, at);
  else if (name === 'stats') s.applyStats(value as Record<string, ContainerStats>, at);
  else if (name === 'probes') s.applyProbes(value as Record<string, ProbeResult>, at);
  else if (name === 'host') s.applyHost(value as HostSample, at);
  else if (name === 'kafka') s.applyKafka(value as KafkaSample, at);
  else if (name === 'prometheus') s.applyPrometheus(value as PrometheusSample);
  else if (name === 'docker!') s.dockerFailed(String(value), at);
  else if (name === 'host!') s.hostFailed(String(value), at);
  else if (name === 'kafka!') s.kafkaFailed(String(value), at);
}

export function startLive(config: Config, opts: LiveOptions = {}): LiveRuntime {
  const runtime = startRuntime(config, { mode: 'live', create: (hooks) => createLivePlatform(config, { ...hooks, kafkaLog: opts.kafkaLog }) }, opts);
  return { ...runtime, docker: runtime.platform.docker, kafka: runtime.platform.kafka };
}

export function startRuntime<P extends Platform>(config: Config, setup: PlatformSetup<P>, opts: RuntimeOptions = {}): Runtime<P> {
  const clock = setup.clock ?? Date.now;
  let scheduler: Scheduler | undefined;
  let store: Store | undefined;
  const platform = setup.create({
    nudge: (name, afterMs) => scheduler?.nudge(name, afterMs),
    warn: (text) => store?.getState().log('warn', text),
    scenarios: () => store?.getState().frame.scenarios ?? config.scenarios,
  });
  store = createAppStore(frameOf(config, platform.dockerUrl), setup.mode, clock(), clock);
  const st = store;

  // Every sample that reaches the store is also recorded (buffered; written every other second),
  // and so is every failure, so a replay shows outages as they were.
  const recorder = opts.recordDir
    ? new SessionRecorder({
        dir: opts.recordDir,
        maxFileBytes: config.recording?.maxFileBytes,
        maxTotalBytes: config.recording?.maxTotalBytes,
        header: { startedAt: clock(), project: config.project, platform: config.platform, configDigest: configDigest(config), columns: opts.size?.columns ?? 160, rows: opts.size?.rows ?? 45, frame: frameOf(config, platform.dockerUrl) },
      })
    : undefined;
  let lastFlush = 0;
  let recordingProblemShown = false;
  const backup = new BackupMode(st, clock, applySample);
  const deliver = (name: string, value: unknown, at: number) => {
    recorder?.record(name, value, at);
    // The file exists from the first sample on, so even a session killed at once leaves one.
    if (recorder && !recorder.path) recorder.flush();
    applySample(backup.liveStore, name, value, at);
  };
  scheduler = new Scheduler(
    setup.periodMs ?? config.refreshMs,
    {
      onTick: (now) => {
        if (backup.active) backup.tick(now);
        else st.getState().tick(now);
        if (recorder && now - lastFlush >= 2000) {
          lastFlush = now;
          recorder.flush();
          // Said once: a recording that stopped stays stopped.
          if (recorder.problem && !recordingProblemShown) {
            recordingProblemShown = true;
            backup.liveStore.getState().log('warn', recorder.problem);
          }
        }
      },
      onSample: (name, value, _started, at) => deliver(name, value, at),
      onError: (name, error, started) => {
        const reason = error instanceof Error ? error.message : String(error);
        // The source words its own failures; a deadline comes from the scheduler and is worded here.
        if (name === 'docker') deliver('docker!', error instanceof SourceError ? reason : describeDockerError(platform.dockerUrl, error), started);
        else if (name === 'host') deliver('host!', reason, started);
        else if (name === 'kafka') deliver('kafka!', error instanceof SourceError ? reason : describeKafkaError(config.kafka.brokers.join(','), error), started);
        else if (name === 'prometheus') deliver('prometheus', { at: started, note: `unreachable: ${reason}` }, started);
      },
    },
    clock,
  );
  for (const source of platform.sources) scheduler.add(source);

  // Details are fetched when the overlay opens for a container (the UI itself does no I/O).
  const unsubscribe = st.subscribe((state, prev) => {
    const d = state.ui.details;
    if (!d || d === prev.ui.details || !d.loading || !d.containerId) return;
    const id = d.containerId;
    platform.details(id).then(
      (data) => st.getState().setDetails({ ...d, loading: false, data }),
      (e: Error) => st.getState().setDetails({ ...d, loading: false, error: `details unavailable: ${e.message}` }),
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
    plans = new PlanWatcher(location, config.plans.file, (plan) => st.getState().applyPlan(plan));
    plans.start();
  };
  const unsubscribePlan = st.subscribe((state, prev) => {
    const ask = state.planToggle;
    if (!ask || ask === prev.planToggle) return;
    const plan = state.plan;
    const done = () => {
      st.getState().stepToggleDone();
      plans?.reload();
    };
    if (!plan?.path || plan.text === undefined) return done();
    const today = new Date().toISOString().slice(0, 10);
    void import('../sources/plans/edit.js').then(({ togglePlanStep, PlanConflictError }) =>
      togglePlanStep(plan.path!, plan.text!, ask.step, today).then(
        ({ doc }) => {
          const step = doc.steps.find((x) => x.number === ask.step);
          st.getState().log('ok', `plan: step ${ask.step} marked ${step?.status === 'complete' || step?.status === 'validated' ? 'done' : 'not done'} in ${plan.path}`);
          done();
        },
        (e: Error) => {
          st.getState().log(e instanceof PlanConflictError ? 'warn' : 'error', `plan: ${e.message}`);
          done();
        },
      ),
    );
  });

  // Failure scenarios act through the platform's actuator; the journal keeps the active faults on disk.
  const journal = opts.journal ?? new FaultJournal(config.project);
  const left = journal.load();
  if (journal.problem) st.getState().log('warn', journal.problem);
  if (left.length > 0) {
    st.getState().setFaults(left);
    const what = left.map((f) => `${f.scenario} (${f.touched.map((t) => t.name).join(', ')})`).join(', ');
    st.getState().log('error', `${left.length} fault${left.length === 1 ? '' : 's'} left active by an earlier run of k2mc: ${what} — press R to restore`);
  }
  const faults = new FaultController(st, platform.actuator, journal, clock, () => backup.liveStore);

  // Backup mode: the recording to fall back on is looked for once the first frame is drawn, so
  // that `b` switches within a frame; the runtime carries out what the keys ask.
  let search: BackupSearch | undefined;
  const findBackupRecording = (): BackupSearch | undefined => {
    if (!opts.backup || setup.mode !== 'live') return undefined;
    if (search) return search;
    search = findBackup({ dir: opts.backup.dir, golden: opts.backup.golden, exclude: recorder?.path, services: config.services });
    const c = search.choice;
    st.getState().setBackup(c ? { file: c.file, label: c.label } : { problem: search.problems.join('; ') });
    if (opts.backup.golden && search.problems.length) st.getState().log('warn', search.problems[0]!);
    return search;
  };
  const unsubscribeView = st.subscribe((state, prev) => {
    const req = state.viewRequest;
    if (!req || req === prev.viewRequest) return;
    st.getState().viewDone();
    if (req.kind !== 'backup') return backup.control(req);
    if (backup.active) return backup.leave();
    // Pressed before the search after the first frame: look now.
    const found = findBackupRecording();
    if (found?.choice) return backup.enter(found.choice);
    st.getState().log('warn', `backup mode unavailable: ${found ? found.problems.join('; ') : 'not in this mode'}`);
  });

  const afterFirstFrame = async () => {
    await startPlans();
    if (!stopped) findBackupRecording();
  };
  if (opts.autoStart !== false) {
    scheduler.start();
    void afterFirstFrame();
  }
  return {
    store: st,
    scheduler,
    platform,
    startPlans,
    afterFirstFrame,
    backup,
    clock,
    faults,
    recorder,
    stop() {
      stopped = true;
      recorder?.close();
      faults.stop();
      unsubscribe();
      unsubscribePlan();
      unsubscribeView();
      plans?.close();
      scheduler!.stop();
    },
  };
}
