import type { Config, KafkaSpec, ServiceSpec } from './types.js';
import { DEFAULT_SCENARIOS } from '../control/defaults.js';

// The K2 phase-4 stack (see the architecture note): compose service, container, essential or not,
// and the HTTP probe a presenter would check by hand.
const PROBE_TIMEOUT_MS = 1500;

function svc(
  name: string,
  container: string,
  essential: boolean,
  opts: { probe?: string; ports?: number[]; healthcheck?: boolean; mayRunOnHost?: boolean } = {},
): ServiceSpec {
  return {
    name,
    container,
    essential,
    healthcheck: opts.healthcheck ?? true,
    mayRunOnHost: opts.mayRunOnHost ?? false,
    probe: opts.probe ? { url: opts.probe, timeoutMs: PROBE_TIMEOUT_MS } : undefined,
    ports: opts.ports ?? [],
  };
}

export const DEFAULT_SERVICES: ServiceSpec[] = [
  svc('kafka', 'k2-kafka', true, { ports: [9092, 9093, 9997] }),
  svc('schema-registry-1', 'k2-schema-registry-1', true, { probe: 'http://localhost:8081/subjects', ports: [8081] }),
  svc('schema-registry-2', 'k2-schema-registry-2', false, { probe: 'http://localhost:8082/subjects', ports: [8082] }),
  svc('minio', 'k2-minio', true, { probe: 'http://localhost:9000/minio/health/live', ports: [9000, 9001] }),
  svc('postgres', 'k2-postgres', true, { ports: [5432] }),
  svc('iceberg-rest', 'k2-iceberg-rest', true, { probe: 'http://localhost:8181/v1/config', ports: [8181] }),
  svc('prometheus', 'k2-prometheus', true, { probe: 'http://localhost:9090/-/healthy', ports: [9090] }),
  svc('grafana', 'k2-grafana', true, { probe: 'http://localhost:3000/api/health', ports: [3000] }),
  svc('kafka-ui', 'k2-kafka-ui', false, { probe: 'http://localhost:8080/actuator/health', ports: [8080] }),
  svc('binance-stream', 'k2-binance-stream', true, { ports: [9091] }),
  svc('api', 'k2-api', true, { probe: 'http://localhost:8000/health', ports: [8000], mayRunOnHost: true, healthcheck: false }),
  svc('consumer-crypto', 'k2-consumer-crypto', false, { mayRunOnHost: true, healthcheck: false }),
];

// Kafka as the K2 stack has it: the live crypto topic and its consumer group first.
export const DEFAULT_KAFKA: KafkaSpec = {
  brokers: ['localhost:9092'],
  brokersFrom: 'built-in default',
  clientId: 'k2mc',
  ssl: false,
  timeoutMs: 2500,
  topics: [
    'market.crypto.trades.binance',
    'market.crypto.quotes.binance',
    'market.crypto.reference_data.binance',
    'market.equities.trades.asx',
    'market.equities.quotes.asx',
    'market.equities.reference_data.asx',
  ],
  liveTopic: 'market.crypto.trades.binance',
  streamService: 'binance-stream',
  groups: [
    { id: 'k2-iceberg-writer-crypto-v2', topics: [] },
    { id: 'k2-iceberg-writer', topics: [] },
  ],
  prometheusUrl: 'http://localhost:9090',
};

export const DEFAULT_CONFIG: Config = {
  platform: 'K2',
  project: 'k2',
  dockerHost: undefined,
  refreshMs: 1000,
  readOnly: false,
  services: DEFAULT_SERVICES,
  kafka: DEFAULT_KAFKA,
  plans: {},
  scenarios: DEFAULT_SCENARIOS,
  recording: { maxFileBytes: 50 * 2 ** 20, maxTotalBytes: 500 * 2 ** 20 },
  source: 'built-in defaults',
};

export const DEFAULT_PROBE_TIMEOUT_MS = PROBE_TIMEOUT_MS;
