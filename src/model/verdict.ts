import type { ServiceRow } from './services.js';
import { isHealthy, isUp, rowProblem } from './services.js';

// The header's overall verdict: green when every essential service is up and healthy, red when
// any essential service is down (or the Docker engine cannot be asked), amber otherwise.

export type Level = 'green' | 'amber' | 'red' | 'unknown';

export interface Verdict {
  level: Level;
  /** Short reasons, most serious first. */
  reasons: string[];
}

export function servicesVerdict(rows: ServiceRow[], dockerReachable: boolean | undefined): Verdict {
  if (dockerReachable === undefined) return { level: 'unknown', reasons: ['connecting to Docker'] };
  if (!dockerReachable) return { level: 'red', reasons: ['Docker engine unreachable'] };
  const essential = rows.filter((r) => r.essential);
  const down = essential.filter((r) => !isUp(r));
  if (down.length) return { level: 'red', reasons: down.map((r) => `${r.name} ${rowProblem(r)}`) };
  const unwell = rows.filter((r) => r.expected && !isHealthy(r));
  if (unwell.length) {
    const ordered = [...unwell.filter((r) => r.essential), ...unwell.filter((r) => !r.essential)];
    // Non-essential trouble alone is worth amber: the presenter should know before going on stage.
    return { level: 'amber', reasons: ordered.map((r) => `${r.name} ${rowProblem(r)}`) };
  }
  return { level: 'green', reasons: [] };
}

export interface KafkaFacts {
  state: 'connecting' | 'ok' | 'unreachable';
  liveTopic?: string;
  /** The live topic's rate has been 0 for LIVE_ZERO_AMBER_MS or more. */
  liveStalled: boolean;
  /** The service producing the live topic is running (a stall only matters then). */
  streamRunning: boolean;
  liveMissing: boolean;
  /** Groups above NORMAL, with their level names, most degraded first. */
  degraded: { groupId: string; level: number; name: string }[];
}

/** Kafka's part of the verdict: red when the broker is unreachable, amber when the stream stalls. */
export function kafkaVerdict(k: KafkaFacts): Verdict {
  if (k.state === 'connecting') return { level: 'green', reasons: [] };
  if (k.state === 'unreachable') return { level: 'red', reasons: ['Kafka broker unreachable'] };
  const reasons: string[] = [];
  let level: Level = 'green';
  const worst = k.degraded[0];
  if (worst && worst.level >= 4) {
    level = 'red';
    reasons.push(`${worst.groupId} ${worst.name}`);
  }
  if (k.liveMissing && k.liveTopic) reasons.push(`topic ${k.liveTopic} missing`);
  if (k.liveStalled && k.streamRunning && k.liveTopic) reasons.push(`no messages on ${k.liveTopic}`);
  for (const d of k.degraded) if (d.level < 4) reasons.push(`${d.groupId} ${d.name}`);
  if (level === 'green' && reasons.length > 0) level = 'amber';
  return { level, reasons };
}

const RANK: Record<Level, number> = { unknown: 0, green: 1, amber: 2, red: 3 };

/** The more serious of two verdicts leads; the reasons of both are kept, the serious ones first. */
export function combineVerdicts(a: Verdict, b: Verdict): Verdict {
  const [first, second] = RANK[b.level] > RANK[a.level] ? [b, a] : [a, b];
  if (first.level === 'unknown') return first;
  return { level: first.level, reasons: [...first.reasons, ...second.reasons] };
}
