import type { Role } from './profiles.js';
import type { Rng } from './random.js';

// Log lines that look like each K2 service's own (log4j for the JVMs, structlog for the Python
// services, uvicorn's access log, Go's logfmt), for the details overlay: what a service prints
// when it starts, stops, crashes, and every so often while it runs, given what the world is doing.

export interface LogFacts {
  /** The stream's trade rate (msg/s). */
  rate: number;
  lag: number;
  broker: 'up' | 'refused' | 'timeout';
  storageOk: boolean;
  queued: number;
  liveTopic: string;
  group: string;
  partitions: number;
  /** The service's own health problem in words, if any. */
  problem?: string;
  /** The health endpoint's answer when it is in trouble: 200 degraded or 503 unhealthy. */
  severity?: 'degraded' | 'unhealthy';
  /** The writer's writes have been failing for this long (ms). */
  failingMs?: number;
  /** End offsets of the live topic's partitions. */
  highs: number[];
}

/** How often a running service writes a line (0 = only on start and stop). */
export const LOG_EVERY_MS: Record<Role, number> = {
  kafka: 30_000,
  'schema-registry': 5_000,
  minio: 0,
  postgres: 300_000,
  'iceberg-rest': 10_000,
  prometheus: 120_000,
  grafana: 60_000,
  'kafka-ui': 30_000,
  stream: 10_000,
  api: 5_000,
  consumer: 5_000,
  other: 30_000,
};

const KAFKA_INTERNAL = 'kafka:29092';
const KAFKA_IP = '172.18.0.3';
const MINIO_URL = 'http://minio:9000/warehouse/market_data/trades_v2/data';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function parts(t: number) {
  const d = new Date(t);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    ms: pad(d.getUTCMilliseconds(), 3),
    iso: d.toISOString(),
  };
}

/** A line and when it was written (start-up lines are written over the seconds after a start). */
export interface LogLine {
  at: number;
  text: string;
}

/** One line in the service's own format. */
function line(role: Role, at: number, level: 'info' | 'warn' | 'error', msg: string): LogLine {
  return { at, text: format(role, at, level, msg) };
}

function format(role: Role, at: number, level: 'info' | 'warn' | 'error', msg: string): string {
  const p = parts(at);
  const LEVEL = { info: 'INFO', warn: 'WARN', error: 'ERROR' }[level];
  switch (role) {
    case 'kafka':
    case 'schema-registry':
      return `[${p.date} ${p.time},${p.ms}] ${LEVEL} ${msg}`;
    case 'iceberg-rest':
      return `${p.date}T${p.time}.${p.ms} ${LEVEL} ${msg}`;
    case 'kafka-ui':
      return `${p.date} ${p.time},${p.ms} ${LEVEL.padEnd(5)} ${msg}`;
    case 'postgres':
      return `${p.date} ${p.time}.${p.ms} UTC [1] ${level === 'info' ? 'LOG' : level === 'warn' ? 'WARNING' : 'ERROR'}:  ${msg}`;
    case 'prometheus':
      return `ts=${p.iso} level=${level} ${msg}`;
    case 'grafana':
      return `t=${p.iso} level=${level} ${msg}`;
    case 'api':
      return `${`${{ info: 'INFO', warn: 'WARNING', error: 'ERROR' }[level]}:`.padEnd(10)}${msg}`;
    case 'stream':
    case 'consumer':
    case 'other':
      return `${p.iso} [${{ info: 'info', warn: 'warning', error: 'error' }[level].padEnd(9)}] ${msg}`;
    case 'minio':
      return msg;
  }
}

function rdkafkaFail(at: number, client: string, broker: LogFacts['broker']): LogLine {
  const why = broker === 'timeout' ? 'Connection setup timed out in state CONNECT (after 30029ms in state CONNECT)' : `Connect to ipv4#${KAFKA_IP}:29092 failed: Connection refused (after 0ms in state CONNECT)`;
  return { at, text: `%3|${(at / 1000).toFixed(3)}|FAIL|rdkafka#${client}-1| [thrd:${KAFKA_INTERNAL}/bootstrap]: ${KAFKA_INTERNAL}/1: ${why}` };
}

export function startupLines(role: Role, at: number, f: LogFacts): LogLine[] {
  const l = (msg: string, dt = 0, level: 'info' | 'warn' = 'info') => line(role, at + dt, level, msg);
  switch (role) {
    case 'kafka':
      return [
        l('Kafka version: 7.6.1-ccs (org.apache.kafka.common.utils.AppInfoParser)', 2100),
        l(`[BrokerServer id=1] Waiting for the broker to be unfenced (kafka.server.BrokerServer)`, 6400),
        l('[KafkaRaftServer nodeId=1] Kafka Server started (kafka.server.KafkaRaftServer)', 9800),
      ];
    case 'schema-registry':
      return [
        l(`Initialized the KafkaStore with topic _schemas and bootstrap servers PLAINTEXT://${KAFKA_INTERNAL} (io.confluent.kafka.schemaregistry.storage.KafkaStore)`, 3100),
        l('Server started, listening for requests... (io.confluent.kafka.schemaregistry.rest.SchemaRegistryMain)', 6900),
      ];
    case 'minio':
      return [
        'MinIO Object Storage Server',
        'Copyright: 2015-2024 MinIO, Inc.',
        'License: GNU AGPLv3 - https://www.gnu.org/licenses/agpl-3.0.html',
        'Version: RELEASE.2024-10-13T13-34-11Z (go1.22.8 linux/amd64)',
        'API: http://172.18.0.4:9000  http://127.0.0.1:9000',
        'WebUI: http://172.18.0.4:9001 http://127.0.0.1:9001',
        'Docs: https://min.io/docs/minio/linux/index.html',
      ].map((text) => ({ at: at + 1200, text }));
    case 'postgres':
      return [
        l('starting PostgreSQL 16.4 on x86_64-pc-linux-musl, compiled by gcc (Alpine 13.2.1_git20240309) 13.2.1 20240309, 64-bit'),
        l('listening on IPv4 address "0.0.0.0", port 5432', 40),
        l('database system was shut down at ' + parts(at - 60_000).date + ' ' + parts(at - 60_000).time + ' UTC', 90),
        l('database system is ready to accept connections', 160),
      ];
    case 'iceberg-rest':
      return [
        l('[org.apache.iceberg.CatalogUtil] - Loading custom FileIO implementation: org.apache.iceberg.aws.s3.S3FileIO', 2800),
        l('[org.eclipse.jetty.server.Server] - Started Server@4a87761d{STARTING}[11.0.20,sto=0] @4851ms', 4900),
      ];
    case 'prometheus':
      return [
        l('caller=main.go:1141 msg="Loading configuration file" filename=/etc/prometheus/prometheus.yml', 800),
        l('caller=main.go:1161 msg="Server is ready to receive web requests."', 1400),
      ];
    case 'grafana':
      return [
        l('logger=sqlstore msg="Connecting to DB" dbtype=sqlite3', 900),
        l('logger=http.server msg="HTTP Server Listen" address=[::]:3000 protocol=http subUrl= socket=', 3600),
      ];
    case 'kafka-ui':
      return [
        l('[main] c.p.k.u.KafkaUiApplication: Starting KafkaUiApplication using Java 17.0.10', 1500),
        l('[main] c.p.k.u.KafkaUiApplication: Started KafkaUiApplication in 12.417 seconds (process running for 13.302)', 13_300),
      ];
    case 'stream':
      return [
        l(`stream_starting                symbols=24 topic=${f.liveTopic} bootstrap=${KAFKA_INTERNAL}`, 700),
        l('websocket_connected            url=wss://stream.binance.com:9443/stream streams=24', 2300),
      ];
    case 'api':
      return [l('Started server process [1]', 900), l('Waiting for application startup.', 950), l('Application startup complete.', 3200), l('Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)', 3210)];
    case 'consumer':
      return [
        l(`consumer_starting              group=${f.group} topic=${f.liveTopic} table=market_data.trades_v2`, 800),
        l(`partitions_assigned            count=${f.partitions} group=${f.group}`, 4600),
      ];
    case 'other':
      return [l('service started', 500)];
  }
}

/** A graceful stop (SIGTERM); a kill leaves no words. */
export function shutdownLines(role: Role, at: number): LogLine[] {
  const l = (msg: string, dt = 0) => line(role, at + dt, 'info', msg);
  switch (role) {
    case 'kafka':
      return [l('[KafkaRaftServer nodeId=1] Kafka Server shutting down (kafka.server.KafkaRaftServer)'), l('[BrokerServer id=1] shut down completed (kafka.server.BrokerServer)', 1800)];
    case 'api':
      return [l('Shutting down'), l('Application shutdown complete.', 20), l('Finished server process [1]', 25)];
    case 'stream':
      return [l('shutdown_requested             signal=SIGTERM'), l('producer_flushed               remaining=0', 300)];
    case 'consumer':
      return [l('shutdown_requested             signal=SIGTERM'), l('partitions_revoked             count=40', 200)];
    case 'postgres':
      return [l('received smart shutdown request'), l('database system is shut down', 120)];
    case 'minio':
      return [{ at, text: 'Exiting on signal: TERMINATED' }];
    case 'prometheus':
      return [l('caller=main.go:964 msg="Received SIGTERM, exiting gracefully..."')];
    case 'grafana':
      return [l('logger=server msg="Shutdown started" reason="System signal: terminated"')];
    default:
      return [l('Received SIGTERM, shutting down')];
  }
}

/** The writer giving up after a minute of failed writes. */
export function crashLines(role: Role, at: number): LogLine[] {
  return [
    line(role, at, 'error', `writer_giving_up               failing_for_s=60 error="EndpointConnectionError"`),
    ...[
      'Traceback (most recent call last):',
      '  File "/app/src/k2/ingestion/iceberg_writer.py", line 214, in write_batch',
      '    table.append(batch)',
      `botocore.exceptions.EndpointConnectionError: Could not connect to the endpoint URL: "${MINIO_URL}/"`,
    ].map((text) => ({ at, text })),
  ];
}

/** The line a running service writes now and then; undefined when it has nothing to say. */
export function periodicLine(role: Role, at: number, f: LogFacts, rng: Rng): LogLine | undefined {
  const l = (msg: string, level: 'info' | 'warn' | 'error' = 'info') => line(role, at, level, msg);
  const port = 40_000 + Math.floor(rng.next() * 20_000);
  switch (role) {
    case 'kafka': {
      const p = Math.floor(rng.next() * f.partitions);
      return rng.chance(0.5) && f.highs[p] !== undefined
        ? l(`[ProducerStateManager partition=${f.liveTopic}-${p}] Wrote producer snapshot at offset ${f.highs[p]} with 1 producer ids in 1 ms. (org.apache.kafka.storage.internals.log.ProducerStateManager)`)
        : l('[Controller id=1] Processing automatic preferred replica leader election (kafka.controller.KafkaController)');
    }
    case 'schema-registry': {
      const d = parts(at);
      return l(`172.18.0.1 - - [${d.date} ${d.time}] "GET /subjects HTTP/1.1" 200 ${38 + Math.floor(rng.next() * 3)} "-" "k2mc" ${1 + Math.floor(rng.next() * 6)} (io.confluent.rest-utils.requests)`);
    }
    case 'postgres':
      return rng.chance(0.5) ? l('checkpoint starting: time') : l(`checkpoint complete: wrote ${3 + Math.floor(rng.next() * 40)} buffers (0.1%); 0 WAL file(s) added, 0 removed, 0 recycled`);
    case 'iceberg-rest':
      if (!f.storageOk) return l('[org.apache.iceberg.rest.RESTCatalogServlet] - Error processing request: software.amazon.awssdk.core.exception.SdkClientException: Unable to execute HTTP request: Connect to minio:9000 failed', 'error');
      return l(`[org.apache.iceberg.rest.RESTCatalogServlet] - POST /v1/namespaces/market_data/tables/trades_v2 200 ${8 + Math.floor(rng.next() * 30)}ms`);
    case 'prometheus':
      return rng.chance(0.5) ? l(`caller=head.go:1355 component=tsdb msg="Head GC completed" caller=truncateMemory duration=${(1 + rng.next() * 4).toFixed(3)}ms`) : l(`caller=compact.go:576 component=tsdb msg="write block" duration=${(20 + rng.next() * 60).toFixed(1)}ms`);
    case 'grafana':
      return l(`logger=cleanup msg="Completed cleanup jobs" duration=${(5 + rng.next() * 20).toFixed(2)}ms`);
    case 'kafka-ui':
      if (f.broker !== 'up') return l('[parallel-3] c.p.k.u.s.StatisticsService: Failed to collect cluster local info: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment.', 'error');
      return l('[parallel-1] c.p.k.u.s.StatisticsService: Collecting statistics for cluster local');
    case 'stream':
      if (f.broker !== 'up') return rng.chance(0.5) ? rdkafkaFail(at, 'producer', f.broker) : l(`delivery_queue_backlog         queued=${f.queued} broker=${KAFKA_INTERNAL}`, 'warn');
      return l(`stream_stats                   trades=${Math.round(f.rate * 10)} rate=${f.rate.toFixed(1)}/s symbols=24 ws_latency_ms=${20 + Math.floor(rng.next() * 40)}`);
    case 'api': {
      if (f.severity === 'unhealthy') return l(`172.18.0.1:${port} - "GET /health HTTP/1.1" 503 Service Unavailable`);
      if (f.problem) return rng.chance(0.5) ? l(`health check: ${f.problem}`, 'warn') : l(`172.18.0.1:${port} - "GET /health HTTP/1.1" 200 OK`);
      return rng.chance(0.8) ? l(`172.18.0.1:${port} - "GET /health HTTP/1.1" 200 OK`) : l(`172.18.0.1:${port} - "GET /v1/trades?symbol=BTCUSDT&limit=100 HTTP/1.1" 200 OK`);
    }
    case 'consumer':
      if (f.broker !== 'up') return rdkafkaFail(at, 'consumer', f.broker);
      if (f.failingMs !== undefined) {
        return l(`iceberg_write_failed           attempt=${1 + Math.floor(f.failingMs / 5000)} error="Could not connect to the endpoint URL: \\"${MINIO_URL}/\\""`, 'error');
      }
      return l(`batch_written                  records=${Math.max(1, Math.round(Math.min(f.rate, 400) * 5))} table=market_data.trades_v2 duration_ms=${300 + Math.floor(rng.next() * 250)} lag=${f.lag}`);
    case 'minio':
      return undefined;
    case 'other':
      return l('heartbeat ok');
  }
}

/** What a health check printed (Docker keeps its output). */
export function healthOutput(role: Role, ok: boolean, port: number | undefined): string {
  if (role === 'kafka') return ok ? `${KAFKA_INTERNAL} (id: 1 rack: null) -> (` : 'Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Broker may not be available.';
  if (role === 'postgres') return ok ? '/var/run/postgresql:5432 - accepting connections' : '/var/run/postgresql:5432 - no response';
  if (ok) return '';
  return `curl: (7) Failed to connect to localhost port ${port ?? 80} after 0 ms: Couldn't connect to server`;
}
