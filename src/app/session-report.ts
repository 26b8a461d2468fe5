import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatClock } from '../model/format.js';
import { formatMinutes } from '../store/store.js';
import type { RestoredBy, ScenarioRecord, SessionData } from '../control/session-log.js';
import type { SourceStats } from '../clock/scheduler.js';

// The markdown report k2mc leaves behind when it quits: what the session did, for the presenter's
// notes. Times are local (HH:MM:SS), durations "4.2 s" / "1 min 12 s".

export interface ReportOptions {
  /** The session's recording, named in the report when there is one. */
  recording?: string;
  /** What each source's sampling did (the scheduler's counters), for the Sampling section. */
  sampling?: Record<string, SourceStats>;
}

const BY: Record<RestoredBy, string> = { auto: 'auto-restore', key: 'r', all: 'R', quit: 'quit prompt', exit: 'on exit' };

/** "4.2 s" below a minute, "1 min 12 s", "1 h 3 min". */
export function formatDuration(ms: number): string {
  const tenths = Math.round(Math.max(0, ms) / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const pad = (n: number) => String(n).padStart(2, '0');
function localDate(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
/** 20260114-140211, local time. */
function fileStamp(at: number): string {
  const d = new Date(at);
  return `${localDate(at).replace(/-/g, '')}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** Table cells: one line, no column breaks. */
const cell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
const line = (text: string) => text.replace(/\r?\n/g, ' ');
const dropped = (n: number, what: string) => (n > 0 ? [`- … and ${n} earlier ${what} not kept`] : []);

function timerSummary(t: SessionData['timer']): string {
  if (!t.started) return 'not started';
  const diff = t.elapsedMs - t.targetMs;
  const vs = diff > 0 ? `${formatDuration(diff)} over` : `${formatDuration(-diff)} to spare`;
  return `${formatMinutes(t.elapsedMs)} of ${formatMinutes(t.targetMs)} target (${vs})${t.running ? ', still running' : ''}`;
}

function effectCell(r: ScenarioRecord): string {
  if (r.effect?.status === 'met') return `${formatDuration(r.effect.afterMs)} — ${r.effect.text}`;
  if (r.effect) return `not seen — ${r.effect.text}`;
  if (!r.hasExpectation) return 'no expectation';
  if (!r.faultId) return '–';
  return r.restoredAt !== undefined ? 'not seen before restore' : 'pending at end';
}

function restoredCell(r: ScenarioRecord): string {
  if (r.restoredAt !== undefined) return `${formatClock(r.restoredAt)} (${BY[r.restoredBy ?? 'exit']})`;
  return r.faultId ? 'still active at end' : '–';
}

function recoveredCell(r: ScenarioRecord): string {
  if (r.recoveryMs !== undefined) return `${formatDuration(r.recoveryMs)} (${r.recoveredTo})`;
  return r.restoredAt !== undefined ? `not back to ${r.before === 'unknown' ? 'green' : r.before} by the end` : '–';
}

function scenariosSection(d: SessionData): string[] {
  if (d.scenarios.length === 0) return ['none'];
  const out = ['| Scenario | Fired at | Targets | Effect seen | Restored at | Recovered after | Worst verdict |', '|---|---|---|---|---|---|---|'];
  const notes: string[] = [];
  for (const r of d.scenarios) {
    const fired = `${formatClock(r.firedAt)}${r.inherited ? ' (earlier run)' : ''}`;
    const targets = r.targets.join(', ') || 'nothing';
    out.push(`| ${[r.scenario, fired, targets, effectCell(r), restoredCell(r), recoveredCell(r), r.worst].map(cell).join(' | ')} |`);
    for (const s of r.steps) if (!s.ok) notes.push(`- ${r.scenario} at ${formatClock(r.firedAt)}: step failed: ${line(s.text)}`);
    for (const p of r.restoreProblems) notes.push(`- ${r.scenario} at ${formatClock(r.firedAt)}: restore failed: ${line(p)}`);
  }
  return [...out, ...(notes.length || d.dropped.scenarios ? ['', ...dropped(d.dropped.scenarios, 'scenarios'), ...notes] : [])];
}

function backupSection(d: SessionData): string[] {
  if (d.backupSwitches.length === 0) return ['none'];
  const out = d.backupSwitches.map((b) =>
    b.to === 'backup'
      ? `- ${formatClock(b.at)} live → backup: the screen shows ${line(b.label ?? b.file ?? 'a recording')}`
      : `- ${formatClock(b.at)} back to ${b.to}${b.afterMs !== undefined ? ` after ${formatDuration(b.afterMs)}` : ''}`,
  );
  return [...dropped(d.dropped.backupSwitches, 'switches'), ...out];
}

function sectionsSection(d: SessionData): string[] {
  const t = d.timer;
  if (!t.started || t.sections.length === 0) return ['none'];
  const out = ['| Section | Started at | Timer | Length |', '|---|---|---|---|'];
  t.sections.forEach((s, i) => {
    const next = t.sections[i + 1]?.elapsedMs ?? t.elapsedMs;
    out.push(`| ${[s.label, formatClock(s.at), formatMinutes(s.elapsedMs), formatDuration(next - s.elapsedMs)].map(cell).join(' | ')} |`);
  });
  return [...out, '', `Final: ${timerSummary(t)}.`];
}

function redSection(d: SessionData): string[] {
  if (d.redEvents.length === 0) return ['none'];
  return [...dropped(d.dropped.redEvents, 'red events'), ...d.redEvents.map((e) => `- ${formatClock(e.at)} ${line(e.text)}`)];
}

function timelineSection(d: SessionData): string[] {
  if (d.verdicts.length === 0) return ['none'];
  const out = d.verdicts.map((v, i) => {
    const until = d.verdicts[i + 1]?.at ?? d.endedAt;
    const why = v.reasons.length ? ` — ${line(v.reasons.join(', '))}` : '';
    return `- ${formatClock(v.at)} **${v.level}** for ${formatDuration(until - v.at)}${why}`;
  });
  return [...dropped(d.dropped.verdicts, 'verdict changes'), ...out];
}

/** Did k2mc keep up with the platform: per source, samples, failures, deadlines, skipped ticks. */
function samplingSection(sampling: Record<string, SourceStats> | undefined): string[] {
  const rows = Object.entries(sampling ?? {}).filter(([, s]) => s.started > 0);
  if (rows.length === 0) return ['none'];
  const out = ['| Source | Samples | Failed | Deadlines missed | Ticks skipped (still busy) | Most at once | Mean | Slowest |', '|---|---|---|---|---|---|---|---|'];
  for (const [name, s] of rows) {
    const settled = s.ok + s.failed;
    const mean = settled > 0 ? `${Math.round(s.totalMs / settled)} ms` : '–';
    out.push(`| ${[name, String(s.started), String(s.failed), String(s.deadlines), String(s.busySkips), String(s.maxInFlight), mean, `${Math.round(s.maxMs)} ms`].map(cell).join(' | ')} |`);
  }
  return out;
}

export function renderSessionReport(data: SessionData, opts: ReportOptions = {}): string {
  const d = data;
  const wallMs = d.wallEndedAt - d.wallStartedAt;
  const platformMs = d.endedAt - d.startedAt;
  // In `k2mc demo` the platform's time runs faster than the clock on the wall.
  const duration = Math.abs(platformMs - wallMs) > 2000 ? `${formatDuration(wallMs)} (platform time ${formatDuration(platformMs)})` : formatDuration(wallMs);
  const inBackup = d.backupSwitches.reduce((sum, b) => sum + (b.afterMs ?? 0), 0);
  const entered = d.backupSwitches.filter((b) => b.to === 'backup').length + d.dropped.backupSwitches;
  const met = d.scenarios.filter((r) => r.effect?.status === 'met').length;
  const fired = d.scenarios.filter((r) => !r.inherited).length + d.dropped.scenarios;
  const summary: [string, string][] = [
    ['Mode', d.mode],
    ['Duration (wall clock)', duration],
    ['Demo timer', timerSummary(d.timer)],
    ['Scenarios fired', `${fired}${fired ? ` (effect seen: ${met})` : ''}`],
    ['Backup switches', `${entered}${inBackup ? ` (${formatDuration(inBackup)} in backup)` : ''}`],
    ['Red events', String(d.redEvents.length + d.dropped.redEvents)],
  ];
  const head = [
    `# ${d.platform} session report — ${localDate(d.startedAt)}`,
    '',
    `Project \`${d.project}\`, ${formatClock(d.startedAt)}–${formatClock(d.endedAt)} local time${d.ended ? '' : ' (still running when written)'}.`,
    ...(opts.recording ? ['', `Recording: \`${opts.recording}\``] : []),
    '',
    '| | |',
    '|---|---|',
    ...summary.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`),
  ];
  const sections: [string, string[]][] = [
    ['Scenarios', scenariosSection(d)],
    ['Backup mode', backupSection(d)],
    ['Demo sections', sectionsSection(d)],
    ['Red events', redSection(d)],
    ['Verdict timeline', timelineSection(d)],
    ...(opts.sampling ? ([['Sampling', samplingSection(opts.sampling)]] as [string, string[]][]) : []),
  ];
  return [...head, ...sections.flatMap(([title, body]) => ['', `## ${title}`, '', ...body]), ''].join('\n');
}

/** Writes the report into `dir` (created if needed) under a name of its own; returns its path. */
export function writeSessionReport(data: SessionData, dir: string, opts: ReportOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const base = `k2mc-report-${data.project.replace(/[^\w.-]+/g, '_')}-${fileStamp(data.startedAt)}`;
  const text = renderSessionReport(data, opts);
  for (let n = 1; ; n++) {
    const path = join(dir, `${base}${n > 1 ? `-${n}` : ''}.md`);
    try {
      writeFileSync(path, text, { flag: 'wx' }); // never over an existing report
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw e;
    }
  }
}
