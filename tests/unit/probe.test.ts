import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonStatus, probe } from '../../src/sources/http.js';

// Probes against real HTTP servers on 127.0.0.1.

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/health') res.end(JSON.stringify({ status: 'degraded', dependencies: [] }));
    else if (req.url === '/down') {
      res.statusCode = 503;
      res.end('down');
    } else if (req.url === '/hang') {
      // never answers
    } else res.end('plain text');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('probe', () => {
  it('reports status, latency and the JSON status field', async () => {
    const r = await probe(`${base}/health`, 2000);
    expect(r).toMatchObject({ ok: true, status: 200, bodyStatus: 'degraded' });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });
  it('a 5xx answer is not ok, with its status', async () => {
    expect(await probe(`${base}/down`, 2000)).toMatchObject({ ok: false, status: 503 });
  });
  it('a server that does not answer is a timeout, not a hang', async () => {
    expect(await probe(`${base}/hang`, 200)).toMatchObject({ ok: false, error: 'timeout 200 ms' });
  });
  it('nothing listening is refused', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    expect(await probe(`http://127.0.0.1:${port}/`, 2000)).toMatchObject({ ok: false, error: 'refused' });
  });
  it('reads a status field only from a JSON object', () => {
    expect(jsonStatus('{"status":"healthy"}')).toBe('healthy');
    expect(jsonStatus('[1]')).toBeUndefined();
    expect(jsonStatus('{bad')).toBeUndefined();
    expect(jsonStatus('{"status":3}')).toBeUndefined();
  });
});
