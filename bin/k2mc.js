#!/usr/bin/env -S node --predictable
// Entry point of the k2mc command: runs the compiled CLI in dist/.
//
// Why --predictable (a V8 flag, so it must be on node's command line; `env -S` passes it): after
// each young-generation collection V8 looks at the allocation rate, and below 1 MB/s (k2mc with a
// live broker allocates about 0.8 MB/s) it shrinks the young generation and hands its pages back
// to the system, so the next megabyte allocated touches fresh pages, each a page fault (~17 µs on
// the 2-core test VM, over 10,000 a minute). Only --predictable turns that shrinking off (see
// V8's Heap::ShouldResizeNewSpace). Measured side by side with a live broker: 1.9-2.1 % of a core
// without it, 1.3-1.4 % with it, page faults 10,400 → 660 a minute. What else it implies suits
// a dashboard: V8's garbage collector and compiler work on the main thread instead of helper
// threads, no idle-time memory reducer, and a fixed Math.random seed (k2mc does not use it).
// `node bin/k2mc.js` works too, without the flag (and that cost).
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
