import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where the plan documents are: --plans DIR, else the config's plans.dir, else plans/ of the
// current directory, else the plans/ k2mc ships with (its own demo-readiness plan).

export interface PlansLocation {
  dir: string;
  /** How the directory was chosen, for messages: "--plans", "plans.dir in k2mc.yaml", … */
  from: string;
}

/** k2mc's own plans/ folder: next to dist/ (bundle) or src/ (tests). */
export function shippedPlansDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'plans'))) return join(dir, 'plans');
    dir = dirname(dir);
  }
  return resolve('plans');
}

export function resolvePlansDir(opts: { flag?: string; configDir?: string; configFrom?: string; cwd?: string }): PlansLocation {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.flag) return { dir: resolve(cwd, opts.flag), from: '--plans' };
  if (opts.configDir) return { dir: resolve(cwd, opts.configDir), from: opts.configFrom ?? 'the config' };
  const local = resolve(cwd, 'plans');
  if (isDir(local) && planFiles(local).length > 0) return { dir: local, from: 'plans/ in the current directory' };
  return { dir: shippedPlansDir(), from: "k2mc's own plans/" };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Markdown files of a plans directory, by name; README.md is documentation, not a plan. */
export function planFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.md$/i.test(f) && !/^readme\.md$/i.test(f) && !f.startsWith('.'))
    .sort();
}
