// Compact, fixed-width-friendly formatting for the panels.

export const DASH = '–';

export function formatUptime(startedAt: number | undefined, now: number): string {
  if (startedAt === undefined) return DASH;
  let s = Math.max(0, Math.floor((now - startedAt) / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  // Minutes without seconds: an uptime that ticks every second would redraw every row every second.
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n) || n < 0) return DASH;
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 100 ? 0 : 1;
  return `${v.toFixed(digits)} ${UNITS[u]}`;
}

export function formatByteRate(n: number | undefined): string {
  return n === undefined ? DASH : `${formatBytes(n)}/s`;
}

export function formatPercent(n: number | undefined, digits = 1): string {
  if (n === undefined || !Number.isFinite(n)) return DASH;
  return `${n.toFixed(digits)}%`;
}

export function formatLatency(ms: number | undefined): string {
  if (ms === undefined) return DASH;
  if (ms < 1) return '<1ms';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(0)}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.round(ms)}ms`;
}

export function formatClock(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
}

export function formatCount(n: number | undefined): string {
  if (n === undefined) return DASH;
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** Truncate to width with an ellipsis, pad to width. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const t = text.length > width ? (width > 1 ? text.slice(0, width - 1) + '…' : text.slice(0, width)) : text;
  return align === 'right' ? t.padStart(width) : t.padEnd(width);
}

/** 1234567 → "1,234,567"; a dash when unknown. */
export function formatInt(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? DASH : Math.round(n).toLocaleString('en-US');
}

/** Messages per second: one decimal below 100, whole numbers above; a dash when unknown. */
export function formatRate(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return DASH;
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(1);
}

/** A duration in seconds, coarse: "45 s", "12 min", "3 h 05 min". */
export function formatDuration(sec: number | undefined): string {
  if (sec === undefined || !Number.isFinite(sec) || sec < 0) return DASH;
  if (sec < 60) return `${Math.max(1, Math.round(sec))} s`;
  if (sec < 3600) return `${Math.round(sec / 60)} min`;
  const h = Math.floor(sec / 3600);
  return `${h} h ${String(Math.round((sec - h * 3600) / 60)).padStart(2, '0')} min`;
}

const SPARKS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as a sparkline scaled to their maximum; unknown values are blanks and
 * zeros the lowest bar, so a stopped stream is a flat floor, not a gap.
 */
export function sparkline(values: (number | undefined)[], width: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown.filter((v): v is number => v !== undefined && Number.isFinite(v)));
  const bars = shown.map((v) => {
    if (v === undefined || !Number.isFinite(v)) return ' ';
    if (max === 0) return SPARKS[0];
    return SPARKS[Math.min(SPARKS.length - 1, Math.round((v / max) * (SPARKS.length - 1)))];
  });
  return bars.join('').padStart(width);
}

/** 2026-01-14 10:32, local time: when a recording was made. */
export function formatStamp(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
