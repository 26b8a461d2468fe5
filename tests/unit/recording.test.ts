import { appendFileSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDigest, pruneRecordings, readRecording, redact, SessionRecorder } from '../../src/control/recording.js';

const T0 = Date.UTC(2026, 0, 14, 10, 32, 0);
const header = { startedAt: T0, project: 'k2', platform: 'K2', configDigest: 'abc', columns: 160, rows: 45 };
const dir = () => mkdtempSync(join(tmpdir(), 'k2mc-rec-'));

describe('redact', () => {
  it('returns what needs no change as it is, and copies (never mutates) what does', () => {
    const sample = { at: 1, topics: [{ name: 't', partitions: [{ partition: 0, low: 0, high: 9 }] }], note: 'a=b but no secret' };
    expect(redact(sample)).toBe(sample);
    const probe = { a: { ok: true, url: 'http://127.0.0.1/x' }, b: { ok: false, url: 'http://u:p@h:1/?token=abc&x=1', error: 'refused' }, c: [1, 'http://k@h/'] };
    const before = JSON.stringify(probe);
    const out = redact(probe) as typeof probe;
    expect(JSON.stringify(probe)).toBe(before);
    expect(out).toEqual({ a: { ok: true, url: 'http://127.0.0.1/x' }, b: { ok: false, url: 'http://***@h:1/?token=***&x=1', error: 'refused' }, c: [1, 'http://***@h/'] });
    expect(Object.keys(out.b)).toEqual(['ok', 'url', 'error']);
    expect(out.a).toBe(probe.a); // unchanged parts are shared
    expect(out).not.toBe(probe);
    const dropped = redact({ first: 1, second: { x: 1 }, token: 'secret', last: 'z' });
    expect(dropped).toEqual({ first: 1, second: { x: 1 }, last: 'z' });
    expect(Object.keys(dropped as object)).toEqual(['first', 'second', 'last']);
  });
  it('masks URL credentials and drops secret-looking keys, leaving the rest', () => {
    expect(redact('http://user:hunter2@localhost:9090/api')).toBe('http://***@localhost:9090/api');
    expect(redact('https://token@host/x and tcp://a:b@c:1')).toBe('https://***@host/x and tcp://***@c:1');
    expect(redact({ url: 'http://127.0.0.1:8000/health', password: 'x', nested: [{ apiKey: 'k', ok: 1 }], sasl: { username: 'u' } })).toEqual({
      url: 'http://127.0.0.1:8000/health',
      nested: [{ ok: 1 }],
    });
    expect(redact('plain text with no@url')).toBe('plain text with no@url');
  });
  it('digests configs without their secrets', () => {
    const a = configDigest({ kafka: { brokers: ['b:1'], sasl: { password: 'one' } } });
    const b = configDigest({ kafka: { brokers: ['b:1'], sasl: { password: 'two' } } });
    expect(a).toBe(b);
    expect(a).not.toBe(configDigest({ kafka: { brokers: ['b:2'] } }));
  });
});

describe('SessionRecorder', () => {
  it('round trip: a header line, then every sample in order; nothing secret on disk', () => {
    const d = dir();
    const r = new SessionRecorder({ dir: d, header });
    r.record('docker', { containers: [{ name: 'k2-kafka', state: 'running' }] }, T0 + 1000);
    r.record('probes', { api: { url: 'http://admin:s3cret@127.0.0.1:8000/health', ok: true } }, T0 + 1500);
    r.flush();
    r.record('kafka', { topics: [{ name: 't', partitions: [{ partition: 0, low: 0, high: 5 }] }] }, T0 + 2000);
    r.close();
    expect(r.path).toBe(join(d, 'k2mc-k2-20260114-103200.jsonl'));
    const raw = readFileSync(r.path!, 'utf8');
    expect(raw).not.toContain('s3cret');
    const rec = readRecording(r.path!);
    expect(rec.header).toMatchObject({ k2mc: 'recording', version: 1, project: 'k2', startedAt: T0, part: 1, columns: 160 });
    expect(rec.samples.map((s) => [s.t, s.s])).toEqual([
      [T0 + 1000, 'docker'],
      [T0 + 1500, 'probes'],
      [T0 + 2000, 'kafka'],
    ]);
    expect((rec.samples[1]!.v as { api: { url: string } }).api.url).toBe('http://***@127.0.0.1:8000/health');
    expect(rec.skipped).toBe(0);
  });

  it('two sessions started within the same second get a file each', () => {
    const d = dir();
    const a = new SessionRecorder({ dir: d, header });
    const b = new SessionRecorder({ dir: d, header });
    a.record('host', { cpuPercent: 1 }, T0);
    b.record('host', { cpuPercent: 2 }, T0);
    a.flush();
    b.flush();
    expect(b.path).toBe(join(d, 'k2mc-k2-20260114-103200-2.jsonl'));
    expect(readRecording(a.path!).samples.map((x) => x.v)).toEqual([{ cpuPercent: 1 }]);
    expect(readRecording(b.path!).samples.map((x) => x.v)).toEqual([{ cpuPercent: 2 }]);
  });

  it('a file cut off mid-line (k2mc killed) replays up to its last complete line', () => {
    const d = dir();
    const r = new SessionRecorder({ dir: d, header });
    for (let i = 0; i < 5; i++) r.record('host', { cpuPercent: i }, T0 + i * 1000);
    r.flush();
    appendFileSync(r.path!, '{"t":1795000000000,"s":"host","v":{"cpuPer');
    const rec = readRecording(r.path!);
    expect(rec.samples).toHaveLength(5);
    expect(rec.skipped).toBe(1);
  });

  it('rotates past the size limit, each part with its own header', () => {
    const d = dir();
    const r = new SessionRecorder({ dir: d, header, maxFileBytes: 300 });
    for (let i = 0; i < 20; i++) {
      r.record('host', { cpuPercent: i, pad: 'x'.repeat(40) }, T0 + i * 1000);
      r.flush();
    }
    r.close();
    const files = readdirSync(d).sort();
    expect(files.length).toBeGreaterThan(2);
    expect(files).toContain('k2mc-k2-20260114-103200-part2.jsonl');
    const all = files.flatMap((f) => readRecording(join(d, f)).samples.map((s) => s.t));
    expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => T0 + i * 1000));
  });

  it('a folder it cannot write stops the recording with a message, never an exception', () => {
    const d = dir();
    writeFileSync(join(d, 'file'), 'x');
    const r = new SessionRecorder({ dir: join(d, 'file', 'sub'), header });
    r.record('host', {}, T0);
    expect(() => r.flush()).not.toThrow();
    expect(r.problem).toMatch(/^recording stopped: /);
  });
});

describe('pruneRecordings and readRecording', () => {
  it('deletes the oldest recordings beyond the total, never the current one', () => {
    const d = dir();
    for (const [i, name] of ['k2mc-a.jsonl', 'k2mc-b.jsonl', 'k2mc-c.jsonl'].entries()) {
      writeFileSync(join(d, name), 'x'.repeat(100));
      utimesSync(join(d, name), new Date(T0 + i * 1000), new Date(T0 + i * 1000));
    }
    writeFileSync(join(d, 'notes.txt'), 'x'.repeat(1000));
    expect(pruneRecordings(d, 250, join(d, 'k2mc-a.jsonl'))).toEqual([join(d, 'k2mc-b.jsonl')]);
    expect(readdirSync(d).sort()).toEqual(['k2mc-a.jsonl', 'k2mc-c.jsonl', 'notes.txt']);
  });
  it('names the file and the problem for what is not a recording', () => {
    const d = dir();
    expect(() => readRecording(join(d, 'none.jsonl'))).toThrow(`${join(d, 'none.jsonl')}: not found`);
    writeFileSync(join(d, 'x.jsonl'), '{"hello": 1}\n');
    expect(() => readRecording(join(d, 'x.jsonl'))).toThrow('not a k2mc recording');
    writeFileSync(join(d, 'v.jsonl'), '{"k2mc":"recording","version":99}\n');
    expect(() => readRecording(join(d, 'v.jsonl'))).toThrow('recording format version 99; this k2mc reads version 1');
  });
});

describe('redact: what counts as a secret', () => {
  it('keeps data keyed by names that merely look secret, drops secret settings and masks query strings', async () => {
    const { redact } = await import('../../src/control/recording.js');
    const out = redact({
      probes: { 'token-service': { url: 'http://svc/health?token=abc123&x=1', ok: true }, bypass: { ok: true } },
      kafka: { brokers: ['alice:s3cret@broker-1:9092'], sasl: { mechanism: 'plain', username: 'u', password: 'p' } },
      env: { API_KEY: 'k-123', password: 'hunter2', passive: true },
    });
    const text = JSON.stringify(out);
    for (const secret of ['abc123', 's3cret', 'hunter2', 'k-123', '"p"']) expect(text).not.toContain(secret);
    expect(out).toMatchObject({ probes: { 'token-service': { url: 'http://svc/health?token=***&x=1', ok: true }, bypass: { ok: true } }, kafka: { brokers: ['***@broker-1:9092'] }, env: { passive: true } });
    expect((out as { kafka: object }).kafka).not.toHaveProperty('sasl');
  });
});
