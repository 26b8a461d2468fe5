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
