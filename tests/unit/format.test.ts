import { describe, expect, it } from 'vitest';
import { fit, formatBytes, formatClock, formatLatency, formatPercent, formatUptime } from '../../src/model/format.js';

describe('formatUptime', () => {
  const now = Date.UTC(2026, 0, 14, 12, 0, 0);
  it('shows seconds under a minute', () => {
    expect(formatUptime(now - 42_000, now)).toBe('42s');
    expect(formatUptime(now, now)).toBe('0s');
  });
  it('shows whole minutes under an hour, so rows do not redraw every second', () => {
    expect(formatUptime(now - (4 * 60 + 12) * 1000, now)).toBe('4m');
  });
  it('shows hours and zero-padded minutes, then days and hours', () => {
    expect(formatUptime(now - (2 * 3600 + 5 * 60) * 1000, now)).toBe('2h 05m');
    expect(formatUptime(now - (3 * 86400 + 4 * 3600 + 59) * 1000, now)).toBe('3d 4h');
  });
  it('is a dash when unknown and never negative', () => {
    expect(formatUptime(undefined, now)).toBe('–');
    expect(formatUptime(now + 5000, now)).toBe('0s');
  });
});

describe('formatBytes and friends', () => {
  it('uses binary units with one decimal under 100', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(512 * 1024 * 1024)).toBe('512 MiB');
    expect(formatBytes(23.54 * 1024 ** 3)).toBe('23.5 GiB');
    expect(formatBytes(undefined)).toBe('–');
    expect(formatBytes(-1)).toBe('–');
  });
  it('formats percent, latency and clock', () => {
    expect(formatPercent(1.234)).toBe('1.2%');
    expect(formatPercent(undefined)).toBe('–');
    expect(formatLatency(0.4)).toBe('<1ms');
    expect(formatLatency(12.4)).toBe('12ms');
    expect(formatLatency(1500)).toBe('1.5s');
    expect(formatClock(new Date(2026, 0, 14, 14, 2, 11).getTime())).toBe('14:02:11');
  });
  it('fits text to a width with an ellipsis', () => {
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('abc', 5, 'right')).toBe('  abc');
    expect(fit('abcdefgh', 5)).toBe('abcd…');
    expect(fit('abc', 0)).toBe('');
  });
});
