import Docker from 'dockerode';

// Real containers on the test engine (started by scripts/test-env.sh). Every container carries
// the label k2mc.test=1 so that set-up and tear-down can find and remove them.

export const docker = new Docker({ socketPath: '/var/run/docker.sock' });
export const IMAGE = 'k2mc-test/busybox';

export async function requireEngine(): Promise<void> {
  try {
    await docker.ping();
    await docker.getImage(IMAGE).inspect();
  } catch (e) {
    throw new Error(`The test Docker engine or image is missing (${(e as Error).message}). Run: bash scripts/test-env.sh up`);
  }
}

/** Each test file marks its containers with its own run id, and removes only those. */
export interface TestContainer {
  run: string;
  name: string;
  project: string;
  service?: string;
  cmd?: string[];
  health?: string[];
  healthIntervalMs?: number;
  restart?: 'no' | 'always';
  labels?: Record<string, string>;
}

export async function createContainer(t: TestContainer): Promise<Docker.Container> {
  const c = await docker.createContainer({
    name: t.name,
    Image: IMAGE,
    Cmd: t.cmd ?? ['sleep', '2147483647'],
    Labels: {
      'k2mc.test': '1',
      'k2mc.test.run': t.run,
      'com.docker.compose.project': t.project,
      ...(t.service ? { 'com.docker.compose.service': t.service } : {}),
      ...t.labels,
    },
    Healthcheck: t.health
      ? { Test: ['CMD-SHELL', ...t.health], Interval: (t.healthIntervalMs ?? 500) * 1e6, Retries: 1, Timeout: 2e9, StartPeriod: 0 }
      : undefined,
    HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: t.restart ?? 'no' } },
    StopTimeout: 1,
  });
  await c.start();
  return c;
}

export async function removeRun(run: string): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`k2mc.test.run=${run}`] } });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}

/** Poll until the check passes (or fail with the last value seen). No timing is asserted. */
export async function eventually<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
}

export function uniqueProject(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}
