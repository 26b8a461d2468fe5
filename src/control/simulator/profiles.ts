import type { Config, ServiceSpec } from '../../config/types.js';

// What each kind of K2 service looks like from the outside: its image, what it costs at rest,
// how long it takes from a start until it serves (and its healthcheck passes), and the exit code
// a `docker stop` leaves (JVMs exit 143 on SIGTERM, the others shut down cleanly with 0). A custom
// config's services are matched by name; anything unknown gets a plain profile.

export type Role =
  | 'kafka'
  | 'schema-registry'
  | 'minio'
  | 'postgres'
  | 'iceberg-rest'
  | 'prometheus'
  | 'grafana'
  | 'kafka-ui'
  | 'stream'
  | 'api'
  | 'consumer'
  | 'other';

export interface Profile {
  role: Role;
  /** Image, or undefined for one compose builds (named "<project>-<service>"). */
  image?: string;
  /** CPU at rest, percent of one core. */
  cpu: number;
  /** Extra CPU per message per second the service handles. */
  cpuPerMsg: number;
  memMiB: number;
  /** From a start until the service answers and its healthcheck passes. */
  readyMs: number;
  /** Exit code after `docker stop` (SIGTERM handled). */
  stopExitCode: number;
  /** A JVM: CPU burst while warming up, heap that fills and is collected. */
  jvm: boolean;
}

const P = (role: Role, p: Omit<Profile, 'role'>): Profile => ({ role, ...p });

export const PROFILES: Record<Role, Profile> = {
  kafka: P('kafka', { image: 'confluentinc/cp-kafka:7.6.1', cpu: 3, cpuPerMsg: 0.012, memMiB: 1150, readyMs: 12_000, stopExitCode: 143, jvm: true }),
  'schema-registry': P('schema-registry', { image: 'confluentinc/cp-schema-registry:7.6.1', cpu: 0.6, cpuPerMsg: 0, memMiB: 380, readyMs: 8_000, stopExitCode: 143, jvm: true }),
  minio: P('minio', { image: 'minio/minio:RELEASE.2024-10-13T13-34-11Z', cpu: 0.4, cpuPerMsg: 0.004, memMiB: 175, readyMs: 3_000, stopExitCode: 0, jvm: false }),
  postgres: P('postgres', { image: 'postgres:16-alpine', cpu: 0.2, cpuPerMsg: 0.001, memMiB: 58, readyMs: 3_000, stopExitCode: 0, jvm: false }),
  'iceberg-rest': P('iceberg-rest', { image: 'tabulario/iceberg-rest:1.6.0', cpu: 0.5, cpuPerMsg: 0.002, memMiB: 410, readyMs: 6_000, stopExitCode: 143, jvm: true }),
  prometheus: P('prometheus', { image: 'prom/prometheus:v2.54.1', cpu: 1.2, cpuPerMsg: 0, memMiB: 160, readyMs: 3_000, stopExitCode: 0, jvm: false }),
  grafana: P('grafana', { image: 'grafana/grafana:11.2.0', cpu: 0.5, cpuPerMsg: 0, memMiB: 112, readyMs: 5_000, stopExitCode: 0, jvm: false }),
  'kafka-ui': P('kafka-ui', { image: 'provectuslabs/kafka-ui:v0.7.2', cpu: 0.8, cpuPerMsg: 0, memMiB: 420, readyMs: 15_000, stopExitCode: 143, jvm: true }),
  stream: P('stream', { cpu: 1.5, cpuPerMsg: 0.03, memMiB: 140, readyMs: 3_000, stopExitCode: 0, jvm: false }),
  api: P('api', { cpu: 0.4, cpuPerMsg: 0, memMiB: 210, readyMs: 4_000, stopExitCode: 0, jvm: false }),
  consumer: P('consumer', { cpu: 2.5, cpuPerMsg: 0.045, memMiB: 520, readyMs: 5_000, stopExitCode: 0, jvm: false }),
  other: P('other', { cpu: 0.3, cpuPerMsg: 0, memMiB: 64, readyMs: 3_000, stopExitCode: 0, jvm: false }),
};

/** The role of a configured service, from its name (and its container's). */
export function roleOf(spec: Pick<ServiceSpec, 'name' | 'container'>): Role {
  const n = `${spec.name} ${spec.container}`.toLowerCase();
  if (/kafka-?ui/.test(n)) return 'kafka-ui';
  if (/schema-?registry/.test(n)) return 'schema-registry';
  if (/\bkafka\b|\bbroker\b/.test(n)) return 'kafka';
  if (/minio/.test(n)) return 'minio';
  if (/postgres/.test(n)) return 'postgres';
  if (/iceberg-?rest|catalog/.test(n)) return 'iceberg-rest';
  if (/prometheus/.test(n)) return 'prometheus';
  if (/grafana/.test(n)) return 'grafana';
  if (/stream|binance|producer/.test(n)) return 'stream';
  if (/consumer|writer/.test(n)) return 'consumer';
  if (/\bapi\b/.test(n)) return 'api';
  return 'other';
}

export function imageOf(profile: Profile, project: string, service: string): string {
  return profile.image ?? `${project}-${service}:latest`;
}

/** The services that play the parts the pipeline needs, picked from the config. */
export interface Cast {
  kafka?: string;
  stream?: string;
  consumer?: string;
  /** Iceberg's storage path: object store, catalog and its database. */
  storage: string[];
  prometheus?: string;
}

export function castOf(config: Config): Cast {
  const byRole = (role: Role) => config.services.filter((s) => roleOf(s) === role).map((s) => s.name);
  const stream = config.kafka.streamService && config.services.some((s) => s.name === config.kafka.streamService) ? config.kafka.streamService : byRole('stream')[0];
  return {
    kafka: byRole('kafka')[0],
    stream,
    consumer: byRole('consumer')[0],
    storage: [...byRole('minio'), ...byRole('iceberg-rest'), ...byRole('postgres')],
    prometheus: byRole('prometheus')[0],
  };
}
