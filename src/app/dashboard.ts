import type { Config } from '../config/types.js';
import { startLive } from './live.js';
import { openTerminal } from './terminal.js';

// The interactive dashboard: live runtime + terminal, until the presenter quits or a signal ends it.

export function runDashboard(config: Config): Promise<number> {
  // Paint the first frame before the sources start competing for the CPU.
  const live = startLive(config, { autoStart: false });
  const terminal = openTerminal(live.store);
  setImmediate(() => live.scheduler.start());
  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      unsubscribe();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      live.stop();
      terminal.close();
      resolve(code);
    };
    const onSignal = (signal: NodeJS.Signals) => finish(signal === 'SIGINT' ? 130 : 143);
    // The terminal went away (window closed, ssh dropped): nothing left to draw on.
    terminal.onLost(() => finish(129));
    // A bug must not leave the presenter's terminal in the alternate screen with a stack trace.
    const onCrash = (error: unknown) => {
      finish(1);
      process.stderr.write(`k2mc: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
      if (process.env.K2MC_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    };
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    const unsubscribe = live.store.subscribe((s) => {
      if (s.quitRequested) finish(0);
    });
  });
}
