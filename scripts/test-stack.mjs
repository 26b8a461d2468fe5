#!/usr/bin/env node
// A K2-like stack of busybox containers for k2mc's integration and e2e tests.
//
//   node scripts/test-stack.mjs up     [--project k2test] [--count 12] [--port-base 18100] [--no-wait]
//   node scripts/test-stack.mjs down   [--project k2test]
//   node scripts/test-stack.mjs config [--project k2test] [--port-base 18100]   (prints k2mc YAML)
//   node scripts/test-stack.mjs ports  [--port-base 18100]                      (prints the probe table)
//
// Needs the test environment (bash scripts/test-env.sh up): a Docker engine and the image
// k2mc-test/busybox. Every container runs with --network host (never a bridge network) and its
// HTTP servers bind 127.0.0.1 only. Every container carries the labels k2mc.test=1,
// com.docker.compose.project=<project> and com.docker.compose.service=<service>.
//
// tests/fixtures/k2test.yaml is the output of `config` for the defaults (project k2test, port base
// 18100): both come from the SERVICES table below, so they agree.
//
// Also importable: import { upStack, downStack, SERVICES, probeUrl, configYaml } from '.../test-stack.mjs'

import { execFile } from 'node:child_process';
import { openSync, closeSync, writeSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const IMAGE = 'k2mc-test/busybox';
export const TEST_LABEL = 'k2mc.test=1';
export const DEFAULT_PROJECT = 'k2test';
export const DEFAULT_PORT_BASE = 18100;
export const CORE_COUNT = 12;
const PARALLEL = 8;
// Tests want health changes fast (2 s); the benchmark uses a compose-like 10 s (--health-interval).
const HEALTH_INTERVAL = '2s';
const WAIT_TIMEOUT_MS = 90_000;

// The K2 phase-4 services. `offset` is the HTTP port offset from the port base (probe services
// only); `body` what the probe path answers. `ports` are the informational K2 ports for the config.
export const SERVICES = [
  { name: 'kafka', essential: true, ports: [9092] },
  { name: 'schema-registry-1', essential: true, offset: 1, path: '/subjects', body: '[]' },
  { name: 'schema-registry-2', essential: false, offset: 2, path: '/subjects', body: '[]' },
  { name: 'minio', essential: true, offset: 3, path: '/minio/health/live', body: '' },
  { name: 'postgres', essential: true, ports: [5432] },
  { name: 'iceberg-rest', essential: true, offset: 4, path: '/v1/config', body: '{"defaults":{},"overrides":{}}' },
  { name: 'prometheus', essential: true, offset: 5, path: '/-/healthy', body: 'Prometheus Server is Healthy.' },
  { name: 'grafana', essential: true, offset: 6, path: '/api/health', body: '{"database":"ok","version":"k2mc-test"}' },
  { name: 'kafka-ui', essential: false, offset: 7, path: '/actuator/health', body: '{"status":"UP"}' },
  { name: 'binance-stream', essential: true, ports: [9091] },
  {
    name: 'api', essential: true, offset: 8, path: '/health',
    body: '{"status":"healthy","dependencies":[]}', mayRunOnHost: true, healthcheck: false,
  },
  { name: 'consumer-crypto', essential: false, mayRunOnHost: true, healthcheck: false },
];

export function servicePort(svc, portBase = DEFAULT_PORT_BASE) {
  return svc.offset === undefined ? undefined : portBase + svc.offset;
}

export function probeUrl(svc, portBase = DEFAULT_PORT_BASE) {
  const port = servicePort(svc, portBase);
  return port === undefined ? undefined : `http://127.0.0.1:${port}${svc.path}`;
}

export function containerName(project, service) {
  return `${project}-${service}`;
}

/** The k2mc config (YAML) describing the stack. */
export function configYaml({ project = DEFAULT_PROJECT, portBase = DEFAULT_PORT_BASE, kafkaBrokers } = {}) {
  const lines = [
    `# k2mc config for the test stack of scripts/test-stack.mjs (project ${project}, port base ${portBase}).`,
    `# Regenerate: node scripts/test-stack.mjs config${project !== DEFAULT_PROJECT ? ` --project ${project}` : ''}${portBase !== DEFAULT_PORT_BASE ? ` --port-base ${portBase}` : ''}`,
    `# The Kafka broker of the test environment is the mock in .test-env/broker, not port 9092.`,
    `platform: K2 (test stack)`,
    `project: ${project}`,
    `refresh: 1000`,
    `services:`,
  ];
  for (const svc of SERVICES) {
    lines.push(`  - name: ${svc.name}`);
    lines.push(`    container: ${containerName(project, svc.name)}`);
    lines.push(`    essential: ${svc.essential}`);
    const url = probeUrl(svc, portBase);
    if (url) lines.push(`    probe: ${url}`);
    const port = servicePort(svc, portBase);
    const ports = port !== undefined ? [port] : svc.ports;
    if (ports) lines.push(`    ports: [${ports.join(', ')}]`);
    if (svc.mayRunOnHost) lines.push(`    mayRunOnHost: true`);
    if (svc.healthcheck === false) lines.push(`    healthcheck: false`);
  }
  if (kafkaBrokers) {
    lines.push('kafka:', `  brokers: [${kafkaBrokers}]`, '  prometheus: false');
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------

function docker(args, { timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const detail = (stderr || err.message).toString().trim();
        const e = new Error(`docker ${args.slice(0, 2).join(' ')} ... failed: ${detail}`);
        e.stderr = stderr;
        reject(e);
      } else {
        resolve(stdout.toString());
      }
    });
  });
}

async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const errors = [];
  async function worker() {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (err) {
        errors.push(err);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length) {
    const e = new Error(`${errors.length} of ${items.length} failed; first: ${errors[0].message}`);
    e.errors = errors;
    throw e;
  }
  return results;
}

function shQuote(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

// PID 1 in a container ignores SIGTERM unless it traps it: trap it so `docker stop` is immediate.
const STAY = 'trap "exit 0" TERM INT; sleep 2147483647 & wait';

function runArgs(project, service, { command, healthCmd, healthInterval = HEALTH_INTERVAL }) {
  const args = [
    'run', '-d',
    '--name', containerName(project, service),
    '--network', 'host',
    '--label', TEST_LABEL,
    '--label', `com.docker.compose.project=${project}`,
    '--label', `com.docker.compose.service=${service}`,
    '--label', 'com.docker.compose.container-number=1',
    '--label', 'com.docker.compose.oneoff=False',
    '--stop-timeout', '5',
  ];
  if (healthCmd) {
    args.push(
      '--health-cmd', healthCmd,
      '--health-interval', healthInterval,
      '--health-timeout', '2s',
      '--health-retries', '3',
    );
  }
  args.push(IMAGE, 'sh', '-c', command);
  return args;
}

function serviceRun(project, svc, portBase, healthInterval) {
  const port = servicePort(svc, portBase);
  const wantsHealth = svc.healthcheck !== false;
  if (port === undefined) {
    return runArgs(project, svc.name, { command: STAY, healthCmd: wantsHealth ? 'true' : undefined, healthInterval });
  }
  const file = `/www${svc.path}`;
  const dir = file.slice(0, file.lastIndexOf('/'));
  const command = [
    `mkdir -p ${shQuote(dir)}`,
    `printf '%s' ${shQuote(svc.body)} > ${shQuote(file)}`,
    'trap "exit 0" TERM INT',
    `httpd -f -p 127.0.0.1:${port} -h /www & wait`,
  ].join('; ');
  const healthCmd = wantsHealth ? `wget -q -O /dev/null http://127.0.0.1:${port}${svc.path}` : undefined;
  return runArgs(project, svc.name, { command, healthCmd, healthInterval });
}

async function listIds(project) {
  const out = await docker([
    'ps', '-aq',
    '--filter', `label=${TEST_LABEL}`,
    '--filter', `label=com.docker.compose.project=${project}`,
  ]);
  return out.split('\n').filter(Boolean);
}

// Two `up`/`down` runs for the same project at once (parallel test runs, two engineers) would race
// on container names: a machine-wide lock file per project serialises them.
const LOCK_WAIT_MS = 180_000;
const heldLocks = new Set();

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function withProjectLock(project, fn) {
  const file = join(tmpdir(), `k2mc-test-stack-${project}.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let holder = 0;
      try {
        holder = Number(readFileSync(file, 'utf8').trim());
      } catch {}
      let ageMs = 0;
      try {
        ageMs = Date.now() - statSync(file).mtimeMs;
      } catch {}
      if ((holder && !pidAlive(holder)) || (!holder && ageMs > 5000)) {
        rmSync(file, { force: true }); // stale: its owner is gone
        continue;
      }
      if (Date.now() > deadline) throw new Error(`project ${project} is locked by pid ${holder} (${file})`);
      if (!told) {
        told = true;
        process.stderr.write(`[test-stack] waiting for pid ${holder}, busy with project ${project}\n`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  heldLocks.add(file);
  try {
    return await fn();
  } finally {
    heldLocks.delete(file);
    rmSync(file, { force: true });
  }
}

function releaseLocksSync() {
  for (const f of heldLocks) rmSync(f, { force: true });
}

/** Remove the project's containers; returns how many. */
export async function downStack({ project = DEFAULT_PROJECT } = {}) {
  return withProjectLock(project, () => removeProject(project));
}

async function removeProject(project) {
  const ids = await listIds(project);
  const batches = [];
  for (let i = 0; i < ids.length; i += 50) batches.push(ids.slice(i, i + 50));
  await pool(batches, 2, (batch) => docker(['rm', '-f', ...batch], { timeoutMs: 120_000 }));
  return ids.length;
}

async function inspectStates(ids) {
  const out = await docker([
    'inspect', '--format',
    '{{.Name}}|{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}',
    ...ids,
  ]);
  return out.split('\n').filter(Boolean).map((line) => {
    const [name, status, health] = line.split('|');
    return { name: name.replace(/^\//, ''), status, health };
  });
}

async function probeOk(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Wait until every core container runs, healthchecked ones are healthy and every probe answers. */
async function waitReady(project, coreIds, portBase, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const urls = SERVICES.map((s) => probeUrl(s, portBase)).filter(Boolean);
  for (;;) {
    const states = await inspectStates(coreIds);
    const dead = states.filter((s) => s.status !== 'running');
    if (dead.length) {
      const logs = await docker(['logs', '--tail', '5', dead[0].name]).catch(() => '');
      throw new Error(`container(s) not running: ${dead.map((s) => `${s.name} (${s.status})`).join(', ')}${logs ? `\n${logs}` : ''}`);
    }
    const notHealthy = states.filter((s) => s.health !== 'none' && s.health !== 'healthy');
    const probes = await Promise.all(urls.map(async (u) => [u, await probeOk(u)]));
    const failing = probes.filter(([, ok]) => !ok).map(([u]) => u);
    if (!notHealthy.length && !failing.length) return;
    if (Date.now() > deadline) {
      throw new Error(
        `stack not ready after ${timeoutMs / 1000}s: ` +
          [...notHealthy.map((s) => `${s.name} ${s.health}`), ...failing.map((u) => `${u} fails`)].join(', '),
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Create the stack (removing the project's previous containers first).
 * Returns { count, ms, containers }.
 */
export async function upStack({
  project = DEFAULT_PROJECT,
  count = CORE_COUNT,
  portBase = DEFAULT_PORT_BASE,
  wait = true,
  healthInterval = HEALTH_INTERVAL,
  log = () => {},
} = {}) {
  if (!/^\d+(ms|s)$/.test(healthInterval)) throw new Error(`bad health interval ${JSON.stringify(healthInterval)} (e.g. 2s)`);
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(project)) throw new Error(`bad project name ${JSON.stringify(project)}`);
  if (!Number.isInteger(count) || count < CORE_COUNT) throw new Error(`--count must be an integer >= ${CORE_COUNT}`);
  if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65000) throw new Error('bad --port-base');
  return withProjectLock(project, () => createStack({ project, count, portBase, wait, healthInterval, log }));
}

async function createStack({ project, count, portBase, wait, healthInterval, log }) {
  const t0 = Date.now();
  await docker(['image', 'inspect', '--format', '{{.Id}}', IMAGE]).catch(() => {
    throw new Error(`image ${IMAGE} missing: run bash scripts/test-env.sh up first`);
  });
  const removed = await removeProject(project);
  if (removed) log(`removed ${removed} previous container(s) of project ${project}`);

  const core = SERVICES.map((svc) => serviceRun(project, svc, portBase, healthInterval));
  const extras = [];
  for (let i = 1; i <= count - CORE_COUNT; i++) {
    extras.push(runArgs(project, `extra-${i}`, { command: STAY }));
  }
  const coreIds = (await pool(core, PARALLEL, (args) => docker(args))).map((s) => s.trim());
  const extraIds = (await pool(extras, PARALLEL, (args) => docker(args))).map((s) => s.trim());
  const createdMs = Date.now() - t0;
  if (wait) await waitReady(project, coreIds, portBase, WAIT_TIMEOUT_MS);
  return {
    count: coreIds.length + extraIds.length,
    createdMs,
    ms: Date.now() - t0,
    containers: [...SERVICES.map((s) => containerName(project, s.name)), ...extras.map((a) => a[a.indexOf('--name') + 1])],
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const opts = { project: DEFAULT_PROJECT, count: CORE_COUNT, portBase: DEFAULT_PORT_BASE, wait: true };
  const [cmd, ...rest] = argv;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      if (i + 1 >= rest.length) throw new Error(`${a} needs a value`);
      return rest[++i];
    };
    const int = (v) => {
      if (!/^\d+$/.test(v)) throw new Error(`${a}: not a number: ${v}`);
      return Number(v);
    };
    if (a === '--project') opts.project = value();
    else if (a === '--count') opts.count = int(value());
    else if (a === '--port-base') opts.portBase = int(value());
    else if (a === '--no-wait') opts.wait = false;
    else if (a === '--health-interval') opts.healthInterval = value();
    else if (a === '--kafka-brokers') opts.kafkaBrokers = value();
    else throw new Error(`unknown option ${a}`);
  }
  return { cmd, opts };
}

const USAGE = `usage: node scripts/test-stack.mjs up [--project NAME] [--count N] [--port-base P] [--health-interval 2s] [--no-wait]
       node scripts/test-stack.mjs down [--project NAME]
       node scripts/test-stack.mjs config [--project NAME] [--port-base P] [--kafka-brokers HOST:PORT]
       node scripts/test-stack.mjs ports [--port-base P]`;

async function main() {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`test-stack: ${err.message}\n${USAGE}`);
    process.exit(2);
  }
  const { cmd, opts } = parsed;
  const log = (m) => console.log(`[test-stack] ${m}`);
  switch (cmd) {
    case 'up': {
      const r = await upStack({ ...opts, log });
      log(
        `project ${opts.project}: ${r.count} containers up in ${(r.ms / 1000).toFixed(1)}s` +
          (opts.wait ? ` (created in ${(r.createdMs / 1000).toFixed(1)}s, then healthy and probes answering)` : ''),
      );
      break;
    }
    case 'down': {
      const t0 = Date.now();
      const n = await downStack(opts);
      log(`project ${opts.project}: removed ${n} containers in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      break;
    }
    case 'config':
      process.stdout.write(configYaml(opts));
      break;
    case 'ports':
      for (const svc of SERVICES) {
        const url = probeUrl(svc, opts.portBase);
        if (url) console.log(`${svc.name.padEnd(18)} ${servicePort(svc, opts.portBase)}  ${url}`);
      }
      break;
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      break;
    default:
      console.error(USAGE);
      process.exit(2);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      releaseLocksSync();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  main().catch((err) => {
    console.error(`[test-stack] error: ${err.message}`);
    process.exit(1);
  });
}

export const SCRIPT_PATH = fileURLToPath(import.meta.url);
