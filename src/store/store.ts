import { createStore, type StoreApi } from 'zustand/vanilla';
import type { KafkaSpec, ServiceSpec } from '../config/types.js';
import type { KafkaSample } from '../model/kafka.js';
import { kafkaUnreachableView, LIVE_ZERO_AMBER_MS, nextKafkaView, type KafkaView } from '../model/kafka-view.js';
import { levelName } from '../model/degradation.js';
import type { KafkaFacts } from '../model/verdict.js';
import type { PrometheusSample } from '../sources/prometheus.js';
import type { PlanState } from '../sources/plans/load.js';
import type { ActiveFault, Scenario, StepResult } from '../control/types.js';
import type { SourceStatus } from '../sources/types.js';
import type { ContainerDetails, ContainerStats, DockerSample, HostSample, LogEvent, ProbeResult, Severity } from '../model/types.js';
import { buildRows, sameRows, type ServiceRow } from '../model/services.js';
import { diffRows } from '../model/transitions.js';

// The one store: the latest snapshot of every source, the derived service rows, a bounded event
// log, and the UI's own state (focus, selection, filter, overlays, terminal size). Sources write
// through the apply* actions; Ink components read slices and dispatch the UI actions.

export const EVENT_LOG_LIMIT = 500;

export type PanelId = 'services' | 'kafka' | 'host' | 'events';
export const PANELS: PanelId[] = ['services', 'kafka', 'host', 'events'];
/** live: the platform itself; backup: a recording instead (`b`); replay: `k2mc replay`; simulated: `k2mc demo`. */
export type Mode = 'live' | 'backup' | 'replay' | 'simulated';
export type Overlay = 'none' | 'help' | 'details' | 'checklist' | 'scenarios' | 'quit-confirm';

export interface DetailsState {
  containerId?: string;
  name: string;
  loading: boolean;
  data?: ContainerDetails;
  error?: string;
}

export interface Frame {
  platform: string;
  project: string;
  dockerUrl: string;
  readOnly: boolean;
  refreshMs: number;
  services: ServiceSpec[];
  kafka: KafkaSpec;
  scenarios: Scenario[];
  /** Simulated seconds per real second (`k2mc demo --speed`). */
  speed?: number;
}

/** A request from the keyboard to the runtime, which owns the actuator. */
export type FaultRequest = { kind: 'fire'; scenario: string } | { kind: 'restore'; faultId: string } | { kind: 'restore-all'; thenQuit?: boolean };

export interface FaultsState {
  active: ActiveFault[];
  /** The scenario armed in the menu: Enter fires it. */
  armed?: string;
  /** What the expected effect of each active fault looks like so far. */
  checks: Record<string, { status: 'pending' | 'met' | 'failed'; text: string }>;
  request?: FaultRequest & { at: number };
  /** A request is being carried out (the menu shows "working…"). */
  busy: boolean;
}

/** Where a replay stands (backup mode and `k2mc replay`). */
export interface ReplayState {
  /** The recording's file. */
  file: string;
  /** When the recording started (epoch ms). */
  recordedAt: number;
  /** Position from the recording's start, and its length (ms). */
  positionMs: number;
  durationMs: number;
  speed: number;
  paused: boolean;
  /** Lines of the file that were not complete samples (cut off, corrupt). */
  skipped: number;
  /** How often it has started over (backup mode loops). */
  loops: number;
}

/** A request from the keyboard to the runtime about what is shown (backup switch, replay controls). */
export type ViewRequest =
  | { kind: 'backup' }
  | { kind: 'pause' }
  | { kind: 'seek'; deltaMs: number }
  | { kind: 'speed'; direction: 1 | -1 };

/** The presenter's demo timer (`t`), with section markers (`n`). */
export interface DemoTimer {
  running: boolean;
  /** When the current run of the timer started (platform time). */
  startedAt?: number;
  /** Time counted before the current run (the timer was stopped and started again). */
  accumulatedMs: number;
  sections: { label: string; at: number; elapsedMs: number }[];
}

/** The demo's target length (the plan's 12 minutes). */
export const DEMO_TARGET_MS = 12 * 60_000;

export function timerElapsed(t: DemoTimer, now: number): number {
  return t.accumulatedMs + (t.running && t.startedAt !== undefined ? Math.max(0, now - t.startedAt) : 0);
}

export interface AppState {
  frame: Frame;
  mode: Mode;
  now: number;
  /** Set in backup and replay modes. */
  replay?: ReplayState;
  /** What `b` would switch to, found after start-up: a recording, or why there is none. */
  backup: { file?: string; label?: string; problem?: string };
  viewRequest?: ViewRequest & { at: number };
  timer: DemoTimer;
  docker: { status: SourceStatus; sample?: DockerSample };
  /** CPU and memory per container id, from the stats source. */
  stats: Record<string, ContainerStats>;
  probes: Record<string, ProbeResult>;
  host: { status: SourceStatus; sample?: HostSample };
  kafka: { status: SourceStatus; view?: KafkaView };
  /** The platform's own degradation figures; undefined when no Prometheus is configured. */
  prometheus?: PrometheusSample;
  /** The demo-readiness plan as last read from disk. */
  plan?: PlanState;
  /** A step the presenter asked to mark done/undone; the runtime edits the file and clears it. */
  planToggle?: { step: string; at: number };
  faults: FaultsState;
  rows: ServiceRow[];
  events: LogEvent[];
  ui: {
    panel: PanelId;
    selected: number;
    filter: string;
    filtering: boolean;
    overlay: Overlay;
    details?: DetailsState;
    /** Selected step of the checklist. */
    step: number;
    columns: number;
    rows: number;
  };
  /** Set by the app when a key asks to leave; the runtime decides how. */
  quitRequested: boolean;
}

export interface Actions {
  tick(now: number): void;
  applyDocker(sample: DockerSample, at: number): void;
  dockerFailed(reason: string, at: number): void;
  applyStats(stats: Record<string, ContainerStats>, at: number): void;
  applyProbes(probes: Record<string, ProbeResult>, at: number): void;
  applyHost(sample: HostSample, at: number): void;
  hostFailed(reason: string, at: number): void;
  applyKafka(sample: KafkaSample, at: number): void;
  kafkaFailed(reason: string, at: number): void;
  applyPrometheus(sample: PrometheusSample): void;
  applyPlan(plan: PlanState): void;
  toggleChecklist(): void;
  moveStep(delta: number): void;
  requestStepToggle(): void;
  stepToggleDone(): void;
  openScenarios(): void;
  armScenario(key: string): void;
  fireArmed(): void;
  /** Restore the latest fault (or `faultId`), or all of them. */
  requestRestore(all: boolean, thenQuit?: boolean, faultId?: string): void;
  faultFired(fault: ActiveFault | undefined, scenario: string, results: StepResult[], at: number): void;
  faultRestored(faultId: string | undefined, results: StepResult[], at: number): void;
  setFaults(active: ActiveFault[]): void;
  setCheck(faultId: string, check: { status: 'pending' | 'met' | 'failed'; text: string }, at: number): void;
  requestDone(): void;
  /** Leave now, whatever is still active (the runtime prints how to restore it by hand). */
  quitNow(): void;
  log(severity: Severity, text: string, at?: number): void;
  /** Ask the runtime to switch live ⇄ backup, or to steer the replay. */
  requestView(request: ViewRequest): void;
  viewDone(): void;
  setBackup(backup: AppState['backup']): void;
  setReplay(replay: ReplayState | undefined): void;
  /** `t`: start or stop the demo timer. */
  toggleTimer(): void;
  /** `n`: mark the start of the next section of the demo. */
  markSection(): void;
  // UI
  resize(columns: number, rows: number): void;
  focusNext(): void;
  focusPrev(): void;
  moveSelection(delta: number, count: number): void;
  startFilter(): void;
  typeFilter(text: string): void;
  endFilter(keep: boolean): void;
  toggleHelp(): void;
  openDetails(row: ServiceRow): void;
  setDetails(details: DetailsState): void;
  closeOverlay(): void;
  requestQuit(): void;
}

export type Store = StoreApi<AppState & Actions>;

export function initialState(frame: Frame, mode: Mode = 'live', now = Date.now()): AppState {
  return {
    frame,
    mode,
    now,
    docker: { status: { state: 'connecting' } },
    stats: {},
    probes: {},
    host: { status: { state: 'connecting' } },
    kafka: { status: { state: 'connecting' } },
    faults: { active: [], checks: {}, busy: false },
    backup: {},
    timer: { running: false, accumulatedMs: 0, sections: [] },
    rows: buildRows(frame.services, undefined, {}, {}),
    events: [],
    ui: { panel: 'services', selected: 0, filter: '', filtering: false, overlay: 'none', step: 0, columns: 160, rows: 45 },
    quitRequested: false,
  };
}

/** 3:07 style, for the timer. */
export function formatMinutes(ms: number): string {
  const total = Math.floor(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

export function appendEvents(events: LogEvent[], more: LogEvent[]): LogEvent[] {
  if (more.length === 0) return events;
  const next = events.concat(more);
  return next.length > EVENT_LOG_LIMIT ? next.slice(next.length - EVENT_LOG_LIMIT) : next;
}

/** `clock` stamps what the presenter does (virtual time in `k2mc demo`, the recorded time in a replay). */
export function createAppStore(frame: Frame, mode: Mode = 'live', now = Date.now(), clock: () => number = Date.now): Store {
  return createStore<AppState & Actions>()((set) => {
    // Every change of containers, stats or probes rebuilds the rows and logs what changed.
    type Inputs = Pick<AppState, 'docker' | 'stats' | 'probes'>;
    const withRows = (state: AppState, at: number, changed: Partial<Inputs>, extra: LogEvent[] = []) => {
      const { docker, stats, probes }: Inputs = { docker: state.docker, stats: state.stats, probes: state.probes, ...changed };
      const reachable = docker.status.state === 'ok';
      const built = buildRows(state.frame.services, reachable ? docker.sample?.containers : undefined, stats, probes);
      // Unchanged rows keep their identity, so a sample that changes nothing draws no frame.
      const rows = sameRows(state.rows, built) ? state.rows : built;
      // No transitions are logged for the first sample, or across an outage of the engine:
      // "everything → missing" would drown the one line that matters.
      const wasReachable = state.docker.status.state === 'ok';
      const changes = wasReachable && reachable ? diffRows(state.rows, rows, at) : [];
      return { docker, stats, probes, rows, events: appendEvents(state.events, [...extra, ...changes]) };
    };
    return {
      ...initialState(frame, mode, now),

      tick: (t) => set({ now: t }),

      applyDocker: (sample, at) =>
        set((s) => {
          const extra: LogEvent[] = [];
          if (s.docker.status.state === 'unreachable') {
            extra.push({ at, severity: 'ok', text: `Docker engine reachable again at ${sample.engine.url}` });
          } else if (s.docker.status.state === 'connecting') {
            const v = sample.engine.version ? ` (engine ${sample.engine.version})` : '';
            extra.push({ at, severity: 'info', text: `Docker connected at ${sample.engine.url}${v}: ${sample.containers.length} containers of project ${s.frame.project}` });
          }
          return withRows(s, at, { docker: { status: { state: 'ok', at }, sample } }, extra);
        }),

      dockerFailed: (reason, at) =>
        set((s) => {
          const prev = s.docker.status;
          if (prev.state === 'unreachable' && prev.reason === reason) return {};
          const since = prev.state === 'unreachable' ? prev.since : at;
          const extra: LogEvent[] = [{ at, severity: 'error', text: reason }];
          return withRows(s, at, { docker: { status: { state: 'unreachable', reason, since }, sample: undefined }, stats: {} }, extra);
        }),

      applyStats: (stats, at) => set((s) => withRows(s, at, { stats })),
      applyProbes: (probes, at) => set((s) => withRows(s, at, { probes })),

      applyHost: (sample, at) =>
        set((s) => ({
          host: { status: { state: 'ok', at }, sample },
          events: s.host.status.state === 'unreachable' ? appendEvents(s.events, [{ at, severity: 'ok', text: 'host metrics available again' }]) : s.events,
        })),

      hostFailed: (reason, at) =>
        set((s) => {
          const prev = s.host.status;
          if (prev.state === 'unreachable' && prev.reason === reason) return {};
          return {
            host: { status: { state: 'unreachable', reason, since: prev.state === 'unreachable' ? prev.since : at }, sample: s.host.sample },
            events: appendEvents(s.events, [{ at, severity: 'warn', text: `host metrics: ${reason}` }]),
          };
        }),

      applyKafka: (sample, at) =>
        set((s) => {
          const h = s.host.sample;
          const memoryPct = h?.memUsed !== undefined && h.memTotal ? (h.memUsed / h.memTotal) * 100 : undefined;
          const { view, events } = nextKafkaView(s.kafka.view, sample, { liveTopic: s.frame.kafka.liveTopic, groups: s.frame.kafka.groups, memoryPct });
          const extra: LogEvent[] = [];
          const brokers = s.frame.kafka.brokers.join(',');
          const cluster = `${view.brokers} broker${view.brokers === 1 ? '' : 's'}${view.controller !== undefined ? `, controller ${view.controller}` : ''}`;
          if (s.kafka.status.state === 'unreachable') extra.push({ at, severity: 'ok', text: `Kafka broker reachable again at ${brokers} (${cluster})` });
          else if (s.kafka.status.state === 'connecting') {
            const missing = view.missingTopics.length ? `; missing topics: ${view.missingTopics.join(', ')}` : '';
            extra.push({ at, severity: view.missingTopics.length ? 'warn' : 'info', text: `Kafka connected at ${brokers} (${cluster})${missing}` });
          }
          return { kafka: { status: { state: 'ok', at }, view }, events: appendEvents(s.events, [...extra, ...events]) };
        }),

      kafkaFailed: (reason, at) =>
        set((s) => {
          const prev = s.kafka.status;
          if (prev.state === 'unreachable') return prev.reason === reason ? {} : { kafka: { ...s.kafka, status: { ...prev, reason } } };
          return {
            kafka: { status: { state: 'unreachable', reason, since: at }, view: kafkaUnreachableView(s.kafka.view) },
            events: appendEvents(s.events, [{ at, severity: 'error', text: reason }]),
          };
        }),

      applyPrometheus: (sample) => set({ prometheus: sample }),

      applyPlan: (plan) =>
        set((s) => {
          const before = s.plan;
          const extra: LogEvent[] = [];
          const name = plan.path ? plan.path.split('/').pop() : undefined;
          if (plan.error && plan.error !== before?.error) extra.push({ at: plan.at, severity: 'warn', text: `plan: ${plan.error}` });
          else if (plan.score && before && plan.text !== before.text) {
            extra.push({ at: plan.at, severity: 'info', text: `plan ${name} changed on disk: ${plan.score.stepsDone}/${plan.score.stepsTotal} steps, ${plan.score.computedScore}/${plan.score.maxScore}` });
          }
          const steps = plan.doc?.steps.length ?? 0;
          return { plan, ui: { ...s.ui, step: Math.min(s.ui.step, Math.max(0, steps - 1)) }, events: appendEvents(s.events, extra) };
        }),

      toggleChecklist: () => set((s) => ({ ui: { ...s.ui, overlay: s.ui.overlay === 'checklist' ? 'none' : 'checklist' } })),
      moveStep: (delta) =>
        set((s) => {
          const n = s.plan?.doc?.steps.length ?? 0;
          return { ui: { ...s.ui, step: n === 0 ? 0 : Math.max(0, Math.min(n - 1, s.ui.step + delta)) } };
        }),
      requestStepToggle: () =>
        set((s) => {
          const step = s.plan?.doc?.steps[s.ui.step];
          if (!step) return {};
          if (s.frame.readOnly) return { events: appendEvents(s.events, [{ at: clock(), severity: 'warn', text: `read-only: step ${step.number} not changed (started with --read-only)` }]) };
          return { planToggle: { step: step.number, at: clock() } };
        }),
      stepToggleDone: () => set({ planToggle: undefined }),

      openScenarios: () =>
        set((s) => {
          if (s.mode === 'backup' || s.mode === 'replay') {
            const why = s.mode === 'backup' ? 'backup mode shows a recording (b goes back to live)' : 'a replay shows a recording';
            return { events: appendEvents(s.events, [{ at: clock(), severity: 'warn', text: `failure scenarios are disabled: ${why}` }]) };
          }
          if (s.frame.readOnly) return { events: appendEvents(s.events, [{ at: clock(), severity: 'warn', text: 'read-only: failure scenarios are disabled (started with --read-only)' }]) };
          return { ui: { ...s.ui, overlay: 'scenarios' }, faults: { ...s.faults, armed: undefined } };
        }),
      armScenario: (key) =>
        set((s) => {
          // '' disarms (Esc); a key that is no scenario's changes nothing.
          if (key === '') return { faults: { ...s.faults, armed: undefined } };
          const sc = s.frame.scenarios.find((x) => x.key === key);
          return sc ? { faults: { ...s.faults, armed: sc.name } } : {};
        }),
      fireArmed: () =>
        set((s) => {
          const name = s.faults.armed;
          if (!name || s.faults.busy || s.frame.readOnly || s.mode === 'backup' || s.mode === 'replay') return {};
          return { ui: { ...s.ui, overlay: 'none' }, faults: { ...s.faults, armed: undefined, busy: true, request: { kind: 'fire', scenario: name, at: clock() } } };
        }),
      requestRestore: (all, thenQuit, faultId) =>
        set((s) => {
          if (s.frame.readOnly) return { events: appendEvents(s.events, [{ at: clock(), severity: 'warn', text: 'read-only: nothing to restore (no action is taken with --read-only)' }]) };
          if (s.faults.busy) return {};
          const latest = faultId ? s.faults.active.find((f) => f.id === faultId) : s.faults.active.at(-1);
          if (!latest) {
            if (thenQuit) return { quitRequested: true };
            return { events: appendEvents(s.events, [{ at: clock(), severity: 'info', text: 'no active fault to restore' }]) };
          }
          const request: FaultRequest = all ? { kind: 'restore-all', thenQuit } : { kind: 'restore', faultId: latest.id };
          return { ui: { ...s.ui, overlay: s.ui.overlay === 'quit-confirm' ? 'none' : s.ui.overlay }, faults: { ...s.faults, busy: true, request: { ...request, at: clock() } } };
        }),
      faultFired: (fault, scenario, results, at) =>
        set((s) => ({
          faults: { ...s.faults, active: fault && fault.touched.length ? [...s.faults.active, fault] : s.faults.active },
          events: appendEvents(s.events, [
            { at, severity: 'warn', text: `scenario ${scenario} fired` },
            ...results.map((r) => ({ at, severity: (r.ok ? 'info' : 'error') as Severity, text: `${scenario}: ${r.text}${r.ok ? '' : ' ✗'}` })),
          ]),
        })),
      faultRestored: (faultId, results, at) =>
        set((s) => {
          const fault = s.faults.active.find((f) => f.id === faultId);
          const ok = results.every((r) => r.ok);
          const { [faultId ?? '']: _gone, ...checks } = s.faults.checks;
          return {
            faults: { ...s.faults, active: ok ? s.faults.active.filter((f) => f.id !== faultId) : s.faults.active, checks: ok ? checks : s.faults.checks },
            events: appendEvents(s.events, results.map((r) => ({ at, severity: (r.ok ? 'ok' : 'error') as Severity, text: `restore ${fault?.scenario ?? ''}: ${r.text}${r.ok ? '' : ' ✗'}` }))),
          };
        }),
      setFaults: (active) => set((s) => ({ faults: { ...s.faults, active } })),
      setCheck: (faultId, check, at) =>
        set((s) => {
          const before = s.faults.checks[faultId];
          if (before && before.text === check.text) return {};
          const fault = s.faults.active.find((f) => f.id === faultId);
          const extra: LogEvent[] =
            check.status !== 'pending' && before?.status !== check.status ? [{ at, severity: check.status === 'met' ? 'ok' : 'error', text: `${fault?.scenario ?? 'scenario'}: ${check.text}` }] : [];
          return { faults: { ...s.faults, checks: { ...s.faults.checks, [faultId]: check } }, events: appendEvents(s.events, extra) };
        }),
      requestDone: () => set((s) => ({ faults: { ...s.faults, busy: false, request: undefined } })),
      quitNow: () => set({ quitRequested: true }),

      log: (severity, text, at = clock()) => set((s) => ({ events: appendEvents(s.events, [{ at, severity, text }]) })),

      requestView: (request) =>
        set((s) => {
          if (s.viewRequest) return {};
          if (request.kind === 'backup' && s.mode !== 'live' && s.mode !== 'backup') {
            return { events: appendEvents(s.events, [{ at: clock(), severity: 'info', text: `backup mode is for live sessions (this is ${s.mode === 'simulated' ? 'the simulation' : 'a replay'})` }]) };
          }
          if (request.kind !== 'backup' && !s.replay) return {};
          return { viewRequest: { ...request, at: clock() } };
        }),
      viewDone: () => set({ viewRequest: undefined }),
      setBackup: (backup) => set({ backup }),
      setReplay: (replay) => set({ replay }),
      toggleTimer: () =>
        set((s) => {
          const t = s.timer;
          const now = clock();
          if (t.running) return { timer: { ...t, running: false, startedAt: undefined, accumulatedMs: timerElapsed(t, now) } };
          const first = t.accumulatedMs === 0 && t.sections.length === 0;
          return { timer: { ...t, running: true, startedAt: now, sections: first ? [{ label: 'section 1', at: now, elapsedMs: 0 }] : t.sections } };
        }),
      markSection: () =>
        set((s) => {
          const t = s.timer;
          if (!t.running) return {};
          const now = clock();
          const label = `section ${t.sections.length + 1}`;
          return { timer: { ...t, sections: [...t.sections, { label, at: now, elapsedMs: timerElapsed(t, now) }] }, events: appendEvents(s.events, [{ at: now, severity: 'info', text: `demo timer: ${label} at ${formatMinutes(timerElapsed(t, now))}` }]) };
        }),

      resize: (columns, rows) => set((s) => ({ ui: { ...s.ui, columns, rows } })),
      focusNext: () => set((s) => ({ ui: { ...s.ui, panel: PANELS[(PANELS.indexOf(s.ui.panel) + 1) % PANELS.length]! } })),
      focusPrev: () =>
        set((s) => ({ ui: { ...s.ui, panel: PANELS[(PANELS.indexOf(s.ui.panel) + PANELS.length - 1) % PANELS.length]! } })),
      moveSelection: (delta, count) =>
        set((s) => ({ ui: { ...s.ui, selected: count === 0 ? 0 : Math.max(0, Math.min(count - 1, s.ui.selected + delta)) } })),
      startFilter: () => set((s) => ({ ui: { ...s.ui, filtering: true, panel: 'services' } })),
      typeFilter: (text) => set((s) => ({ ui: { ...s.ui, filter: text, selected: 0 } })),
      endFilter: (keep) => set((s) => ({ ui: { ...s.ui, filtering: false, filter: keep ? s.ui.filter : '', selected: keep ? s.ui.selected : 0 } })),
      toggleHelp: () => set((s) => ({ ui: { ...s.ui, overlay: s.ui.overlay === 'help' ? 'none' : 'help' } })),
      openDetails: (row) =>
        set((s) => ({
          ui: { ...s.ui, overlay: 'details', details: { containerId: row.containerId, name: row.name, loading: Boolean(row.containerId) } },
        })),
      setDetails: (details) => set((s) => (s.ui.overlay === 'details' ? { ui: { ...s.ui, details } } : {})),
      closeOverlay: () => set((s) => ({ ui: { ...s.ui, overlay: 'none', details: undefined } })),
      // With faults still active, quitting asks first (restore by default).
      requestQuit: () => set((s) => (s.faults.active.length > 0 && !s.frame.readOnly ? { ui: { ...s.ui, overlay: 'quit-confirm' } } : { quitRequested: true })),
    };
  });
}

/** The rows the services panel shows: filtered by the `/` text (name, service or status). */
export function visibleRows(rows: ServiceRow[], filter: string): ServiceRow[] {
  const f = filter.trim().toLowerCase();
  if (!f) return rows;
  return rows.filter((r) => r.name.toLowerCase().includes(f) || (r.service ?? '').includes(f) || r.status.includes(f));
}

/** What the verdict needs to know about Kafka, read from the state. */
export function kafkaFacts(s: AppState): KafkaFacts {
  const spec = s.frame.kafka;
  const view = s.kafka.view;
  const stream = spec.streamService ? s.rows.find((r) => r.key === spec.streamService || r.service === spec.streamService) : undefined;
  const since = view?.liveZeroSince;
  return {
    state: s.kafka.status.state,
    liveTopic: spec.liveTopic,
    liveStalled: since !== undefined && s.now - since >= LIVE_ZERO_AMBER_MS,
    // Without a configured stream service, a stall always counts.
    streamRunning: stream ? stream.status === 'running' || stream.status === 'external' : !spec.streamService,
    liveMissing: spec.liveTopic !== undefined && (view?.missingTopics.includes(spec.liveTopic) ?? false),
    degraded: (view?.groups ?? [])
      .filter((g) => (g.level?.level ?? 0) > 0)
      .map((g) => ({ groupId: g.groupId, level: g.level!.level, name: levelName(g.level!.level) }))
      .sort((a, b) => b.level - a.level),
  };
}
