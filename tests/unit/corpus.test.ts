// The bad-input corpus (tests/corpus/, see its README.md): every case runs through the built k2mc
// binary (`node bin/k2mc.js …`) and must end with exactly the expected exit code and message,
// nothing on stdout when it fails, no stack trace, no Node warning, and — outside a terminal —
// without a single escape sequence (a dashboard command never starts drawing). Cases marked
// "knownGap" describe the behaviour wanted and are expected to fail until the gap is closed (then
// the marker goes).
//
// K2MC_CORPUS_SHOW=1 prints what every run actually printed, for writing new cases.

import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CORPUS = join(ROOT, 'tests/corpus');
const GROUPS = ['config', 'plans', 'recordings', 'cli'] as const;
/** Runs at once: each is a Node process of its own. */
const CONCURRENCY = 4;
/** A run that takes longer than this has hung. */
const RUN_TIMEOUT_MS = 20_000;
const SHOW = Boolean(process.env.K2MC_CORPUS_SHOW);

// ------------------------------------------------------------------------------------ the format

interface Generate {
  /** What to make in the case's folder, named `as`. */
  kind: 'text' | 'binary' | 'utf16le' | 'utf16be' | 'latin1' | 'gzip' | 'crlf' | 'bom' | 'directory' | 'missing' | 'huge-yaml' | 'large-yaml' | 'many-problems' | 'huge-plan';
  as: string;
  /** The text of text, utf16le, utf16be, latin1 and gzip. */
  text?: string;
  /** crlf and bom: the file of inputs/ given Windows line endings, or a UTF-8 byte-order mark. */
  from?: string;
  /** The size of huge-yaml and huge-plan. */
  mb?: number;
}

interface Case {
  name: string;
  about?: string;
  /** A file or folder of <group>/inputs/, copied into the case's own folder (the working directory). */
  input?: string;
  /** Or an input made at test time (too big, or bytes an editor would not keep). */
  generate?: Generate;
  /** One command line (after `k2mc`); {input} is the input's name, {dir} the case's folder. */
  args?: string[];
  /** Or several, each with the same expectations; default: the group's. */
  commands?: string[][];
  env?: Record<string, string>;
  /** Run in a terminal (script(1)); "q" is pressed once `ready` is on the screen. */
  tty?: { ready: string };
  exit: number;
  /** The whole of stderr, line by line: exact text, or /a regular expression/; a last "..." allows more lines. */
  stderr?: string[];
  /** The whole of stdout, the same way (default: nothing). */
  stdout?: string[];
  /** Or only these must be on stdout (a command that succeeds). */
  stdoutIncludes?: string[];
  /** In a terminal: what the screen must show at some point. */
  screenIncludes?: string[];
  /** The behaviour described is not there yet: why. The case is expected to fail. */
  knownGap?: string;
}

interface Group {
  about: string;
  commands?: string[][];
  cases: Case[];
}

function loadGroup(group: string): Group {
  return JSON.parse(readFileSync(join(CORPUS, group, 'cases.json'), 'utf8')) as Group;
}

// ---------------------------------------------------------------------------- the binary under test

let work = '';
let bin = '';
let stateDir = '';
let scriptWorks = false;

/** When a file was last changed; 0 for one that is gone (a rebuild under way). */
function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The newest change under a folder. */
function newest(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    // parentPath since Node 20.12, path before it.
    const parent = (e as { parentPath?: string; path?: string }).parentPath ?? (e as { path?: string }).path ?? dir;
    if (e.isFile()) max = Math.max(max, mtime(join(parent, e.name)));
  }
  return max;
}

async function builtDist(): Promise<void> {
  const cli = join(ROOT, 'dist/cli.js');
  // `npm test` builds first. Run on its own, the file may find dist/ missing (a fresh checkout,
  // or a build under way, which removes dist/ first): wait a little for a build to finish, else build.
  for (let i = 0; i < 10 && !existsSync(cli); i++) await new Promise((r) => setTimeout(r, 1000));
  if (!existsSync(cli)) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });
  if (mtime(cli) < newest(join(ROOT, 'src'))) {
    process.stderr.write('corpus: dist/ is older than src/ — these results are for the last build (npm test builds first)\n');
  }
}

/**
 * A copy of bin/, dist/ (without source maps), package.json and plans/, so that a rebuild during
 * the run (rm -rf dist) cannot pull the binary from under the cases. Same bytes as the build.
 */
function snapshot(into: string): string {
  mkdirSync(join(into, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'bin/k2mc.js'), join(into, 'bin/k2mc.js'));
  cpSync(join(ROOT, 'package.json'), join(into, 'package.json'));
  cpSync(join(ROOT, 'plans'), join(into, 'plans'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(into, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  // The bundle's external packages (loaded only on paths the corpus does not take) resolve as before.
  symlinkSync(join(ROOT, 'node_modules'), join(into, 'node_modules'), 'dir');
  if (!existsSync(join(into, 'dist/cli.js'))) throw new Error('dist/ changed while it was copied; run again');
  return join(into, 'bin/k2mc.js');
}

beforeAll(async () => {
  await builtDist();
  work = realpathSync(mkdtempSync(join(tmpdir(), 'k2mc-corpus-')));
  bin = snapshot(join(work, 'k2mc'));
  stateDir = join(work, 'state');
  mkdirSync(stateDir);
  scriptWorks = process.platform === 'linux' && spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

// ------------------------------------------------------------------------------------ the inputs

/** Bytes that are not text: a PNG signature, then every byte value. */
function binaryBytes(): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7) % 256))]);
}

function generate(dir: string, group: string, g: Generate): void {
  const path = join(dir, g.as);
  const text = g.text ?? '';
  const from = () => readFileSync(join(CORPUS, group, 'inputs', g.from ?? ''), 'utf8');
  const mb = (g.mb ?? 1) * 2 ** 20;
  switch (g.kind) {
    case 'text':
      return writeFileSync(path, text);
    case 'binary':
      return writeFileSync(path, binaryBytes());
    case 'utf16le':
      return writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    case 'utf16be':
      return writeFileSync(path, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
    case 'latin1':
      return writeFileSync(path, Buffer.from(text, 'latin1'));
    case 'gzip':
      return writeFileSync(path, gzipSync(text));
    case 'crlf':
      return writeFileSync(path, from().replaceAll('\n', '\r\n'));
    case 'bom':
      return writeFileSync(path, `\ufeff${from()}`);
    case 'directory':
      return void mkdirSync(path);
    case 'missing':
      return;
    case 'huge-yaml': {
      // Valid YAML, mostly one comment: too big to be a config however it parses.
      const head = 'platform: K2\n# ';
      return writeFileSync(path, head + 'x'.repeat(mb - head.length - 1) + '\n');
    }
    case 'large-yaml': {
      // Under the size limit, thousands of services, one mistake on the last line.
      const lines = ['services:'];
      for (let i = 0, size = 0; size < mb; i++) {
        const entry = `  - name: svc-${i}\n    container: k2-svc-${i}\n    essential: false`;
        lines.push(entry);
        size += entry.length + 1;
      }
      lines.push('refresh: 5');
      return writeFileSync(path, lines.join('\n') + '\n');
    }
    case 'many-problems': {
      const lines = ['services:'];
      for (let i = 0; i < 30; i++) lines.push(`  - name: svc-${i}`, '    essential: maybe');
      return writeFileSync(path, lines.join('\n') + '\n');
    }
    case 'huge-plan': {
      // A real step table, grown to the size asked for (never committed: made here).
      const rows = ['# K2 Demo Readiness', '', '**Current Score**: 45/100', '', '| Step | Title | Status | Score Impact | Completed |', '|---|---|---|---|---|'];
      let size = rows.join('\n').length;
      for (let i = 1; size < mb; i++) {
        const row = `| ${String(i).padStart(2, '0')} | Step ${i}: rehearse the failure scenarios once more, then once more | ${i % 3 ? '⬜ Not Started' : '✅ Complete'} | 1 pts | - |`;
        rows.push(row);
        size += Buffer.byteLength(row) + 1;
      }
      return writeFileSync(path, rows.join('\n') + '\n');
    }
  }
}

const caseDirs = new Map<string, Promise<string>>();

/** The case's folder, with its input in it (made once per case). */
function caseDir(group: string, c: Case): Promise<string> {
  const key = `${group}/${c.name}`;
  let made = caseDirs.get(key);
  if (!made) {
    made = (async () => {
      const dir = join(work, 'cases', group, c.name);
      mkdirSync(dir, { recursive: true });
      if (c.input) cpSync(join(CORPUS, group, 'inputs', c.input), join(dir, basename(c.input)), { recursive: true });
      if (c.generate) generate(dir, group, c.generate);
      return dir;
    })();
    caseDirs.set(key, made);
  }
  return made;
}

function inputName(c: Case): string {
  return c.generate?.as ?? (c.input ? basename(c.input) : '');
}

function fill(text: string, c: Case, dir: string): string {
  return text.replaceAll('{input}', inputName(c)).replaceAll('{dir}', dir);
}

// -------------------------------------------------------------------------------------- running

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(job: () => Promise<T>): Promise<T> {
  if (running < CONCURRENCY) running++;
  else await new Promise<void>((r) => waiting.push(r)); // a finished job hands its slot over
  try {
    return await job();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Nothing from the developer's own set-up, no real engine, broker or state.
  for (const k of ['K2MC_KAFKA_BROKERS', 'K2MC_DEBUG', 'K2MC_TURBOFAN', 'FORCE_COLOR']) delete env[k];
  return {
    ...env,
    K2MC_STATE_DIR: stateDir,
    XDG_STATE_HOME: join(work, 'xdg-state'),
    DOCKER_HOST: `unix://${join(work, 'no-docker.sock')}`,
    NO_COLOR: '1',
    TZ: 'UTC',
    ...extra,
  };
}

function runPlain(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [bin, ...args], { cwd, env, timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * 2 ** 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      const e = error as (Error & { killed?: boolean }) | null;
      done({ code: child.exitCode, signal: child.signalCode, stdout, stderr, timedOut: Boolean(e?.killed) });
    });
    child.stdin?.end();
  });
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** In a pseudo-terminal of 120×40 (script(1)); "q" once `ready` shows, or after 8 s. */
function runTty(args: string[], cwd: string, env: NodeJS.ProcessEnv, ready: string): Promise<Run> {
  return new Promise((done) => {
    const command = `stty cols 120 rows 40 2>/dev/null; exec ${[process.execPath, bin, ...args].map(quote).join(' ')}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...env, TERM: 'xterm-256color' } });
    let out = '';
    let err = '';
    let pressed = false;
    const press = () => {
      if (pressed) return;
      pressed = true;
      setTimeout(() => child.stdin.write('q'), 300);
    };
    const fallback = setTimeout(press, 8_000);
    const hard = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (!pressed && plain(out).includes(ready)) press();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('close', (code, signal) => {
      clearTimeout(fallback);
      clearTimeout(hard);
      done({ code, signal, stdout: out, stderr: err, timedOut: signal === 'SIGKILL' });
    });
  });
}

/** Terminal output without its control sequences. */
function plain(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>78]/g, '');
}

// ------------------------------------------------------------------------------------ the checks

function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
}

function matchers(expect: ExpectStatic, expected: string[], c: Case, dir: string): { list: unknown[]; more: boolean } {
  const more = expected.at(-1) === '...';
  const list = (more ? expected.slice(0, -1) : expected).map((e) => {
    const text = fill(e, c, dir);
    return text.length > 1 && text.startsWith('/') && text.endsWith('/') ? expect.stringMatching(new RegExp(text.slice(1, -1))) : text;
  });
  return { list, more };
}

function expectLines(expect: ExpectStatic, what: string, actual: string, expected: string[], c: Case, dir: string): void {
  const { list, more } = matchers(expect, expected, c, dir);
  const got = lines(actual);
  expect(more ? got.slice(0, list.length) : got, what).toEqual(list);
}

/** What a crash looks like: stack frames, Node's own error lines and warnings, k2mc's last-resort handler. */
const CRASH_SIGNS: [RegExp, string][] = [
  [/^\s+at \S.*$/m, 'a stack frame'],
  [/node:internal/, 'a Node internal frame'],
  [/^(?:Uncaught )?(?:[A-Z]\w*)?Error(?: \[\w+\])?: /m, 'an "Error:" line from Node'],
  [/^Node\.js v\d+/m, "Node's version line after a crash"],
  [/\(node:\d+\) \w*Warning/, 'a Node warning'],
  [/unexpected error/, "k2mc's unexpected-error handler"],
];

function expectNoCrash(expect: ExpectStatic, text: string, where: string): void {
  for (const [re, what] of CRASH_SIGNS) {
    const m = re.exec(text);
    expect(m?.[0], `${where} shows ${what}`).toBeUndefined();
  }
}

async function check(expect: ExpectStatic, group: string, c: Case, args: string[]): Promise<void> {
  const dir = await caseDir(group, c);
  const argv = args.map((a) => fill(a, c, dir));
  const env = environment(c.env);
  const run = await limited(() => (c.tty ? runTty(argv, dir, env, c.tty.ready) : runPlain(argv, dir, env)));
  if (SHOW) {
    process.stdout.write(`\n--- ${group}/${c.name}: k2mc ${argv.join(' ')} → exit ${run.code}${run.signal ? ` (${run.signal})` : ''}\n`);
    process.stdout.write(`stdout: ${JSON.stringify(c.tty ? plain(run.stdout).slice(-600) : run.stdout)}\nstderr: ${JSON.stringify(run.stderr)}\n`);
  }
  expect(run.timedOut, `k2mc ${argv.join(' ')} did not end within ${RUN_TIMEOUT_MS / 1000} s`).toBe(false);

  if (c.tty) {
    const screen = plain(run.stdout);
    expectNoCrash(expect, screen, 'the terminal');
    for (const s of c.screenIncludes ?? []) expect(screen, 'the screen').toContain(fill(s, c, dir));
    expect(run.code, 'exit code').toBe(c.exit);
    return;
  }

  expectNoCrash(expect, run.stderr, 'stderr');
  expectNoCrash(expect, run.stdout, 'stdout');
  // Without a terminal nothing is drawn, and nothing is coloured: a dashboard that started drawing shows here.
  expect(run.stdout.includes('\x1b') || run.stderr.includes('\x1b'), 'a terminal escape sequence').toBe(false);
  if (c.stderr) expectLines(expect, 'stderr', run.stderr, c.stderr, c, dir);
  if (c.stdout) expectLines(expect, 'stdout', run.stdout, c.stdout, c, dir);
  else if (c.stdoutIncludes) for (const s of c.stdoutIncludes) expect(run.stdout, 'stdout').toContain(fill(s, c, dir));
  else expect(run.stdout, 'stdout (an error prints nothing there)').toBe('');
  expect(run.code, 'exit code').toBe(c.exit);
}

// ---------------------------------------------------------------------------------------- cases

for (const group of GROUPS) {
  const spec = loadGroup(group);
  describe(`corpus/${group}`, () => {
    const names = new Set<string>();
    for (const c of spec.cases) {
      if (names.has(c.name)) throw new Error(`corpus/${group}: two cases named ${c.name}`);
      names.add(c.name);
      const commands = c.args ? [c.args] : (c.commands ?? spec.commands ?? []);
      if (commands.length === 0) throw new Error(`corpus/${group}/${c.name}: no command to run`);
      for (const args of commands) {
        const title = `${c.name}: k2mc ${args.map((a) => fill(a, c, '{dir}')).join(' ')}${c.knownGap ? ` — known gap: ${c.knownGap}` : ''}`;
        const body = async ({ expect, skip }: { expect: ExpectStatic; skip: (note?: string) => void }) => {
          if (c.tty && !scriptWorks) skip('needs script(1) for a terminal');
          await check(expect, group, c, args);
        };
        if (c.knownGap) it.concurrent.fails(title, body, 60_000);
        else it.concurrent(title, body, 60_000);
      }
    }
  });
}
