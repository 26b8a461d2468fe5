import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ServiceSpec } from '../config/types.js';
import type { DockerSample, ProbeResult } from '../model/types.js';
import { buildRows } from '../model/services.js';
import { servicesVerdict } from '../model/verdict.js';
import { formatStamp } from '../model/format.js';
import { readRecording, type Recording } from './recording.js';

// Which recording backup mode plays: the configured golden one, else the newest recording in
// which every essential service was up and healthy for at least a minute. The replay starts where
// that healthy stretch starts, so the audience sees the platform at its best.

export const HEALTHY_FOR_MS = 60_000;
/** Recordings larger than this are not read when looking for one (the golden one may be larger). */
const MAX_SCAN_BYTES = 20 * 2 ** 20;
const MAX_FILES = 30;

export interface BackupChoice {
  file: string;
  /** "golden recording 2026-01-14 10:32" / "rehearsal 2026-01-14 10:32". */
  label: string;
  recording: Recording;
  /** Where the replay (and every loop) starts, ms from the recording's start. */
  fromMs: number;
}

export interface BackupSearch {
  choice?: BackupChoice;
  /** Why there is none, or what was wrong with the golden recording. */
  problems: string[];
}

/** The longest stretch in which every essential service was up and healthy: [start, length] in ms from the start. */
export function healthyStretch(recording: Recording, services: ServiceSpec[]): { fromMs: number; lengthMs: number } | undefined {
  const essential = services.filter((s) => s.essential);
  if (essential.length === 0) return undefined;
  let docker: DockerSample | undefined;
  let probes: Record<string, ProbeResult> = {};
  let since: number | undefined;
  let best: { from: number; to: number } | undefined;
  const close = (t: number) => {
    if (since !== undefined && (!best || t - since > best.to - best.from)) best = { from: since, to: t };
  };
  for (const s of recording.samples) {
    if (s.s === 'docker') docker = s.v as DockerSample;
    else if (s.s === 'docker!') docker = undefined;
    else if (s.s === 'probes') probes = s.v as Record<string, ProbeResult>;
    else continue;
    const rows = docker ? buildRows(essential, docker.containers ?? [], {}, probes) : undefined;
    const healthy = rows !== undefined && servicesVerdict(rows, true).level === 'green';
    if (healthy && since === undefined) since = s.t;
    if (!healthy) {
      close(s.t);
      since = undefined;
    }
  }
  const last = recording.samples.at(-1)?.t;
  if (last !== undefined) close(last);
  if (!best) return undefined;
  return { fromMs: best.from - recording.header.startedAt, lengthMs: best.to - best.from };
}

/** The services a recording was made against: its own frame's, else the current config's. */
function servicesOf(recording: Recording, fallback: ServiceSpec[]): ServiceSpec[] {
  const frame = recording.header.frame as { services?: ServiceSpec[] } | undefined;
  return Array.isArray(frame?.services) ? frame.services : fallback;
}

export function findBackup(opts: { dir: string; golden?: string; exclude?: string; services: ServiceSpec[] }): BackupSearch {
  const problems: string[] = [];
  if (opts.golden) {
    try {
      const recording = readRecording(opts.golden);
      const stretch = healthyStretch(recording, servicesOf(recording, opts.services));
      // From its healthy stretch if that is a minute long (or half of a shorter recording); else from
      // the start: a short stretch at its very end would loop an instant.
      const durationMs = (recording.samples.at(-1)?.t ?? recording.header.startedAt) - recording.header.startedAt;
      const fromMs = stretch && stretch.lengthMs >= Math.min(HEALTHY_FOR_MS, durationMs / 2) ? stretch.fromMs : 0;
      return { choice: { file: opts.golden, label: `golden recording ${formatStamp(recording.header.startedAt)}`, recording, fromMs }, problems };
    } catch (e) {
      problems.push(`golden recording unusable: ${(e as Error).message}`);
    }
  }
  let files: { path: string; size: number; mtime: number }[];
  try {
    files = readdirSync(opts.dir)
      .filter((f) => /^k2mc-.*\.jsonl$/.test(f))
      .map((f) => {
        const st = statSync(join(opts.dir, f));
        return { path: join(opts.dir, f), size: st.size, mtime: st.mtimeMs };
      })
      .filter((f) => f.path !== opts.exclude)
      .sort((a, b) => b.mtime - a.mtime)
      .slice(0, MAX_FILES);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push(code === 'ENOENT' ? `no recordings yet in ${opts.dir}` : `recordings folder ${opts.dir}: ${(e as Error).message}`);
    return { problems };
  }
  for (const f of files) {
    if (f.size > MAX_SCAN_BYTES) continue;
    let recording: Recording;
    try {
      recording = readRecording(f.path);
    } catch {
      continue;
    }
    const stretch = healthyStretch(recording, servicesOf(recording, opts.services));
    if (stretch && stretch.lengthMs >= HEALTHY_FOR_MS) {
      return { choice: { file: f.path, label: `rehearsal ${formatStamp(recording.header.startedAt)}`, recording, fromMs: stretch.fromMs }, problems };
    }
  }
  problems.push(
    files.length === 0
      ? `no recordings yet in ${opts.dir}`
      : `none of the ${files.length} recording${files.length === 1 ? '' : 's'} in ${opts.dir} has every essential service healthy for a minute (${basename(files[0]!.path)} is the newest)`,
  );
  return { problems };
}
