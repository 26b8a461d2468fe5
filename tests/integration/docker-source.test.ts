import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerSource, type DockerEventNotice } from '../../src/sources/docker/source.js';
import { DockerStatsSource } from '../../src/sources/docker/stats.js';
import { CgroupReader } from '../../src/sources/docker/cgroup.js';
import { SourceError } from '../../src/sources/types.js';
import type { ContainerInfo } from '../../src/model/types.js';
import { createContainer, docker, eventually, removeRun, requireEngine, uniqueProject } from './docker-helpers.js';

// The Docker source against a real engine: what it reports after real pauses, stops, kills,
// restarts and failing health checks.

const project = uniqueProject('k2it');
const events: DockerEventNotice[] = [];
let source: DockerSource;
const signal = () => AbortSignal.timeout(10_000);
const find = (list: ContainerInfo[], name: string) => list.find((c) => c.name === name);
const sampleOf = async (name: string) => find((await source.sample(signal())).containers, name);

beforeAll(async () => {
  await requireEngine();
  await removeRun(project);
  await Promise.all([
    createContainer({ run: project, name: `${project}-web`, project, service: 'web', cmd: ['sh', '-c', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 127.0.0.1:18991 -h /www'], health: ['wget -q -O /dev/null http://127.0.0.1:18991/ || exit 1'] }),
    createContainer({ run: project, name: `${project}-worker`, project, service: 'worker' }),
    createContainer({ run: project, name: `${project}-sick`, project, service: 'sick', health: ['exit 1'] }),
    createContainer({ run: project, name: `${project}-crashy`, project, service: 'crashy', cmd: ['sh', '-c', 'echo starting; sleep 1; exit 3'], restart: 'always' }),
    // A decoy: same name pattern, another project. Never listed.
    createContainer({ run: project, name: `${project}-decoy`, project: `${project}x`, service: 'web' }),
  ]);
  source = new DockerSource({ project, onEvent: (e) => events.push(e) });
});

afterAll(async () => {
  source?.close();
  await removeRun(project);
});

describe('DockerSource on a real engine', () => {
  it('lists only the project containers, with engine info', async () => {
    const s = await source.sample(signal());
    expect(s.containers.map((c) => c.name).sort()).toEqual([`${project}-crashy`, `${project}-sick`, `${project}-web`, `${project}-worker`]);
    expect(s.engine.version).toMatch(/^\d+\.\d+/);
    expect(s.engine.rootDir).toBeTruthy();
    const web = find(s.containers, `${project}-web`)!;
    expect(web.service).toBe('web');
    expect(web.image).toBe('k2mc-test/busybox');
    expect(web.startedAt).toBeGreaterThan(Date.now() - 120_000);
  });

  it('reports health from real health checks: healthy and unhealthy', async () => {
    await eventually(() => sampleOf(`${project}-web`), (c) => c?.health === 'healthy', 20_000, 'web healthy');
    await eventually(() => sampleOf(`${project}-sick`), (c) => c?.health === 'unhealthy', 20_000, 'sick unhealthy');
    expect((await sampleOf(`${project}-worker`))?.health).toBe('none');
  });

  it('reports pause and unpause, and the event stream announces them', async () => {
    await docker.getContainer(`${project}-worker`).pause();
    expect((await sampleOf(`${project}-worker`))?.state).toBe('paused');
    await eventually(() => events, (e) => e.some((x) => x.action === 'pause' && x.name === `${project}-worker`), 10_000, 'pause event');
    await docker.getContainer(`${project}-worker`).unpause();
    expect((await sampleOf(`${project}-worker`))?.state).toBe('running');
  });

  it('lists on the ticks right after an event, since the engine can announce a change before its list shows it', async () => {
    const seen: string[] = [];
    const paced = new DockerSource({ project, everyTicksWithEvents: 5, onEvent: (e) => seen.push(e.action) });
    try {
      await paced.sample(signal());
      await eventually(() => paced.everyTicks, (n) => n === 5, 10_000, 'event stream up: slow list cadence');
      await docker.getContainer(`${project}-worker`).pause();
      await eventually(() => seen, (a) => a.includes('pause'), 10_000, 'pause event');
      const cadence: number[] = [];
      for (let i = 0; i < 4; i++) {
        cadence.push(paced.everyTicks);
        await paced.sample(signal());
      }
      cadence.push(paced.everyTicks);
      expect(cadence).toEqual([1, 1, 1, 5, 5]);
    } finally {
      paced.close();
      // Only if the pause happened: an unpause error would hide why the test failed.
      const worker = docker.getContainer(`${project}-worker`);
      if ((await worker.inspect()).State.Paused) await worker.unpause();
    }
  }, 30_000);

  it('reports a stop with its exit code, and a start', async () => {
    await docker.getContainer(`${project}-worker`).kill({ signal: 'SIGKILL' });
    const stopped = await eventually(() => sampleOf(`${project}-worker`), (c) => c?.state === 'exited', 10_000, 'exited');
    expect(stopped?.exitCode).toBe(137);
    await docker.getContainer(`${project}-worker`).start();
    const started = await eventually(() => sampleOf(`${project}-worker`), (c) => c?.state === 'running', 10_000, 'running');
    expect(started?.exitCode).toBeUndefined();
  });

  it('counts restarts made by the restart policy', async () => {
    const c = await eventually(() => sampleOf(`${project}-crashy`), (x) => (x?.restartCount ?? 0) >= 2, 30_000, 'two restarts');
    expect(c!.restartCount).toBeGreaterThanOrEqual(2);
  });

  it('fetches details: labels, health-check log and the last log lines', async () => {
    const web = await sampleOf(`${project}-web`);
    const d = await source.details(web!.id);
    expect(d.labels['com.docker.compose.project']).toBe(project);
    expect(d.healthLog.length).toBeGreaterThan(0);
    expect(d.healthLog.every((h) => h.exitCode === 0)).toBe(true);
    const crashy = await sampleOf(`${project}-crashy`);
    const logs = await source.details(crashy!.id);
    expect(logs.logLines).toContain('starting');
    expect(logs.logLines.length).toBeLessThanOrEqual(20);
  });

  it('samples CPU and memory with one-shot stats; CPU appears from the second round', async () => {
    const stats = new DockerStatsSource(source.api, () => source.latest, { intervalMs: 0 });
    await source.sample(signal());
    const first = await stats.sample(signal());
    const web = find(source.latest, `${project}-web`)!;
    expect(first[web.id]?.memBytes).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    const second = await stats.sample(signal());
    expect(second[web.id]?.cpuPercent).toBeGreaterThanOrEqual(0);
    const paused = `${project}-worker`;
    await docker.getContainer(paused).pause();
    await source.sample(signal());
    const third = await stats.sample(signal());
    expect(third[find(source.latest, paused)!.id]).toBeUndefined();
    await docker.getContainer(paused).unpause();
  });
});

describe('stats from the local cgroup filesystem', () => {
  it('agree with the Docker API for a real container', async () => {
    await source.sample(signal());
    // The worker has no health check: no exec'd processes come and go between the two readings.
    const web = find(source.latest, `${project}-worker`)!;
    const local = new CgroupReader().read(web.id);
    expect(local, 'the engine runs on this host, so its cgroups are visible').toBeDefined();
    const api = (await source.api.json<{ memory_stats: { usage: number } }>(`/containers/${web.id}/stats?stream=false&one-shot=true`)).memory_stats;
    // Same counter, read a moment apart.
    expect(Math.abs((local!.memUsage ?? 0) - (await import('../../src/model/resources.js')).memoryInUse(api)!)).toBeLessThan(2 * 1024 * 1024);
    const stats = new DockerStatsSource(source.api, () => source.latest, { intervalMs: 0, cgroups: new CgroupReader() });
    await stats.sample(signal());
    await new Promise((r) => setTimeout(r, 300));
    const s = await stats.sample(signal());
    expect(s[web.id]?.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(s[web.id]?.memBytes).toBeGreaterThan(0);
  });
});

describe('DockerSource without an engine', () => {
  it('says in words that the engine is unreachable and why', async () => {
    const s = new DockerSource({ project, url: 'unix:///tmp/k2mc-no-such-docker.sock' });
    const err = await s.sample(signal()).catch((e) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toBe('Docker engine unreachable at unix:///tmp/k2mc-no-such-docker.sock: connect ENOENT — is dockerd running?');
  });
  it('says connection refused for a TCP port with nothing listening', async () => {
    const s = new DockerSource({ project, url: 'tcp://127.0.0.1:1' });
    const err = await s.sample(signal()).catch((e) => e);
    expect(err.message).toMatch(/^Docker engine unreachable at tcp:\/\/127\.0\.0\.1:1: connection refused/);
  });
});
