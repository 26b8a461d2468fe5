import { describe, expect, it } from 'vitest';
import { buildRows, isHealthy, rowProblem } from '../../src/model/services.js';
import { servicesVerdict } from '../../src/model/verdict.js';
import { diffRows } from '../../src/model/transitions.js';
import { container, spec } from './helpers.js';

const specs = [spec('kafka'), spec('minio'), spec('kafka-ui', false), spec('api', true, { mayRunOnHost: true, probe: { url: 'http://x/health', timeoutMs: 100 } })];

describe('buildRows', () => {
  it('gives one row per expected service, matched by container name or compose service, then extras', () => {
    const rows = buildRows(
      specs,
      [container('kafka'), container('minio', { name: 'other-name' }), container('zookeeper')],
      { 'id-kafka': { cpuPercent: 3, memBytes: 100, at: 1 } },
      {},
    );
    expect(rows.map((r) => [r.name, r.status, r.expected])).toEqual([
      ['k2-kafka', 'running', true],
      ['other-name', 'running', true],
      ['k2-kafka-ui', 'missing', true],
      ['k2-api', 'missing', true],
      ['k2-zookeeper', 'running', false],
    ]);
    expect(rows[0]!.cpuPercent).toBe(3);
  });
  it('marks every row unknown while Docker cannot be asked', () => {
    const rows = buildRows(specs, undefined, {}, {});
    expect(rows.every((r) => r.status === 'unknown')).toBe(true);
  });
  it('counts a host-run service with a passing probe as up (external)', () => {
    const rows = buildRows(specs, [], {}, { api: { url: 'http://x/health', ok: true, status: 200, bodyStatus: 'healthy', at: 1 } });
    expect(rows.find((r) => r.key === 'api')!.status).toBe('external');
  });
});

describe('verdict', () => {
  const all = () => [container('kafka'), container('minio'), container('kafka-ui'), container('api')];
  const okProbe = { api: { url: 'http://x/health', ok: true, status: 200, bodyStatus: 'healthy', at: 1 } };
  it('is green when every essential service is up and healthy', () => {
    const v = servicesVerdict(buildRows(specs, all(), {}, okProbe), true);
    expect(v).toEqual({ level: 'green', reasons: [] });
  });
  it('is red when an essential service is paused, exited or missing', () => {
    const paused = all().map((c) => (c.service === 'kafka' ? { ...c, state: 'paused' as const } : c));
    expect(servicesVerdict(buildRows(specs, paused, {}, okProbe), true)).toEqual({ level: 'red', reasons: ['k2-kafka paused'] });
    const exited = all().map((c) => (c.service === 'minio' ? { ...c, state: 'exited' as const, exitCode: 137 } : c));
    expect(servicesVerdict(buildRows(specs, exited, {}, okProbe), true).reasons).toEqual(['k2-minio exited (137)']);
  });
  it('is amber when something is up but unhealthy, or a non-essential service is down', () => {
    const unhealthy = all().map((c) => (c.service === 'kafka' ? { ...c, health: 'unhealthy' as const } : c));
    expect(servicesVerdict(buildRows(specs, unhealthy, {}, okProbe), true)).toEqual({ level: 'amber', reasons: ['k2-kafka unhealthy'] });
    const noUi = all().filter((c) => c.service !== 'kafka-ui');
    expect(servicesVerdict(buildRows(specs, noUi, {}, okProbe), true)).toEqual({ level: 'amber', reasons: ['k2-kafka-ui missing'] });
  });
  it('is amber when a probe fails or the API reports degraded', () => {
    const bad = { api: { url: 'http://x/health', ok: false, error: 'refused', at: 1 } };
    expect(servicesVerdict(buildRows(specs, all(), {}, bad), true).reasons).toEqual(['k2-api probe refused']);
    const degraded = { api: { url: 'http://x/health', ok: true, status: 200, bodyStatus: 'degraded', at: 1 } };
    const rows = buildRows(specs, all(), {}, degraded);
    expect(isHealthy(rows[3]!)).toBe(false);
    expect(rowProblem(rows[3]!)).toBe('reports degraded');
  });
  it('is red when Docker is unreachable and unknown while connecting', () => {
    expect(servicesVerdict([], false).level).toBe('red');
    expect(servicesVerdict([], undefined).level).toBe('unknown');
  });
});

describe('diffRows', () => {
  const at = 1000;
  it('logs state, health, restart and probe transitions', () => {
    const before = buildRows(specs, [container('kafka'), container('minio')], {}, {});
    const after = buildRows(
      specs,
      [container('kafka', { health: 'unhealthy' }), container('minio', { state: 'paused', restartCount: 0 })],
      {},
      {},
    );
    const events = diffRows(before, after, at);
    expect(events.map((e) => [e.severity, e.text])).toEqual([
      ['error', 'k2-kafka healthy → unhealthy'],
      ['error', 'k2-minio running → paused'],
    ]);
  });
  it('logs a restart, a recovered probe and a container that appeared', () => {
    const probe = (ok: boolean) => ({ api: { url: 'u', ok, status: ok ? 200 : 503, at: 1 } });
    const before = buildRows(specs, [container('kafka'), container('api')], {}, probe(false));
    const after = buildRows(specs, [container('kafka', { restartCount: 2 }), container('api'), container('extra')], {}, probe(true));
    expect(diffRows(before, after, at).map((e) => e.text)).toEqual([
      'k2-kafka restarted (2 restarts)',
      'k2-api probe 503 → 200',
      'k2-extra appeared (running)',
    ]);
  });
  it('logs nothing when nothing changed', () => {
    const rows = buildRows(specs, [container('kafka')], {}, {});
    expect(diffRows(rows, buildRows(specs, [container('kafka')], {}, {}), at)).toEqual([]);
  });
});

describe('sameRows', () => {
  it('is true for rows built from equal inputs and false when anything shown differs', async () => {
    const { sameRows } = await import('../../src/model/services.js');
    const a = buildRows(specs, [container('kafka')], { 'id-kafka': { cpuPercent: 1, at: 1 } }, {});
    expect(sameRows(a, buildRows(specs, [container('kafka')], { 'id-kafka': { cpuPercent: 1, at: 2 } }, {}))).toBe(true);
    expect(sameRows(a, buildRows(specs, [container('kafka')], { 'id-kafka': { cpuPercent: 2, at: 2 } }, {}))).toBe(false);
    expect(sameRows(a, buildRows(specs, [container('kafka', { health: 'unhealthy' })], {}, {}))).toBe(false);
    const p = (latencyMs: number) => ({ api: { url: 'u', ok: true, status: 200, latencyMs, at: 1 } });
    expect(sameRows(buildRows(specs, [], {}, p(3)), buildRows(specs, [], {}, p(3)))).toBe(true);
    expect(sameRows(buildRows(specs, [], {}, p(3)), buildRows(specs, [], {}, p(4)))).toBe(false);
  });
});
