#!/usr/bin/env node
// Entry point of the k2mc command: runs the compiled CLI in dist/.
// React's development build costs several times the CPU per frame; a dashboard wants production.
process.env.NODE_ENV ??= 'production';
// V8's optimising compiler (TurboFan) starts off: while k2mc idles, compiling the functions that
// slowly turn hot kept V8's worker threads busy for a third of k2mc's CPU (npm run bench, 12
// containers, no broker: 1.45 % of a core with it, 1.10 % without; first frame and key latency
// no slower). src/app/optimizer.ts turns it on once k2mc is busy. K2MC_TURBOFAN=1: on from the start.
if (!process.env.K2MC_TURBOFAN) (await import('node:v8')).setFlagsFromString('--no-opt');
const { main } = await import('../dist/cli.js');

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // Sources hold sockets (Docker events, keep-alive probes); leave promptly once done.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (error) => {
    process.stderr.write('\x1b[?1049l\x1b[?25h');
    process.stderr.write(`k2mc: unexpected error: ${error?.message ?? error}\n`);
    if (process.env.K2MC_DEBUG) process.stderr.write(`${error?.stack ?? ''}\n`);
    process.exit(1);
  },
);
