// Whether a fired scenario shows what it promised: its expectation checked against what the
// panels measure. Pure: the state and the time come in as arguments.
//
// The caller checks on every tick and stops at the first result that is not pending. A condition
// seen to hold is "met" even if it is first seen just past the deadline (the clock only looks once
// a tick); "failed" means the deadline passed without it.
//
// Meanings:
//   rate-zero           the topic's rate (messages/s since the previous sample) is exactly 0;
//                       the topic defaults to the live topic. An unknown rate (the broker down, a
//                       first sample) is not 0.
//   lag-growing         the group's lag trend is "growing"; the group defaults to the first one
//                       with committed offsets (a known lag).
//   broker-unreachable  the Kafka source is unreachable.
//   service-state       the service's row has the state: "paused", "exited" or "running" exactly
//                       ("running" also accepts a service found running on the host); "down"
//                       means not running at all: exited, dead, missing (no container), created,
//                       removing, or restarting (exited, waiting for Docker to start it again).
//                       "unknown" (Docker unreachable) is never a match.

import type { Expectation } from './types.js';
import type { Trend } from '../model/kafka.js';
import type { RowStatus } from '../model/services.js';
import { formatInt, formatRate } from '../model/format.js';

/** What an expectation looks at, mapped from the store (see expectationInput in faults.ts). */
export interface ExpectationInput {
  liveTopic?: string;
  /** The Kafka panel's topics; rate undefined when unknown. */
  topics: { name: string; rate?: number }[];
  /** The Kafka panel's groups; lag undefined when the group has no committed offsets. */
  groups: { groupId: string; trend?: Trend; lag?: number }[];
  kafkaState: 'ok' | 'unreachable' | 'connecting';
  /** The services panel's rows: key (the service name, or a container name), container name, status. */
  rows: { key: string; name?: string; service?: string; status: RowStatus }[];
}

export type CheckStatus = 'pending' | 'met' | 'failed';

export interface CheckResult {
  status: CheckStatus;
  text: string;
}

/** The statuses that count as "down". */
export const DOWN_STATUSES: readonly RowStatus[] = ['exited', 'dead', 'missing', 'created', 'removing', 'restarting'];

/** Seconds since firing: "2.1 s" below a minute, whole seconds after ("75 s"). */
export function formatElapsed(ms: number): string {
  const tenths = Math.round(Math.max(0, ms) / 100);
  return tenths < 600 ? `${(tenths / 10).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** A deadline: "10 s", "1.5 s", "0.5 s", "90 s". */
export function formatWithin(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** What an expectation reads as, for "expected <this> within 10 s": "rate 0", "lag growing", … */
export function expectationWhat(e: Expectation): string {
  switch (e.kind) {
    case 'rate-zero':
      return 'rate 0';
    case 'lag-growing':
      return 'lag growing';
    case 'broker-unreachable':
      return 'broker unreachable';
    case 'service-state':
      return `${e.service} ${e.state}`;
  }
}

/** One look: holds, or why not (the words after "waiting:" / after "within 10 s:"). */
interface Look {
  holds: boolean;
  /** The met text without " after …": "trade rate 0", "k2-minio paused". */
  met: string;
  /** While pending: "128 msg/s". */
  now: string;
  /** When failed: "still 128 msg/s". */
  failed: string;
  /** Never able to hold (e.g. no topic to watch): fail at once. */
  impossible?: boolean;
}

function kafkaDown(state: ExpectationInput['kafkaState']): string | undefined {
  if (state === 'unreachable') return 'broker unreachable';
  if (state === 'connecting') return 'not connected to the broker yet';
  return undefined;
}

function lookRate(e: Extract<Expectation, { kind: 'rate-zero' }>, input: ExpectationInput): Look {
  const name = e.topic ?? input.liveTopic;
  const met = e.topic === undefined || e.topic === input.liveTopic ? 'trade rate 0' : `${e.topic} rate 0`;
  if (name === undefined) {
    const why = 'no topic to watch (no live topic configured)';
    return { holds: false, met, now: why, failed: why, impossible: true };
  }
  const topic = input.topics.find((t) => t.name === name);
  if (topic?.rate === 0) return { holds: true, met, now: '0 msg/s', failed: '0 msg/s' };
  const down = kafkaDown(input.kafkaState);
  if (down) return { holds: false, met, now: down, failed: down };
  if (!topic) return { holds: false, met, now: `topic ${name} not seen`, failed: `topic ${name} not seen` };
  if (topic.rate === undefined) return { holds: false, met, now: 'rate unknown', failed: 'rate unknown' };
  const rate = `${formatRate(topic.rate)} msg/s`;
  return { holds: false, met, now: rate, failed: `still ${rate}` };
}

function lookLag(e: Extract<Expectation, { kind: 'lag-growing' }>, input: ExpectationInput): Look {
  const met = 'lag growing';
  const group = e.group !== undefined ? input.groups.find((g) => g.groupId === e.group) : input.groups.find((g) => g.lag !== undefined);
  if (group?.trend === 'growing') return { holds: true, met, now: 'growing', failed: 'growing' };
  const down = kafkaDown(input.kafkaState);
  if (down) return { holds: false, met, now: down, failed: down };
  if (!group) {
    const why = e.group !== undefined ? `group ${e.group} not seen` : 'no group with committed offsets';
    return { holds: false, met, now: why, failed: why };
  }
  const trend = !group.trend || group.trend === 'unknown' ? 'trend unknown' : group.trend;
  const lag = group.lag !== undefined ? `lag ${formatInt(group.lag)}, ${trend}` : trend;
  return { holds: false, met, now: lag, failed: trend };
}

function lookBroker(input: ExpectationInput): Look {
  const met = 'broker unreachable';
  if (input.kafkaState === 'unreachable') return { holds: true, met, now: met, failed: met };
  if (input.kafkaState === 'connecting') return { holds: false, met, now: 'still connecting', failed: 'still connecting' };
  return { holds: false, met, now: 'broker reachable', failed: 'still reachable' };
}

function lookService(e: Extract<Expectation, { kind: 'service-state' }>, input: ExpectationInput): Look {
  const row = input.rows.find((r) => r.key === e.service) ?? input.rows.find((r) => r.service === e.service);
  const status: RowStatus = row?.status ?? 'missing';
  const name = row?.name ?? e.service;
  let holds: boolean;
  switch (e.state) {
    case 'down':
      holds = DOWN_STATUSES.includes(status);
      break;
    case 'running':
      holds = status === 'running' || status === 'external';
      break;
    default:
      holds = status === e.state;
  }
  // "down" names what it found (exited, missing, …); the others the state asked for.
  const word = e.state === 'down' ? status : e.state;
  const seen = status === 'unknown' ? 'Docker unreachable' : status === 'external' ? 'running on the host' : status;
  return { holds, met: `${name} ${word}`, now: `${name} ${seen}`, failed: seen };
}

function look(e: Expectation, input: ExpectationInput): Look {
  switch (e.kind) {
    case 'rate-zero':
      return lookRate(e, input);
    case 'lag-growing':
      return lookLag(e, input);
    case 'broker-unreachable':
      return lookBroker(input);
    case 'service-state':
      return lookService(e, input);
  }
}

/**
 * The expectation of a scenario fired at `firedAt`, as of `now`:
 *   met     "trade rate 0 after 2.1 s ✓"
 *   failed  "expected rate 0 within 10 s: still 128 msg/s ✗" (deadline reached, not seen)
 *   pending "waiting: 128 msg/s"
 */
export function checkExpectation(e: Expectation, firedAt: number, state: ExpectationInput, now: number): CheckResult {
  const l = look(e, state);
  if (l.holds) return { status: 'met', text: `${l.met} after ${formatElapsed(now - firedAt)} ✓` };
  if (l.impossible) return { status: 'failed', text: `expected ${expectationWhat(e)}: ${l.failed} ✗` };
  if (now - firedAt >= e.withinMs) {
    return { status: 'failed', text: `expected ${expectationWhat(e)} within ${formatWithin(e.withinMs)}: ${l.failed} ✗` };
  }
  return { status: 'pending', text: `waiting: ${l.now}` };
}
