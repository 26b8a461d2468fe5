import type { Store } from '../store/store.js';
import type { ActiveFault, Actuator } from './types.js';
import type { FaultJournal } from './journal.js';
import { checkExpectation, type ExpectationInput } from './expect.js';

// The runtime side of failure scenarios: carries out what the keyboard asked for (fire, restore,
// restore all) through the one actuator, restores faults whose time is up, checks each active
// fault's expected effect against what the panels measure, and keeps the journal on disk in step
// with the active faults, so that a crash never leaves faults nobody knows about.

export class FaultController {
  private unsubscribe: () => void;
  private stopped = false;
  /** Faults whose auto-restore was asked for once: a failed one is not retried every tick. */
  private autoAsked = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly actuator: Actuator,
    private readonly journal: FaultJournal,
    /** The platform's time (virtual in `k2mc demo`), for the times of what was done. */
    private readonly clock: () => number = Date.now,
    /** Where the platform's measured state is (in backup mode the screen shows a recording instead). */
    private readonly measured: () => Store = () => store,
  ) {
    this.unsubscribe = store.subscribe((state, prev) => {
      const req = state.faults.request;
      if (req && req !== prev.faults.request) void this.handle();
      if (state.faults.active !== prev.faults.active) this.journal.save(state.faults.active);
      // The platform's time, not the screen's: in backup mode the store shows the recording's time.
      if (state.now !== prev.now) this.onTick(this.measured().getState().now);
    });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
  }

  private async handle(): Promise<void> {
    const s = this.store.getState();
    const req = s.faults.request;
    if (!req) return;
    try {
      if (req.kind === 'fire') {
        const scenario = s.frame.scenarios.find((x) => x.name === req.scenario);
        if (scenario) {
          const { fault, results } = await this.actuator.fire(scenario);
          this.store.getState().faultFired(fault, scenario.name, results, this.clock());
        }
      } else if (req.kind === 'restore') {
        const fault = s.faults.active.find((f) => f.id === req.faultId);
        if (fault) await this.restoreOne(fault);
      } else {
        for (const fault of [...s.faults.active].reverse()) await this.restoreOne(fault);
        if (req.thenQuit) this.store.getState().quitNow();
      }
    } catch (e) {
      // The actuator words its own failures per step; anything else still reaches the log.
      this.store.getState().log('error', `scenario ${req.kind}: ${(e as Error)?.message ?? String(e)}`);
    } finally {
      this.store.getState().requestDone();
    }
  }

  private async restoreOne(fault: ActiveFault): Promise<boolean> {
    const results = await this.actuator.restore(fault);
    this.store.getState().faultRestored(fault.id, results, this.clock());
    return results.every((r) => r.ok);
  }

  private onTick(now: number): void {
    if (this.stopped) return;
    const s = this.store.getState();
    // One due auto-restore per tick (a restore is one request at a time); the next tick takes the next.
    const due = s.faults.active.find((f) => f.autoRestoreAt !== undefined && now >= f.autoRestoreAt && !this.autoAsked.has(f.id));
    if (due && !s.faults.busy) {
      this.autoAsked.add(due.id);
      s.log('info', `${due.scenario}: auto-restore`, now);
      s.requestRestore(false, false, due.id);
    }
    for (const fault of this.store.getState().faults.active) {
      const scenario = s.frame.scenarios.find((x) => x.name === fault.scenario);
      const prev = s.faults.checks[fault.id];
      if (!scenario?.expect || (prev && prev.status !== 'pending')) continue;
      s.setCheck(fault.id, checkExpectation(scenario.expect, fault.startedAt, expectationInput(this.measured()), now), now);
    }
  }

  /** Restore everything still active (quit, signal, crash); what could not be restored is returned. */
  async restoreAll(timeoutMs: number): Promise<ActiveFault[]> {
    const deadline = new Promise<'late'>((r) => setTimeout(() => r('late'), timeoutMs).unref());
    for (const fault of [...this.store.getState().faults.active].reverse()) {
      const done = await Promise.race([this.restoreOne(fault).catch(() => false), deadline]);
      if (done === 'late') break;
    }
    return this.store.getState().faults.active;
  }

  manualCommands(faults: ActiveFault[]): string[] {
    return faults.flatMap((f) => this.actuator.manualRestore(f));
  }
}

/** The store, as much of it as an expectation looks at. */
export function expectationInput(store: Store): ExpectationInput {
  const s = store.getState();
  return {
    liveTopic: s.frame.kafka.liveTopic,
    topics: (s.kafka.view?.topics ?? []).map((t) => ({ name: t.name, rate: t.rate })),
    groups: (s.kafka.view?.groups ?? []).map((g) => ({ groupId: g.groupId, trend: g.trend.trend, lag: g.lag })),
    kafkaState: s.kafka.status.state,
    rows: s.rows.map((r) => ({ key: r.key, name: r.name, service: r.service, status: r.status })),
  };
}
