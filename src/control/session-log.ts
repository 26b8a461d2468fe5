import { kafkaFacts, timerElapsed, DEMO_TARGET_MS, type AppState, type DemoTimer, type FaultsState, type Mode, type Store } from '../store/store.js';
import { combineVerdicts, kafkaVerdict, servicesVerdict, type Level, type Verdict } from '../model/verdict.js';
import type { LogEvent } from '../model/types.js';
import type { ActiveFault } from './types.js';

// What the session report needs, recorded as it happens: the store's event log is bounded (and
// replaced in backup mode), so nothing here relies on reading it back later. Every list is bounded
// too; past the limit the oldest entries go and are counted.
//
// Fault facts come from the state (faults.active, faults.checks) and from the lines the store's
// actions log in the same change (faultFired, setCheck, faultRestored, the controller's
// "auto-restore"): those carry the times and the step results.

export const SESSION_LIST_LIMIT = 1000;

/** Who restored a fault: its auto-restore, `r`, `R`, the quit prompt, or k2mc on its way out. */
export type RestoredBy = 'auto' | 'key' | 'all' | 'quit' | 'exit';

export interface ScenarioRecord {
  scenario: string;
  faultId?: string;
  /** When the fault started (the actuator's time), else when the firing was logged. */
  firedAt: number;
  /** The containers it touched. */
  targets: string[];
  steps: { ok: boolean; text: string }[];
  /** Left active by an earlier run of k2mc (found in the fault journal), not fired in this session. */
  inherited: boolean;
  hasExpectation: boolean;
  /** The overall verdict just before it fired: recovery means back to this (or to green). */
  before: Level;
  /** The worst overall verdict from firing until recovery. */
  worst: Level;
  effect?: { status: 'met' | 'failed'; at: number; afterMs: number; text: string };
  restoredAt?: number;
  restoredBy?: RestoredBy;
  /** Failed restore steps (the fault then stays active). */
  restoreProblems: string[];
  recoveredAt?: number;
  /** From the restore until the verdict was back to `before` (or green). */
  recoveryMs?: number;
  recoveredTo?: Level;
}

export interface BackupSwitch {
  at: number;
  /** 'backup' on the way in; the mode returned to on the way out. */
  to: Mode;
  label?: string;
  file?: string;
  /** On the way out: how long the screen showed the recording. */
  afterMs?: number;
}

export interface VerdictChange {
  at: number;
  level: Level;
  reasons: string[];
}

export interface SessionData {
  platform: string;
  project: string;
  /** The mode at start. */
  mode: Mode;
  /** Platform time (virtual in `k2mc demo`). */
  startedAt: number;
  endedAt: number;
  wallStartedAt: number;
  wallEndedAt: number;
  /** stop() was called. */
  ended: boolean;
  scenarios: ScenarioRecord[];
  backupSwitches: BackupSwitch[];
  redEvents: LogEvent[];
  verdicts: VerdictChange[];
  timer: { started: boolean; running: boolean; elapsedMs: number; targetMs: number; sections: DemoTimer['sections'] };
  /** Entries dropped from the front of each list past its limit. */
  dropped: { scenarios: number; backupSwitches: number; redEvents: number; verdicts: number; sections: number };
}

export interface SessionLogOptions {
  /** The platform's time, as given to the store (default Date.now). */
  clock?: () => number;
  /** Real time, for the wall-clock duration (default Date.now). */
  wallClock?: () => number;
  /** Where the platform is measured: in backup mode the screen's store shows a recording (pass `() => backup.liveStore`). */
  measured?: () => Store;
  /** Most entries kept per list. */
  limit?: number;
}

const RANK: Record<Level, number> = { unknown: 0, green: 1, amber: 2, red: 3 };

/** The header's overall verdict (see src/ui/Header.tsx). */
export function overallVerdict(s: AppState): Verdict {
  const docker = s.docker.status.state;
  return combineVerdicts(servicesVerdict(s.rows, docker === 'connecting' ? undefined : docker === 'ok'), kafkaVerdict(kafkaFacts(s)));
}

class Bounded<T> {
  readonly items: T[] = [];
  dropped = 0;
  constructor(private readonly limit: number) {}
  /** Returns the entry pushed out, if any. */
  push(item: T): T | undefined {
    this.items.push(item);
    if (this.items.length <= this.limit) return undefined;
    this.dropped++;
    return this.items.shift();
  }
}

/** The events `next` added after `prev` (appendEvents keeps the old ones' identity); none when the log was replaced. */
function appended(prev: LogEvent[], next: LogEvent[]): LogEvent[] {
  if (prev === next) return [];
  const last = prev.at(-1);
  if (!last) return next;
  const i = next.lastIndexOf(last);
  return i < 0 ? [] : next.slice(i + 1);
}

function restoredBy(request: FaultsState['request']): RestoredBy {
  if (!request) return 'exit';
  if (request.kind === 'restore-all') return request.thenQuit ? 'quit' : 'all';
  return 'key';
}

export class SessionLog {
  private readonly clock: () => number;
  private readonly wall: () => number;
  private readonly measured: () => Store;
  private readonly limit: number;
  private readonly scenarios: Bounded<ScenarioRecord>;
  private readonly switches: Bounded<BackupSwitch>;
  private readonly red: Bounded<LogEvent>;
  private readonly verdicts: Bounded<VerdictChange>;
  /** Records not yet recovered, by fault id. */
  private readonly open = new Map<string, ScenarioRecord>();
  /** Faults whose auto-restore was asked for (the controller logs it just before). */
  private readonly autoAsked = new Set<string>();
  /** Events already looked at, in whichever store (backup mode moves them between stores). */
  private readonly seen = new WeakSet<LogEvent>();
  private level: Level = 'unknown';
  private lastInputs: unknown[] = [];
  private readonly startedAt: number;
  private readonly wallStartedAt: number;
  private readonly startMode: Mode;
  private backupSince?: number;
  private ended?: { at: number; wall: number; timer: DemoTimer };
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    opts: SessionLogOptions = {},
  ) {
    this.clock = opts.clock ?? Date.now;
    this.wall = opts.wallClock ?? Date.now;
    this.measured = opts.measured ?? (() => store);
    this.limit = opts.limit ?? SESSION_LIST_LIMIT;
    this.scenarios = new Bounded(this.limit);
    this.switches = new Bounded(this.limit);
    this.red = new Bounded(this.limit);
    this.verdicts = new Bounded(this.limit);
    this.startedAt = this.clock();
    this.wallStartedAt = this.wall();
    const s = store.getState();
    this.startMode = s.mode;
    if (s.mode === 'backup') this.backupSince = this.startedAt;
    for (const f of s.faults.active) this.addRecord(f.scenario, f, f.startedAt, [], s, true);
    this.observePlatform(s);
    this.unsubscribe = store.subscribe((state, prev) => this.onChange(state, prev));
  }

  stop(): void {
    if (this.ended) return;
    const s = this.store.getState();
    this.observePlatform(s); // what reached the measured store since the last change of this one
    this.unsubscribe();
    this.ended = { at: this.clock(), wall: this.wall(), timer: s.timer };
  }

  snapshot(): SessionData {
    const s = this.store.getState();
    const end = this.ended ?? { at: this.clock(), wall: this.wall(), timer: s.timer };
    const t = end.timer;
    const sections = t.sections.slice(-this.limit);
    return structuredClone({
      platform: s.frame.platform,
      project: s.frame.project,
      mode: this.startMode,
      startedAt: this.startedAt,
      endedAt: end.at,
      wallStartedAt: this.wallStartedAt,
      wallEndedAt: end.wall,
      ended: this.ended !== undefined,
      scenarios: this.scenarios.items,
      backupSwitches: this.switches.items,
      redEvents: this.red.items,
      verdicts: this.verdicts.items,
      timer: { started: t.running || t.accumulatedMs > 0 || t.sections.length > 0, running: t.running, elapsedMs: timerElapsed(t, end.at), targetMs: DEMO_TARGET_MS, sections },
      dropped: {
        scenarios: this.scenarios.dropped,
        backupSwitches: this.switches.dropped,
        redEvents: this.red.dropped,
        verdicts: this.verdicts.dropped,
        sections: t.sections.length - sections.length,
      },
    });
  }

  private onChange(state: AppState, prev: AppState): void {
    const batch = appended(prev.events, state.events);
    if (state.mode !== prev.mode) this.onModeChange(state, prev);
    this.onFaults(state, prev, batch);
    this.observePlatform(state);
  }

  private onModeChange(state: AppState, prev: AppState): void {
    const at = this.clock();
    if (state.mode === 'backup') {
      this.backupSince = at;
      this.switches.push({ at, to: 'backup', label: state.backup.label, file: state.backup.file });
    } else if (prev.mode === 'backup') {
      const afterMs = this.backupSince !== undefined ? at - this.backupSince : undefined;
      this.backupSince = undefined;
      this.switches.push({ at, to: state.mode, label: prev.backup.label, file: prev.backup.file, afterMs });
    }
  }

  private onFaults(state: AppState, prev: AppState, batch: LogEvent[]): void {
    const before = new Set(prev.faults.active.map((f) => f.id));
    const added = state.faults.active === prev.faults.active ? [] : state.faults.active.filter((f) => !before.has(f.id));
    batch.forEach((e, i) => {
      // faultFired: "scenario X fired", then one "X: <step>" line per step (error when it failed).
      const fired = e.severity === 'warn' ? /^scenario (.+) fired$/.exec(e.text) : null;
      if (fired) {
        const name = fired[1]!;
        const steps: ScenarioRecord['steps'] = [];
        for (const x of batch.slice(i + 1)) {
          if (!x.text.startsWith(`${name}: `)) break;
          steps.push({ ok: x.severity !== 'error', text: x.text.slice(name.length + 2).replace(/ ✗$/, '') });
        }
        const k = added.findIndex((f) => f.scenario === name);
        const fault = k < 0 ? undefined : added.splice(k, 1)[0];
        this.addRecord(name, fault, fault?.startedAt ?? e.at, steps, state, false);
      }
      const auto = / auto-restore$/.test(e.text) ? state.faults.active.find((f) => e.text === `${f.scenario}: auto-restore` && f.autoRestoreAt !== undefined && f.autoRestoreAt <= e.at) : undefined;
      if (auto) this.autoAsked.add(auto.id);
    });
    // Active without a firing line: put there from the fault journal.
    for (const f of added) this.addRecord(f.scenario, f, f.startedAt, [], state, true);

    if (state.faults.checks !== prev.faults.checks) {
      for (const [id, check] of Object.entries(state.faults.checks)) {
        const rec = this.open.get(id);
        if (!rec || rec.effect || check.status === 'pending') continue;
        const at = batch.find((e) => e.text === `${rec.scenario}: ${check.text}`)?.at ?? this.clock();
        rec.effect = { status: check.status, at, afterMs: at - rec.firedAt, text: check.text };
      }
    }

    const now = new Set(state.faults.active.map((f) => f.id));
    for (const f of prev.faults.active) {
      const rec = this.open.get(f.id);
      if (now.has(f.id) || !rec) continue;
      rec.restoredAt = batch.find((e) => e.text.startsWith(`restore ${f.scenario}: `))?.at ?? this.clock();
      rec.restoredBy = this.autoAsked.has(f.id) ? 'auto' : restoredBy(state.faults.request);
      this.autoAsked.delete(f.id);
    }
    // A failed restore leaves the fault active; its lines say why.
    for (const e of batch) {
      if (e.severity !== 'error' || !e.text.startsWith('restore ')) continue;
      const f = [...state.faults.active].reverse().find((x) => e.text.startsWith(`restore ${x.scenario}: `));
      const rec = f && this.open.get(f.id);
      if (rec && rec.restoreProblems.length < 20) rec.restoreProblems.push(e.text.slice(`restore ${rec.scenario}: `.length).replace(/ ✗$/, ''));
    }
  }

  private addRecord(name: string, fault: ActiveFault | undefined, firedAt: number, steps: ScenarioRecord['steps'], state: AppState, inherited: boolean): void {
    const rec: ScenarioRecord = {
      scenario: name,
      faultId: fault?.id,
      firedAt,
      targets: fault?.touched.map((t) => t.name) ?? [],
      steps,
      inherited,
      hasExpectation: state.frame.scenarios.some((x) => x.name === name && x.expect !== undefined),
      before: this.level,
      worst: this.level,
      restoreProblems: [],
    };
    const out = this.scenarios.push(rec);
    if (out?.faultId) this.open.delete(out.faultId);
    if (fault) this.open.set(fault.id, rec);
  }

  /** The verdict of the measured platform, and the red events of both stores. */
  private observePlatform(screen: AppState): void {
    const store = this.measured();
    const separate = store !== this.store;
    const s = separate ? store.getState() : screen;
    // Without a separate measured store, backup mode leaves nothing of the platform to look at.
    const recording = !separate && screen.mode === 'backup';
    this.collectRed(s.events, recording);
    // The screen shows a recording while the live platform is measured elsewhere: only what was
    // logged during this session counts (a recording's lines carry their recorded times).
    if (separate) this.collectRed(screen.events, true);
    if (recording) return;
    const inputs = [s.rows, s.docker, s.kafka, s.now, s.frame];
    if (inputs.every((x, i) => x === this.lastInputs[i])) return;
    this.lastInputs = inputs;
    const v = overallVerdict(s);
    const at = this.clock();
    if (v.level !== this.level || this.verdicts.items.length + this.verdicts.dropped === 0) {
      this.level = v.level;
      // Green keeps the reasons of an unknown part ("connecting to Docker"): not worth a line.
      this.verdicts.push({ at, level: v.level, reasons: v.level === 'green' ? [] : v.reasons.slice(0, 3) });
    }
    for (const [id, rec] of this.open) {
      if (RANK[v.level] > RANK[rec.worst]) rec.worst = v.level;
      if (rec.restoredAt === undefined || v.level === 'unknown') continue;
      if (RANK[v.level] <= Math.max(RANK[rec.before], RANK.green)) {
        rec.recoveredAt = at;
        rec.recoveryMs = at - rec.restoredAt;
        rec.recoveredTo = v.level;
        this.open.delete(id);
      }
    }
  }

  private collectRed(events: LogEvent[], recorded: boolean): void {
    const fresh: LogEvent[] = [];
    for (let i = events.length - 1; i >= 0 && !this.seen.has(events[i]!); i--) fresh.push(events[i]!);
    for (const e of fresh.reverse()) {
      this.seen.add(e);
      if (e.severity === 'error' && (!recorded || e.at >= this.startedAt)) this.red.push({ ...e });
    }
  }
}
