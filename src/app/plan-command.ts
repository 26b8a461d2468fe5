import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Config } from '../config/types.js';
import { loadPlan } from '../sources/plans/load.js';
import { resolvePlansDir } from '../sources/plans/location.js';
import { formatPlan, planJson } from './plan-report.js';

// `k2mc plan [PATH] [--json]`: PATH is a plan file or a plans directory; without it, the plans
// location the dashboard uses. A plan that cannot be read is one line on stderr and exit code 1.
export function planCommand(path: string | undefined, config: Config, json: boolean): number {
  let location = resolvePlansDir({ configDir: config.plans.dir, configFrom: config.plans.dirFrom });
  let file = config.plans.file;
  if (path !== undefined) {
    const full = resolve(path);
    let isDir = false;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      // A missing path is reported by loadPlan in its own words.
    }
    location = isDir ? { dir: full, from: 'the command line' } : { dir: dirname(full), from: 'the command line' };
    file = isDir ? undefined : basename(full);
  }
  const plan = loadPlan(location, file);
  if (plan.error || !plan.doc || !plan.score || !plan.path) {
    process.stderr.write(`k2mc: ${plan.error ?? 'no plan found'}\n`);
    return 1;
  }
  const report = planJson(plan.path, plan.doc, plan.score);
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatPlan(report));
  return 0;
}
