import { watch, type FSWatcher } from 'node:fs';
import { loadPlan, type PlanState } from './load.js';
import type { PlansLocation } from './location.js';

// The plan follows the file: the plans directory is watched (a directory watch also sees editors
// that save by writing a new file and renaming it over the old one), changes are debounced, and
// the plan is read again. Where watching is impossible (the directory is missing, or the system
// refuses), the plan is re-read every few seconds instead, until a watch can be set up.

const DEBOUNCE_MS = 120;
const RETRY_MS = 2000;

export class PlanWatcher {
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  latest: PlanState;

  constructor(
    private readonly location: PlansLocation,
    private readonly file: string | undefined,
    private readonly onChange: (state: PlanState) => void,
  ) {
    this.latest = loadPlan(location, file);
  }

  start(): void {
    this.onChange(this.latest);
    this.arm();
  }

  /** Read again now (after k2mc itself wrote the file, or on request). */
  reload(): void {
    if (this.closed) return;
    this.latest = loadPlan(this.location, this.file);
    this.onChange(this.latest);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.debounce);
    clearTimeout(this.retry);
    this.watcher?.close();
  }

  private arm(): void {
    if (this.closed) return;
    try {
      this.watcher = watch(this.location.dir, { persistent: false }, () => this.changed());
      this.watcher.on('error', () => this.fallBack());
    } catch {
      this.fallBack();
    }
  }

  private changed(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.reload(), DEBOUNCE_MS);
  }

  private fallBack(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.closed) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.reload();
      this.arm();
    }, RETRY_MS);
  }
}
