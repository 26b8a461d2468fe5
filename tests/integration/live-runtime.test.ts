import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLive, type LiveRuntime } from '../../src/app/live.js';
import type { Config } from '../../src/config/types.js';
import { DEFAULT_KAFKA } from '../../src/config/defaults.js';
import { createContainer, docker, eventually, removeRun, requireEngine, uniqueProject } from './docker-helpers.js';

// The whole live runtime (one clock, Docker + stats + probes + host sources, store) against the
// real engine. Docker is reached through a TCP relay to its socket, so the test can cut the
// engine off and bring it back without touching the shared daemon.

const project = uniqueProject('k2rt');
const PORT = 18992;

function relay(): Promise<net.Server & { sockets: Set<net.Socket> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect('/var/run/docker.sock');
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  }) as net.Server & { sockets: Set<net.Socket> };
  server.sockets = sockets;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let server: Awaited<ReturnType<typeof relay>>;
let live: LiveRuntime;

const config = (port: number): Config => ({
  platform: 'K2 test',
  project,
  dockerHost: `tcp://127.0.0.1:${port}`,
  refreshMs: 500,
  readOnly: true,
  source: 'test',
  plans: {},
  // No broker on this port: the Kafka panel says so, the rest carries on.
  kafka: { ...DEFAULT_KAFKA, brokers: ['127.0.0.1:1'], prometheusUrl: undefined },
  services: [
    { name: 'api', container: `${project}-api`, essential: true, healthcheck: true, mayRunOnHost: false, ports: [PORT], probe: { url: `http://127.0.0.1:${PORT}/health`, timeoutMs: 1000 } },
    { name: 'stream', container: `${project}-stream`, essential: true, healthcheck: false, mayRunOnHost: false, ports: [] },
    { name: 'ui', container: `${project}-ui`, essential: false, healthcheck: false, mayRunOnHost: false, ports: [] },
  ],
});

beforeAll(async () => {
  await requireEngine();
  await removeRun(project);
  await createContainer({
    run: project,
    name: `${project}-api`,
    project,
    service: 'api',
    cmd: ['sh', '-c', `mkdir -p /www && printf '{"status":"healthy","dependencies":[]}' > /www/health && exec httpd -f -p 127.0.0.1:${PORT} -h /www`],
    health: [`wget -q -O /dev/null http://127.0.0.1:${PORT}/health || exit 1`],
  });
  await createContainer({ run: project, name: `${project}-stream`, project, service: 'stream' });
  server = await relay();
  live = startLive(config((server.address() as net.AddressInfo).port));
});

afterAll(async () => {
  live?.stop();
  server?.close();
  for (const s of server?.sockets ?? []) s.destroy();
  await removeRun(project);
});

const state = () => live.store.getState();
const row = (key: string) => state().rows.find((r) => r.key === key);

describe('live runtime on a real engine', () => {
  it('reaches green-but-for-the-missing-service: rows, probe with JSON status, stats, host', async () => {
    await eventually(() => row('api'), (r) => r?.health === 'healthy' && r.probe?.bodyStatus === 'healthy', 20_000, 'api healthy with probe');
    await eventually(() => row('stream'), (r) => r?.memBytes !== undefined, 20_000, 'stream stats');
    expect(row('stream')!.status).toBe('running');
    expect(row('ui')!.status).toBe('missing');
    expect(row('api')!.probe).toMatchObject({ ok: true, status: 200, bodyStatus: 'healthy' });
    await eventually(() => state().host.sample, (h) => h?.cpuPercent !== undefined && (h.memTotal ?? 0) > 0, 10_000, 'host figures');
    expect(state().events.some((e) => e.text.startsWith(`Docker connected at tcp://127.0.0.1:`))).toBe(true);
  });

  it('shows a paused container without waiting for the next tick, and logs the transition', async () => {
    await docker.getContainer(`${project}-stream`).pause();
    await eventually(() => row('stream')?.status, (s) => s === 'paused', 5_000, 'paused row');
    expect(state().events.map((e) => e.text)).toContain(`${project}-stream running → paused`);
    await docker.getContainer(`${project}-stream`).unpause();
    await eventually(() => row('stream')?.status, (s) => s === 'running', 5_000, 'running row');
    expect(state().events.map((e) => e.text)).toContain(`${project}-stream paused → running`);
  });

  it('reports a stopped container with its exit code', async () => {
    await docker.getContainer(`${project}-stream`).stop({ t: 0 });
    const r = await eventually(() => row('stream'), (x) => x?.status === 'exited', 10_000, 'exited row');
    expect(state().events.some((e) => e.text.startsWith(`${project}-stream running → exited (`))).toBe(true);
    expect(r!.exitCode).toBeDefined();
    await docker.getContainer(`${project}-stream`).start();
    await eventually(() => row('stream')?.status, (s) => s === 'running', 10_000, 'running again');
  });

  it('says the engine is unreachable when it is cut off, keeps the rest going, and recovers by itself', async () => {
    const url = state().frame.dockerUrl;
    const port = (server.address() as net.AddressInfo).port;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of server.sockets) s.destroy();
    await closed;
    // A kept-alive connection may first report a reset; with the port closed it settles on refused.
    const refused = `Docker engine unreachable at ${url}: connection refused — is dockerd running and listening there?`;
    await eventually(() => state().docker.status, (s) => s.state === 'unreachable' && s.reason === refused, 10_000, 'unreachable: refused');
    expect(row('api')!.status).toBe('unknown');
    // Probes and host metrics do not depend on Docker and keep coming.
    const hostAt = state().host.sample!.at;
    await eventually(() => state().host.sample!.at, (at) => at > hostAt, 10_000, 'host keeps sampling');
    // Bring the engine back on the same address.
    server = await new Promise((resolve) => {
      const again = net.createServer((client) => {
        const upstream = net.connect('/var/run/docker.sock');
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      }) as typeof server;
      again.sockets = new Set();
      again.listen(port, '127.0.0.1', () => resolve(again));
    });
    await eventually(() => state().docker.status.state, (s) => s === 'ok', 10_000, 'reachable again');
    await eventually(() => row('api')?.status, (s) => s === 'running', 10_000, 'rows back');
    expect(state().events.map((e) => e.text)).toContain(`Docker engine reachable again at ${url}`);
  });
});
