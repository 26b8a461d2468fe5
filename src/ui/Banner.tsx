import { Box, Text } from 'ink';
import { useAppStore } from './store-context.js';
import { paint } from './paint.js';
import { MODE_STYLE } from './theme.js';
import { fit, formatStamp } from '../model/format.js';
import { formatMinutes, type AppState, type Mode } from '../store/store.js';

// The line under the header that says, in words nobody can miss, that the screen is not the live
// platform: a recording (backup mode, k2mc replay) or the simulation (k2mc demo).

export function bannerRows(mode: Mode): number {
  return mode === 'live' ? 0 : 1;
}


/** ━━━━●──── over `width` cells. */
export function positionBar(positionMs: number, durationMs: number, width: number): string {
  if (width <= 0) return '';
  const at = durationMs > 0 ? Math.min(width - 1, Math.floor((positionMs / durationMs) * width)) : 0;
  return '━'.repeat(at) + '●' + '─'.repeat(Math.max(0, width - at - 1));
}

function speedText(speed: number): string {
  return speed < 1 ? `${speed}×` : `${Math.round(speed * 100) / 100}×`;
}

/** The banner's text; a string, so the banner renders only when it changes (once a second in a replay). */
export function bannerText(s: AppState, width: number): { text: string; mode: Exclude<Mode, 'live'> } | undefined {
  if (s.mode === 'live') return undefined;
  if (s.mode === 'simulated') {
    const speed = s.frame.speed && s.frame.speed !== 1 ? ` at ${speedText(s.frame.speed)} speed` : '';
    return { mode: 'simulated', text: fit(` SIMULATED — a built-in simulation of the ${s.frame.platform} platform${speed}, no live system is shown · f fires scenarios on it `, width) };
  }
  const r = s.replay;
  if (!r) return { mode: s.mode, text: fit(` ${s.mode === 'backup' ? 'BACKUP' : 'REPLAY'} — loading the recording… `, width) };
  const name = r.file.split('/').pop() ?? r.file;
  const state = r.paused ? '‖ paused' : `▶ ${speedText(r.speed)}`;
  const skipped = r.skipped ? ` · ${r.skipped} bad line${r.skipped === 1 ? '' : 's'} skipped` : '';
  const clock = `${formatMinutes(r.positionMs)} / ${formatMinutes(r.durationMs)}`;
  if (s.mode === 'backup') {
    const head = ` BACKUP — replay of ${s.backup.label ?? `rehearsal ${formatStamp(r.recordedAt)}`}, live platform not shown · `;
    const tail = ` ${clock} · b back to live `;
    const bar = positionBar(r.positionMs, r.durationMs, Math.max(0, Math.min(30, width - head.length - tail.length)));
    return { mode: 'backup', text: fit(head + bar + tail, width) };
  }
  const head = ` REPLAY — ${name} · recorded ${formatStamp(r.recordedAt)} · ${state} `;
  const tail = ` ${clock}${skipped} · Space pause ←→ seek +- speed `;
  const bar = positionBar(r.positionMs, r.durationMs, Math.max(0, Math.min(40, width - head.length - tail.length)));
  return { mode: 'replay', text: fit(head + bar + tail, width) };
}

export function Banner({ width }: { width: number }) {
  const json = useAppStore((s) => JSON.stringify(bannerText(s, width) ?? null));
  const b = JSON.parse(json) as ReturnType<typeof bannerText>;
  if (!b) return null;
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate" bold color={paint('white')} backgroundColor={paint(MODE_STYLE[b.mode].bg)}>
        {b.text.padEnd(width)}
      </Text>
    </Box>
  );
}
