// The resolved configuration every layer reads. Built from defaults, an optional YAML
// file, an optional docker-compose file and CLI flags (flags win).

import type { Scenario } from '../control/types.js';

export interface ProbeSpec {
  /** Full URL, e.g. http://localhost:8000/health */
  url: string;
  /** Per-request timeout. */
  timeoutMs: number;
}

export interface ServiceSpec {
  /** Compose service name (label com.docker.compose.service), e.g. "kafka". */
  name: string;
  /** Container name, e.g. "k2-kafka". */
  container: string;
  /** An essential service that is down turns the verdict red. */
  essential: boolean;
  /** Whether the service defines a Docker healthcheck (informational; Docker reports health itself). */
  healthcheck: boolean;
  /** May run on the host instead of in Docker (the K2 API and consumer): a passing probe counts as up. */
  mayRunOnHost: boolean;
  probe?: ProbeSpec;
  /** Published host ports, informational. */
  ports: number[];
}

/** A consumer group k2mc watches; `topics` empty means "the topics it has committed offsets on". */
export interface GroupSpec {
  id: string;
  topics: string[];
}

export interface KafkaSasl {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaSpec {
  /** Bootstrap brokers, "host:port". */
  brokers: string[];
  /** Where the brokers came from, for messages ("--kafka-brokers", "K2MC_KAFKA_BROKERS", …). */
  brokersFrom: string;
  clientId: string;
  ssl: boolean;
  sasl?: KafkaSasl;
  /** Deadline of one sample (all offsets of all topics and groups). */
  timeoutMs: number;
  topics: string[];
  /** The topic whose rate is the demo's heartbeat (verdict amber when it stops). */
  liveTopic?: string;
  /** The service producing the live topic: a rate of 0 only matters while it runs. */
  streamService?: string;
  groups: GroupSpec[];
  /** Prometheus base URL for the platform's own degradation figures; undefined = none. */
  prometheusUrl?: string;
}

export interface Config {
  /** Platform name shown in the header. */
  platform: string;
  /** Compose project label value; only containers carrying it are shown or touched. */
  project: string;
  /** Docker engine URL (unix:///path or tcp://host:port); undefined means DOCKER_HOST or the default socket. */
  dockerHost?: string;
  /** Clock period in ms. */
  refreshMs: number;
  readOnly: boolean;
  services: ServiceSpec[];
  kafka: KafkaSpec;
  /** Plans directory and file as given (--plans or the config); resolved at start (see sources/plans/location.ts). */
  plans: { dir?: string; dirFrom?: string; file?: string };
  /**
   * Failure scenarios of the scenario menu: the file's `scenarios` list when given (every service
   * it names checked against `services`), else the built-in K2 ones (control/defaults.ts) minus
   * those naming a service `services` lacks. Empty when the file says `scenarios: []`.
   */
  scenarios: Scenario[];
  /** Session recordings and backup mode; paths resolved against the config file's folder. */
  recording: { dir?: string; golden?: string; maxFileBytes: number; maxTotalBytes: number };
  /** Where the config came from, for messages ("built-in defaults", a path). */
  source: string;
}
