import type { ServiceSpec } from '../../config/types.js';
import type { GroupOffsets, KafkaSample, TopicOffsets } from '../../model/kafka.js';
import type { ContainerInfo, ContainerStats, DockerSample, HostSample, ProbeResult } from '../../model/types.js';
import { describeKafkaError } from '../../sources/kafka/errors.js';
import type { PrometheusSample } from '../../sources/prometheus.js';
import { SourceError, type Source } from '../../sources/types.js';
import { healthOf, isServing, type SimContainer } from './containers.js';
import { DOCKER_ROOT, HOST_MEM_TOTAL } from './host.js';
import type { SimWorld } from './world.js';

// The sources of the simulated platform: the same names and sample shapes as live mode's, read
// from the world after advancing it to the clock's time. No I/O of any kind: each sample is
// computed at once. Failures are worded as live mode words them (a stopped broker is "connection
// refused", a paused one "no answer in time"; a paused HTTP service times out, a stopped one
// refuses).

export const SIMULATED_DOCKER_URL = 'simulated';
export const SIMULATED_ENGINE_VERSION = '27.3.1';
/** Live mode samples stats, probes, host and Prometheus every 5 s; the container list and Kafka every tick. */
const SLOW_EVERY_MS = 5000;
const TIMEOUT_MS = 1000;
/** Live mode's CPU figure needs two stats readings: none in a container's first seconds. */
const CPU_UNKNOWN_FOR_MS = 5000;
const PROMETHEUS_TIMEOUT_MS = 1500;

function source<T>(name: string, everyTicks: number, world: SimWorld, clock: () => number, read: () => T): Source<T> {
  return {
    name,
    everyTicks,
    timeoutMs: TIMEOUT_MS,
    sample: async () => {
      world.advance(clock());
      return read();
    },
  };
}

/** The sources of `world` at the cadences of the config's refresh period; `clock` is virtual time now. */
export function simulatedSources(world: SimWorld, clock: () => number): Source<unknown>[] {
  const { config } = world;
  const slow = Math.max(1, Math.round(SLOW_EVERY_MS / config.refreshMs));
  const sources: Source<unknown>[] = [
    source('docker', 1, world, clock, () => dockerSample(world)),
    source('stats', slow, world, clock, () => statsSample(world)),
  ];
  if (config.services.some((s) => s.probe)) sources.push(source('probes', slow, world, clock, () => probesSample(world)));
  sources.push(source('host', slow, world, clock, () => hostSample(world)));
  sources.push(source('kafka', 1, world, clock, () => kafkaSample(world)));
  if (config.kafka.prometheusUrl) sources.push(source('prometheus', slow, world, clock, () => prometheusSample(world)));
  return sources;
}

// --- Docker ----------------------------------------------------------------------------------

export function containerInfo(world: SimWorld, c: SimContainer): ContainerInfo {
  const exited = c.state === 'exited';
  return {
    id: c.id,
    name: c.name,
    service: c.spec.name,
    image: c.image,
    state: c.state,
    health: healthOf(c, world.now),
    ...(exited ? { exitCode: c.exitCode } : {}),
    startedAt: c.startedAt,
    restartCount: c.restartCount,
    ports: c.spec.ports.map((p) => `${p}->${p}/tcp`),
  };
}

export function dockerSample(world: SimWorld): DockerSample {
  return {
    engine: { url: SIMULATED_DOCKER_URL, version: SIMULATED_ENGINE_VERSION, rootDir: DOCKER_ROOT },
    containers: world.containers.map((c) => containerInfo(world, c)),
  };
}

/** Running containers only: live mode drops the figures of paused and stopped ones. */
export function statsSample(world: SimWorld): Record<string, ContainerStats> {
  const out: Record<string, ContainerStats> = {};
  for (const c of world.containers) {
    if (c.state !== 'running') continue;
    const cpu = world.now - c.startedAt >= CPU_UNKNOWN_FOR_MS ? world.cpuOf(c) : undefined;
    out[c.id] = { cpuPercent: cpu, memBytes: world.memOf(c), memLimit: HOST_MEM_TOTAL, at: world.now };
  }
  return out;
}

export function hostSample(world: SimWorld): HostSample {
  return world.host.sample(world.now);
}

// --- HTTP probes -------------------------------------------------------------------------------

/** The `status` a JSON health body would carry at this path (the K2 API's /health, Spring's actuator). */
function bodyStatusAt(url: string, c: SimContainer): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  if (path.endsWith('/actuator/health')) return 'UP';
  // The K2 API's /health; Grafana's /api/health answers {"database": "ok", …} without a status.
  if (path === '/health') return c.problem?.severity ?? 'healthy';
  return undefined;
}

export function probeResult(world: SimWorld, spec: ServiceSpec): ProbeResult {
  const url = spec.probe!.url;
  const at = world.now;
  const c = world.serviceContainer(spec.name);
  if (!c) return { url, ok: false, error: 'refused', at };
  // A frozen process still has its socket: the connection is accepted and nothing answers.
  if (c.state === 'paused') return { url, ok: false, error: `timeout ${spec.probe!.timeoutMs} ms`, at };
  if (!isServing(c, world.now)) return { url, ok: false, error: 'refused', at };
  const status = c.problem?.severity === 'unhealthy' ? 503 : 200;
  const bodyStatus = bodyStatusAt(url, c);
  return { url, ok: status < 400, status, latencyMs: Math.round(c.latencyMs * 10) / 10, ...(bodyStatus ? { bodyStatus } : {}), at };
}

export function probesSample(world: SimWorld): Record<string, ProbeResult> {
  return Object.fromEntries(world.config.services.filter((s) => s.probe).map((s) => [s.name, probeResult(world, s)]));
}

// --- Kafka -------------------------------------------------------------------------------------

function brokerAddress(world: SimWorld): { host: string; port: number } {
  const first = world.config.kafka.brokers[0] ?? 'localhost:9092';
  const i = first.lastIndexOf(':');
  return i < 0 ? { host: first, port: 9092 } : { host: first.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(first.slice(i + 1)) || 9092 };
}

/** The broker's answer; a SourceError worded as live mode's when it is away. */
export function kafkaSample(world: SimWorld): KafkaSample {
  const spec = world.config.kafka;
  const state = world.brokerState();
  if (state !== 'up') {
    const error =
      state === 'refused'
        ? Object.assign(new Error(`connect ECONNREFUSED ${spec.brokers[0]}`), { code: 'ECONNREFUSED' })
        : Object.assign(new Error('no answer in time'), { name: 'DeadlineError' });
    throw new SourceError(describeKafkaError(spec.brokers.join(','), error), (error as { code?: string }).code);
  }
  const { pipeline } = world;
  const existing = new Set(pipeline.topics.map((t) => t.name));
  const present = spec.topics.filter((t) => existing.has(t));
  const topics: TopicOffsets[] = present.map((name) => pipeline.offsetsOf(pipeline.topics.find((t) => t.name === name)!));
  // The configured groups, then the writer's own group as the broker would list it.
  const specs = [...spec.groups];
  if (!specs.some((g) => g.id === pipeline.group)) specs.push({ id: pipeline.group, topics: [] });
  const groups: GroupOffsets[] = specs.map((g) => {
    const ask = (g.topics.length > 0 ? g.topics : spec.topics).filter((t) => present.includes(t));
    const committed = pipeline.committed.get(g.id);
    return {
      groupId: g.id,
      topics: ask.map((topic) => {
        const partitions = pipeline.topics.find((t) => t.name === topic)!.partitions;
        const offsets = committed?.get(topic) ?? partitions.map(() => -1);
        return { topic, partitions: offsets.map((offset, partition) => ({ partition, offset })) };
      }),
    };
  });
  const broker = brokerAddress(world);
  return {
    at: world.now,
    brokers: [{ nodeId: 1, host: broker.host, port: broker.port }],
    controller: 1,
    topics,
    missingTopics: spec.topics.filter((t) => !existing.has(t)),
    groups,
  };
}

// --- Prometheus ----------------------------------------------------------------------------------

/**
 * The platform's own figures while Prometheus answers: its degradation level always (the platform
 * keeps it while it cannot measure), its lag only while the broker answers.
 */
export function prometheusSample(world: SimWorld): PrometheusSample {
  const at = world.now;
  const prom = world.serviceContainer(world.cast.prometheus);
  if (prom?.state === 'paused') return { at, note: `unreachable: timeout ${PROMETHEUS_TIMEOUT_MS} ms` };
  if (prom && !isServing(prom, at)) return { at, note: 'unreachable: refused' };
  const lag = world.lag();
  return { at, level: world.degradation.level, ...(lag !== undefined ? { lag } : {}) };
}
