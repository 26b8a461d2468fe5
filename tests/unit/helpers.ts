import type { ServiceSpec } from '../../src/config/types.js';
import type { ContainerInfo } from '../../src/model/types.js';

export function spec(name: string, essential = true, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return { name, container: `k2-${name}`, essential, healthcheck: true, mayRunOnHost: false, ports: [], ...extra };
}

export function container(name: string, extra: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id: `id-${name}`,
    name: `k2-${name}`,
    service: name,
    image: 'busybox',
    state: 'running',
    health: 'healthy',
    restartCount: 0,
    ports: [],
    startedAt: Date.UTC(2026, 0, 14, 10),
    ...extra,
  };
}
