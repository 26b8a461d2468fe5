import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { stateDir } from '../app/paths.js';
import type { ActiveFault, RestorableState, TouchedContainer } from './types.js';

// The faults k2mc has fired and not yet restored, kept on disk so that a k2mc that crashed or
// was quit mid-demo can still put the platform back. One JSON file per compose project:
//   { "version": 1, "faults": [ ActiveFault, ... ] }
// Written atomically (temporary file in the same directory, fsync, rename); an empty list
// removes the file. Reading never throws: whatever cannot be used is reported in `problem`.

export const JOURNAL_VERSION = 1;

export function journalPath(project: string, env: NodeJS.ProcessEnv = process.env): string {
  const safe = project.replace(/[^A-Za-z0-9._-]/g, '_');
  return join(stateDir(env), `faults-${safe}.json`);
}

const STATES = new Set<RestorableState>(['running', 'paused', 'exited']);

function isTouched(v: unknown): v is TouchedContainer {
  const t = v as TouchedContainer;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.id === 'string' &&
    typeof t.name === 'string' &&
    typeof t.service === 'string' &&
    STATES.has(t.before)
  );
}

function isFault(v: unknown): v is ActiveFault {
  const f = v as ActiveFault;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.id === 'string' &&
    typeof f.scenario === 'string' &&
    typeof f.project === 'string' &&
    typeof f.startedAt === 'number' &&
    Number.isFinite(f.startedAt) &&
    (f.autoRestoreAt === undefined || (typeof f.autoRestoreAt === 'number' && Number.isFinite(f.autoRestoreAt))) &&
    Array.isArray(f.touched) &&
    f.touched.every(isTouched)
  );
}

/** The file's entries, or a problem. `missing` when there is no file (the normal state). */
type ReadResult = { entries: unknown[] } | { missing: true } | { problem: string };

export class FaultJournal {
  /** What went wrong with the last load or save, in words; undefined when all was well. */
  problem: string | undefined;

  constructor(
    readonly project: string,
    readonly path: string = journalPath(project),
  ) {}

  /** A journal that keeps nothing on disk (the simulated platform's faults end with k2mc). */
  static inMemory(project: string): FaultJournal {
    const journal = new FaultJournal(project, '');
    journal.load = () => [];
    journal.save = () => undefined;
    return journal;
  }

  /** This project's faults. Never throws: a corrupt or unreadable file gives [] and `problem`. */
  load(): ActiveFault[] {
    this.problem = undefined;
    const read = this.read();
    if ('missing' in read) return [];
    if ('problem' in read) {
      this.problem = read.problem;
      return [];
    }
    const valid = read.entries.filter(isFault);
    const invalid = read.entries.length - valid.length;
    if (invalid > 0) {
      this.problem = `fault journal ${this.path}: ${invalid} of ${read.entries.length} entries are not faults k2mc recorded and were ignored`;
    }
    return valid.filter((f) => f.project === this.project);
  }

  /**
   * Replaces this project's faults with `faults` (faults of another project in the list are not
   * written; those already in the file are kept). Never throws: a failure leaves the old file in
   * place and is returned and kept in `problem`.
   */
  save(faults: ActiveFault[]): string | undefined {
    this.problem = undefined;
    const read = this.read();
    const others = 'entries' in read ? read.entries.filter((f) => isFault(f) && f.project !== this.project) : [];
    const entries = [...others, ...faults.filter((f) => f.project === this.project)];
    try {
      if (entries.length === 0) {
        try {
          unlinkSync(this.path);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
        return undefined;
      }
      const dir = dirname(this.path);
      mkdirSync(dir, { recursive: true });
      const temp = join(dir, `.${basename(this.path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      const text = `${JSON.stringify({ version: JOURNAL_VERSION, faults: entries }, null, 2)}\n`;
      try {
        const fd = openSync(temp, 'w', 0o600);
        try {
          writeSync(fd, text);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(temp, this.path);
      } catch (e) {
        try {
          unlinkSync(temp);
        } catch {
          // already gone
        }
        throw e;
      }
      return undefined;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      this.problem = `fault journal ${this.path} could not be written: ${err.code ? `${err.code} ` : ''}${err.message}`;
      return this.problem;
    }
  }

  private read(): ReadResult {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') return { missing: true };
      return { problem: `fault journal ${this.path} cannot be read (${err.code ?? err.message}); active faults from an earlier run are unknown` };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return { problem: `fault journal ${this.path} is corrupt (not JSON: ${(e as Error).message}); active faults from an earlier run are unknown — check the containers by hand` };
    }
    const entries = Array.isArray(parsed) ? parsed : (parsed as { faults?: unknown } | null)?.faults;
    if (!Array.isArray(entries)) {
      return { problem: `fault journal ${this.path} is corrupt (no "faults" list); active faults from an earlier run are unknown — check the containers by hand` };
    }
    return { entries };
  }
}
