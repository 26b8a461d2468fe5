import type { Config } from '../config/types.js';
import type { Store } from '../store/store.js';
import type { Scheduler } from '../clock/scheduler.js';
import type { FaultController } from '../control/faults.js';
import type { Recording, SessionRecorder } from '../control/recording.js';
import { startLive } from './live.js';
import type { BackupMode } from './backup-mode.js';
import { SessionLog } from '../control/session-log.js';
import { writeSessionReport } from './session-report.js';
import { stateDir } from './paths.js';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { OptimizerSwitch } from './optimizer.js';
import { HeapLimits } from './heap-limits.js';
import { openTerminal } from './terminal.js';

// The interactive dashboard: a session (live, simulated or replayed) + the terminal, until the
// presenter quits or a signal ends it.

export interface DashboardOptions {
  /** Record the session into this folder (undefined: --no-record). */
  recordDir?: string;
  /** Backup mode's recordings folder and golden recording. */
  backup?: { dir: string; golden?: string };
  /** Run on the simulated platform (`k2mc demo`) instead of the live one. */
  demo?: { speed: number; seed?: number };
  /** Replay this recording (`k2mc replay FILE`). */
  replay?: { file: string; recording: Recording };
}

/** What the dashboard runs on; only a live or simulated session has faults to restore. */
interface Session {
  store: Store;
  scheduler: Scheduler;
  afterFirstFrame(): Promise<void>;
  faults?: FaultController;
  recorder?: SessionRecorder;
  backup?: BackupMode;
  clock?: () => number;
  stop(): void;
}

export async function runDashboard(config: Config, opts: DashboardOptions = {}): Promise<number> {
  const size = { columns: process.stdout.columns || 160, rows: process.stdout.rows || 45 };
  // The heap's limits (heap-limits.ts) from the start, checked again after the first frame and on ticks.
  const heap = new HeapLimits();
  // Paint the first frame before the sources start competing for the CPU.
  let session: Session;
  if (opts.replay) {
    const { startReplay } = await import('./replay-runtime.js');
    session = startReplay(opts.replay.file, config, { autoStart: false, recording: opts.replay.recording });
  } else if (opts.demo) {
    const { startDemo } = await import('./demo.js');
    session = startDemo(config, { autoStart: false, recordDir: opts.recordDir, size, ...opts.demo });
  } else {
    session = startLive(config, { autoStart: false, recordDir: opts.recordDir, size, backup: opts.backup });
  }
  const live = session;
  // What happens on stage is kept for the report written on quit (measured on the live platform
  // even while backup mode shows a recording).
  const backupMode = live.backup;
  const sessionLog = new SessionLog(live.store, { clock: live.clock, measured: backupMode ? () => backupMode.liveStore : undefined });
  const terminal = openTerminal(live.store);
  heap.check();
  setImmediate(() => {
    live.scheduler.start();
    void live.afterFirstFrame();
  });
  return new Promise<number>((resolve) => {
    let done = false;
    // Faults still active when k2mc ends are restored first (signals and crashes included),
    // unless the presenter chose to leave them; what stays broken is printed with the docker
    // commands that undo it.
    const finish = async (code: number, restore = true) => {
      if (done) return;
      done = true;
      let left = live.store.getState().faults.active;
      if (left.length > 0 && restore && !live.store.getState().frame.readOnly && live.faults) {
        live.store.getState().log('warn', `restoring ${left.length} active fault${left.length === 1 ? '' : 's'} before exit…`);
        left = await live.faults.restoreAll(10_000);
      }
      unsubscribe();
      sessionLog.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      live.stop();
      terminal.close();
      if (live.recorder?.path) process.stderr.write(`k2mc: session recorded in ${live.recorder.path}\n`);
      const sampling = live.scheduler.stats();
      // For the benchmark (and anyone curious): the scheduler's counters as JSON.
      if (process.env.K2MC_STATS_FILE) try {
        writeFileSync(process.env.K2MC_STATS_FILE, JSON.stringify({ ticks: live.scheduler.ticks, sources: sampling }, null, 2) + '\n');
      } catch (e) {
        process.stderr.write(`k2mc: no stats file: ${(e as Error).message}\n`);
      }
      if (!opts.replay) try {
        const report = writeSessionReport(sessionLog.snapshot(), join(stateDir(), 'reports'), { recording: live.recorder?.path, sampling });
        process.stderr.write(`k2mc: session report in ${report}\n`);
      } catch (e) {
        process.stderr.write(`k2mc: no session report: ${(e as Error).message}\n`);
      }
      if (left.length > 0 && live.faults) {
        process.stderr.write(`k2mc: ${left.length} fault${left.length === 1 ? '' : 's'} still active (recorded in the fault journal; the next k2mc offers to restore). To restore by hand:\n`);
        for (const cmd of live.faults.manualCommands(left)) process.stderr.write(`  ${cmd}\n`);
      }
      resolve(code);
    };
    const onSignal = (signal: NodeJS.Signals) => void finish(signal === 'SIGINT' ? 130 : 143);
    // The terminal went away (window closed, ssh dropped): nothing left to draw on.
    terminal.onLost(() => void finish(129));
    // A bug must not leave the presenter's terminal in the alternate screen with a stack trace.
    const onCrash = (error: unknown) => {
      void finish(1);
      process.stderr.write(`k2mc: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
      if (process.env.K2MC_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    };
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    // quitRequested comes after the quit prompt: Y restored first, n chose to leave the faults.
    // The clock's ticks also decide when V8's optimising compiler starts to pay (optimizer.ts) and
    // keep the heap's limits (heap-limits.ts).
    const optimizer = new OptimizerSwitch();
    const unsubscribe = live.store.subscribe((s, prev) => {
      if (s.quitRequested) void finish(0, false);
      if (s.now !== prev.now) {
        optimizer.check();
        heap.check();
      }
    });
  });
}
