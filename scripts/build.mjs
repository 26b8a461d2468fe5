#!/usr/bin/env node
// Bundles k2mc into dist/ with esbuild. One file per entry instead of ~500 modules cuts the
// start-up from ~800 ms to ~400 ms (module resolution dominated it); the dashboard's code is a
// separate chunk loaded only when the dashboard runs, so `k2mc check` and `--help` stay quick.
// Type checking is tsc's job (npm run typecheck); this only transpiles and bundles.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const MEMO = resolve('src/app/string-width-memo.ts');

// Ink and its helpers measure text with string-width on every frame; send them to a memoized
// wrapper (see src/app/string-width-memo.ts). Only imports that resolve to the top-level copy are
// redirected, so a package that needs another major version keeps its own.
const memoStringWidth = {
  name: 'memo-string-width',
  setup(b) {
    let topLevel;
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.importer === MEMO || args.pluginData === 'real') return undefined;
      topLevel ??= (await b.resolve('string-width', { resolveDir: process.cwd(), kind: 'import-statement', pluginData: 'real' })).path;
      const real = await b.resolve('string-width', { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'real' });
      return real.path === topLevel ? { path: MEMO } : real;
    });
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // React's and Ink's development paths are dead code in a production dashboard.
  define: { 'process.env.NODE_ENV': '"production"' },
  // ssh2's optional native helpers (dockerode's ssh:// transport) and Ink's devtools stay out.
  external: ['ssh2', 'cpu-features', 'react-devtools-core'],
  // Bundled CommonJS dependencies (dockerode, kafkajs) call require().
  banner: { js: "import { createRequire as __k2mcRequire } from 'node:module'; const require = __k2mcRequire(import.meta.url);" },
  plugins: [memoStringWidth],
  logLevel: 'warning',
});
