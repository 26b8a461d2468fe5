import type { Scenario } from './types.js';

// The built-in failure scenarios of the K2 stack, keys 1-6 of the scenario menu. Service names are
// those of DEFAULT_SERVICES (src/config/defaults.ts). A `scenarios` list in the config file
// replaces them; without one, those naming a service the resolved config lacks are dropped
// (see loadConfig).
//
// No restore list means the default: every touched container back to its state before.

export const DEFAULT_SCENARIOS: Scenario[] = [
  {
    name: 'stream-outage',
    key: '1',
    description: 'the trade rate falls to 0, the stream shows paused',
    steps: [{ action: 'pause', service: 'binance-stream' }],
    restore: [{ action: 'unpause', service: 'binance-stream' }],
    expect: { kind: 'rate-zero', withinMs: 10_000 },
  },
  {
    name: 'consumer-stall',
    key: '2',
    description: 'lag climbs, the degradation level rises',
    steps: [{ action: 'pause', service: 'consumer-crypto' }],
    expect: { kind: 'lag-growing', withinMs: 15_000 },
  },
  {
    name: 'broker-outage',
    key: '3',
    description: 'the broker is unreachable, rates unknown, dependants go unhealthy',
    steps: [{ action: 'pause', service: 'kafka' }],
    expect: { kind: 'broker-unreachable', withinMs: 10_000 },
  },
  {
    name: 'registry-failover',
    key: '4',
    description: 'the second registry carries on',
    steps: [{ action: 'stop', service: 'schema-registry-1', timeoutS: 10 }],
    restore: [{ action: 'start', service: 'schema-registry-1' }],
    expect: { kind: 'service-state', service: 'schema-registry-1', state: 'exited', withinMs: 15_000 },
  },
  {
    name: 'storage-outage',
    key: '5',
    description: 'object storage unreachable; Iceberg writes stall',
    steps: [{ action: 'pause', service: 'minio' }],
    expect: { kind: 'service-state', service: 'minio', state: 'paused', withinMs: 5_000 },
  },
  {
    name: 'api-crash',
    key: '6',
    description: 'the API dies; /health fails',
    steps: [{ action: 'kill', service: 'api', signal: 'SIGKILL' }],
    restore: [{ action: 'start', service: 'api' }],
    expect: { kind: 'service-state', service: 'api', state: 'down', withinMs: 5_000 },
  },
];

/** Every service a scenario names: its steps, its restore steps and its expectation. */
export function scenarioServices(s: Scenario): string[] {
  const names = [...s.steps, ...(s.restore ?? [])].map((st) => st.service);
  if (s.expect?.kind === 'service-state') names.push(s.expect.service);
  return [...new Set(names)];
}
