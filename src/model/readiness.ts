// The success indicators of the K2 demo plan, judged from what k2mc measures, each a light with
// its reason; those k2mc cannot measure are listed as manual checks for the presenter.

import type { ServiceRow } from './services.js';
import { isHealthy, isUp, rowProblem } from './services.js';
import type { KafkaView } from './kafka-view.js';
import type { SourceStatus } from '../sources/types.js';
import { formatInt, formatRate } from './format.js';

export type Light = 'green' | 'amber' | 'red';

export interface ReadinessItem {
  name: string;
  light: Light;
  reason: string;
}

export const MANUAL_CHECKS = [
  'Iceberg has more than 1,000 rows in trades_v2',
  'Prometheus scraping the platform metrics',
  'Grafana dashboards loading with data',
  'All notebook cells execute without errors, in under 12 minutes',
  'Backup materials ready (recording, pre-executed notebook, screenshots)',
];

export const TOPIC_MIN_MESSAGES = 1000;

export interface ReadinessInput {
  rows: ServiceRow[];
  dockerState: SourceStatus['state'];
  kafkaStatus: SourceStatus;
  kafka?: KafkaView;
  liveTopic?: string;
}

function byService(rows: ServiceRow[], name: string): ServiceRow | undefined {
  return rows.find((r) => r.key === name || r.service === name);
}

function probeLight(row: ServiceRow | undefined, label: string, wantStatus?: string): ReadinessItem {
  const name = `${label} healthy`;
  if (!row) return { name, light: 'amber', reason: `no ${label} service in the config` };
  if (!row.probeUrl) return isHealthy(row) ? { name, light: 'green', reason: `${row.name} ${row.health === 'healthy' ? 'healthy' : 'running'}` } : { name, light: 'red', reason: `${row.name} ${rowProblem(row)}` };
  const p = row.probe;
  if (!p) return { name, light: 'amber', reason: `waiting for the first answer from ${row.probeUrl}` };
  if (!p.ok) return { name, light: 'red', reason: `${row.probeUrl}: ${p.status !== undefined ? `HTTP ${p.status}` : (p.error ?? 'failed')}` };
  if (wantStatus && p.bodyStatus !== wantStatus) {
    return { name, light: p.status === 200 ? 'amber' : 'red', reason: `${row.probeUrl}: HTTP ${p.status}, status "${p.bodyStatus ?? 'none'}"` };
  }
  return { name, light: 'green', reason: `${row.probeUrl}: HTTP ${p.status}${p.bodyStatus ? ` ${p.bodyStatus}` : ''}` };
}

export function readiness(input: ReadinessInput): ReadinessItem[] {
  const items: ReadinessItem[] = [];
  const { rows, kafka, kafkaStatus, liveTopic } = input;

  // Every essential service up.
  const essentials = rows.filter((r) => r.essential);
  if (input.dockerState !== 'ok') {
    items.push({ name: 'All essential services up', light: input.dockerState === 'connecting' ? 'amber' : 'red', reason: input.dockerState === 'connecting' ? 'waiting for Docker' : 'Docker engine unreachable' });
  } else {
    const down = essentials.filter((r) => !isUp(r));
    items.push(
      down.length
        ? { name: 'All essential services up', light: 'red', reason: down.map((r) => `${r.name} ${rowProblem(r)}`).join(', ') }
        : { name: 'All essential services up', light: 'green', reason: `${essentials.length}/${essentials.length} essential services up` },
    );
  }

  // The stream ingests, and the topic holds data.
  const topic = liveTopic ? kafka?.topics.find((t) => t.name === liveTopic) : undefined;
  const kafkaDown = kafkaStatus.state === 'unreachable';
  const waiting = kafkaStatus.state === 'connecting';
  if (!liveTopic) {
    items.push({ name: 'Stream ingesting', light: 'amber', reason: 'no live topic configured (kafka.liveTopic)' });
  } else if (kafkaDown) {
    items.push({ name: 'Stream ingesting', light: 'red', reason: 'Kafka broker unreachable' });
  } else if (waiting) {
    items.push({ name: 'Stream ingesting', light: 'amber', reason: 'waiting for Kafka' });
  } else if (!topic) {
    items.push({ name: 'Stream ingesting', light: 'red', reason: `topic ${liveTopic} missing on the broker` });
  } else if (topic.rate === undefined) {
    items.push({ name: 'Stream ingesting', light: 'amber', reason: 'rate not known yet (needs two samples)' });
  } else {
    items.push(
      topic.rate > 0
        ? { name: 'Stream ingesting', light: 'green', reason: `${formatRate(topic.rate)} msg/s on ${liveTopic}` }
        : { name: 'Stream ingesting', light: 'red', reason: `no new messages on ${liveTopic}` },
    );
  }
  const topicName = `Topic has ${formatInt(TOPIC_MIN_MESSAGES)}+ messages`;
  if (!liveTopic || kafkaDown || waiting || !topic) {
    items.push({ name: topicName, light: kafkaDown || (!waiting && !topic) ? 'red' : 'amber', reason: kafkaDown ? 'Kafka broker unreachable' : waiting || !liveTopic ? 'waiting for Kafka' : `topic ${liveTopic} missing` });
  } else {
    items.push(
      topic.total >= TOPIC_MIN_MESSAGES
        ? { name: topicName, light: 'green', reason: `${formatInt(topic.total)} messages in ${liveTopic}` }
        : { name: topicName, light: 'amber', reason: `only ${formatInt(topic.total)} messages in ${liveTopic}` },
    );
  }

  items.push({ ...probeLight(byService(rows, 'api'), 'API /health', 'healthy'), name: 'API /health 200 and healthy' });
  items.push(probeLight(byService(rows, 'prometheus'), 'Prometheus'));
  items.push(probeLight(byService(rows, 'grafana'), 'Grafana'));
  return items;
}
