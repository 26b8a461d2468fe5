import type { Config, KafkaSpec } from '../config/types.js';
import { DockerSource } from '../sources/docker/source.js';
import { DockerStatsSource } from '../sources/docker/stats.js';
import { CgroupReader } from '../sources/docker/cgroup.js';
import { ProbeSource, probeTargets } from '../sources/http.js';
import { HostSource } from '../sources/host.js';
import { KafkaSource } from '../sources/kafka/source.js';
import { PrometheusSource } from '../sources/prometheus.js';
import type { Source } from '../sources/types.js';
import { DockerActuator } from '../control/actuator.js';
import type { Platform } from '../control/platform.js';
import type { Scenario } from '../control/types.js';
import { LogFile } from './log-file.js';
import { stateDir } from './paths.js';
import { join } from 'node:path';

// The real platform: Docker (list + events, stats, details), HTTP probes, the host, Kafka and
// Prometheus, and the Docker actuator for the failure scenarios.

// While the event stream flows it reports every change at once; the list is only its safety net.
export const LIST_EVERY_MS_WITH_EVENTS = 5000;
export const STATS_EVERY_MS = 5000;
export const PROBES_EVERY_MS = 5000;
export const HOST_EVERY_MS = 5000;
export const PROMETHEUS_EVERY_MS = 5000;
/** How long a Docker event waits before the list it triggers (see onEvent below). */
const EVENT_SETTLE_MS = 60;

export interface LivePlatform extends Platform {
  readonly docker: DockerSource;
  readonly kafka: KafkaSource;
}

export interface LivePlatformOptions {
  /** Where kafkajs's own log lines go (default: kafkajs.log in the state directory). */
  kafkaLog?: LogFile;
  /** Ask the clock for a sample of a source outside its cadence (after `afterMs`). */
  nudge(source: string, afterMs: number): void;
  /** Lines for the event log (the Docker event stream's own troubles). */
  warn(text: string): void;
  /** The scenarios as the dashboard knows them (the actuator resolves names against these). */
  scenarios(): Scenario[];
}

/** The Kafka source; kafkajs logs every connection failure at length: into a file, not on the stage. */
export function kafkaSource(spec: KafkaSpec, log: LogFile = new LogFile(join(stateDir(), 'kafkajs.log'))): KafkaSource {
  return new KafkaSource({ spec, onLog: (level, line) => log.write(`${level} ${line}`) });
}

export function createLivePlatform(config: Config, opts: LivePlatformOptions): LivePlatform {
  const docker = new DockerSource({
    url: config.dockerHost,
    project: config.project,
    expectedNames: config.services.map((s) => s.container),
    timeoutMs: Math.max(2000, config.refreshMs * 2),
    everyTicksWithEvents: Math.max(1, Math.round(LIST_EVERY_MS_WITH_EVENTS / config.refreshMs)),
    // An event (pause, die, health_status…) is shown at once, not at the next tick. The engine
    // sends an event a few milliseconds before its list shows the change (measured: 5 ms median,
    // 13 ms max, listed right on the event it read the old state 55 times in 60), so the list
    // waits a little; a stop's kill, die and stop events then cost one list, not three.
    onEvent: () => opts.nudge('docker', EVENT_SETTLE_MS),
    onStreamError: (message) => opts.warn(message),
  });
  // The container list runs every tick (and at once on a Docker event); the rest move slowly and
  // each request costs CPU here and in the daemon, so they run on longer cadences.
  const ticks = (ms: number) => Math.max(1, Math.round(ms / config.refreshMs));
  const sources: Source<unknown>[] = [docker];
  sources.push(
    new DockerStatsSource(docker.api, () => docker.latest, {
      everyTicks: ticks(STATS_EVERY_MS),
      intervalMs: STATS_EVERY_MS,
      // Only an engine on this host shares our cgroup filesystem.
      cgroups: docker.url.startsWith('unix://') ? new CgroupReader() : undefined,
    }),
  );
  const targets = probeTargets(config.services);
  if (targets.length > 0) sources.push(new ProbeSource(targets, ticks(PROBES_EVERY_MS)));
  sources.push(new HostSource(() => docker.engineInfo.rootDir, ticks(HOST_EVERY_MS)));
  const kafka = kafkaSource(config.kafka, opts.kafkaLog);
  sources.push(kafka);
  if (config.kafka.prometheusUrl) sources.push(new PrometheusSource(config.kafka.prometheusUrl, ticks(PROMETHEUS_EVERY_MS)));
  const actuator = new DockerActuator({ api: docker.api, project: config.project, services: config.services, readOnly: config.readOnly, scenarios: opts.scenarios });
  return { dockerUrl: docker.url, sources, actuator, docker, kafka, details: (id) => docker.details(id) };
}
