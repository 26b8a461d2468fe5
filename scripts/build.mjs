#!/usr/bin/env node
// Bundles k2mc into dist/ with esbuild. One file per entry instead of ~500 modules cuts the
// start-up from ~800 ms to ~400 ms (module resolution dominated it); the dashboard's code is a
// separate chunk loaded only when the dashboard runs, so `k2mc check` and `--help` stay quick.
// Type checking is tsc's job (npm run typecheck); this only transpiles and bundles.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
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

/**
 * A plugin that edits a dependency's file as it is bundled. Checked: if a text to replace is no
 * longer in the file (the dependency changed shape), the build fails rather than silently
 * shipping the unpatched code.
 */
function checkedPatch(name, file, edits) {
  return {
    name,
    setup(b) {
      b.onLoad({ filter: file }, (args) => {
        let contents = readFileSync(args.path, 'utf8');
        for (const [from, to] of edits) {
          if (!contents.includes(from)) throw new Error(`${args.path} changed; update the ${name} patch in scripts/build.mjs`);
          contents = contents.replace(from, to);
        }
        return { contents, loader: 'js' };
      });
    },
  };
}

// yoga-layout (Ink's layout engine) embeds its WebAssembly as a base64 data: URL and, when fetch
// exists, loads it with fetch(), which pulls in Node's undici and decodes the URL in JavaScript
// (~60 ms of the start-up). Node's Buffer decodes base64 natively; hand yoga the bytes directly.
const YOGA_DECODE = 'if(a==H&&w)return new Uint8Array(w);';
const yogaWithoutFetch = checkedPatch('yoga-without-fetch', /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/, [
  ['w||"function"!=typeof fetch?Promise.resolve().then(function(){return wa()})', 'true?Promise.resolve().then(function(){return wa()})'],
  [YOGA_DECODE, `${YOGA_DECODE}if(ua(a))return new Uint8Array(Buffer.from(a.slice(37),"base64"));`],
]);

// Ink sanitizes every text node of every frame by tokenizing it in JavaScript; text holding only
// colour codes comes back unchanged, which src/app/sanitize-ansi-fast.ts tells with two regular
// expressions. Ink's own imports of its sanitizer are pointed there.
const SANITIZE = resolve('src/app/sanitize-ansi-fast.ts');
const fastSanitizeAnsi = {
  name: 'fast-sanitize-ansi',
  setup(b) {
    b.onResolve({ filter: /^\.\/sanitize-ansi\.js$/ }, (args) =>
      /[\\/]ink[\\/]build[\\/]/.test(args.importer) ? { path: SANITIZE } : undefined,
    );
  },
};

// Ink remembers the size of every text it measures and every line it wraps, in two module-level
// caches that are never emptied: every figure a dashboard shows is a new text, so over 10,000
// refresh cycles at scale its heap grew by ~17 MB and would go on growing for as long as k2mc
// runs. The two caches are bounded here (emptied when full, like k2mc's own).
const INK_CACHE_LIMIT = 2000;
const boundedMeasureCache = checkedPatch('bounded-ink-measure-cache', /ink[\\/]build[\\/]measure-text\.js$/, [
  ['    cache.set(text, dimensions);', `    if (cache.size >= ${INK_CACHE_LIMIT}) cache.clear();\n    cache.set(text, dimensions);`],
]);
const boundedWrapCache = checkedPatch('bounded-ink-wrap-cache', /ink[\\/]build[\\/]wrap-text\.js$/, [
  ['const cache = {};', 'const cache = new Map();'],
  ['const cachedText = cache[cacheKey];', 'const cachedText = cache.get(cacheKey);'],
  ['    cache[cacheKey] = wrappedText;', `    if (cache.size >= ${INK_CACHE_LIMIT}) cache.clear();\n    cache.set(cacheKey, wrappedText);`],
]);

// kafkajs builds every request from Encoders, one per request part (a topic, a partition, ...),
// each starting with a zero-filled Buffer.alloc(512): its own ArrayBuffer every time, thousands a
// second at scale (2,000 partitions). An Encoder only ever reads back what it has written
// (`buffer` is buf.slice(0, offset), growth copies [0, offset)), so the zero-fill buys nothing:
// Buffer.allocUnsafe takes small buffers from Node's shared pool instead.
const kafkaPooledEncoder = checkedPatch('kafkajs-pooled-encoder', /kafkajs[\\/]src[\\/]protocol[\\/]encoder\.js$/, [
  ['    this.buf = Buffer.alloc(Encoder.nextPowerOfTwo(initialSize))', '    this.buf = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(initialSize))'],
  ['      const newBuffer = Buffer.alloc(newLength)', '      const newBuffer = Buffer.allocUnsafe(newLength)'],
  ['  get buffer() {\n    return this.buf.slice(0, this.offset)', '  get buffer() {\n    return this.buf.slice(0, this.offset)'],
]);

// zod re-exports all of its ~60 message locales as one namespace (z.locales), so a bundler keeps
// every one of them: half of the CLI's code, compiled on every start. k2mc speaks English, which
// zod loads directly (not through this index), so the index becomes an empty module.
const zodWithoutLocales = {
  name: 'zod-without-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'k2mc-empty' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'k2mc-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts', 'src/app/soak.ts'],
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
  plugins: [memoStringWidth, fastSanitizeAnsi, boundedMeasureCache, boundedWrapCache, yogaWithoutFetch, zodWithoutLocales, kafkaPooledEncoder],
  logLevel: 'warning',
});
