#!/usr/bin/env node
// Entry point of the k2mc command: runs the compiled CLI in dist/.
// React's development build costs several times the CPU per frame; a dashboard wants production.
process.env.NODE_ENV ??= 'production';
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
