import type { Config } from '../../config/types.js';
import type { Thresholds } from '../../model/degradation.js';
import type { ContainerDetails } from '../../model/types.js';
import type { Platform } from '../platform.js';
import { SimulatedActuator } from './actuator.js';
import { simulatedSources, SIMULATED_DOCKER_URL } from './sources.js';
import { SimWorld } from './world.js';

// `k2mc demo`: the whole dashboard on a simulated K2 platform. Virtual time runs `speed` times as
// fast as the injected clock from the moment the platform is created (at speed 1 it is the wall
// clock itself). Sample times, fault times and log times are all virtual: a runtime that drives
// its scheduler and store with `clock` sees one consistent time line at any speed.

export interface SimulatedPlatformOptions {
  /** Virtual seconds per real second (default 1). */
  speed?: number;
  /** Same seed, same actions at the same virtual times: the same platform (default 1). */
  seed?: number;
  /** The real clock (default Date.now); tests inject their own. */
  now?: () => number;
  /** Begin with a stack that has just been started instead of one that has run for a while. */
  coldStart?: boolean;
  /** The platform's degradation thresholds (default K2's). */
  thresholds?: Thresholds;
}

export interface SimulatedPlatform extends Platform {
  readonly world: SimWorld;
  readonly actuator: SimulatedActuator;
  /** Virtual time now (epoch ms): drive the scheduler and the store with it. */
  readonly clock: () => number;
  readonly speed: number;
  readonly seed: number;
}

export const DEFAULT_SEED = 1;
/** How many of a container's last log lines the details overlay shows (as `docker logs --tail 20`). */
const LOG_TAIL = 20;

export function createSimulatedPlatform(config: Config, opts: SimulatedPlatformOptions = {}): SimulatedPlatform {
  const speed = opts.speed ?? 1;
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be a positive number, not ${speed}`);
  const seed = opts.seed ?? DEFAULT_SEED;
  const realNow = opts.now ?? Date.now;
  const t0 = realNow();
  const clock = () => t0 + (realNow() - t0) * speed;
  const world = new SimWorld(config, { seed, start: t0, coldStart: opts.coldStart, thresholds: opts.thresholds });
  const actuator = new SimulatedActuator({ world, clock, project: config.project, services: config.services, readOnly: config.readOnly, scenarios: config.scenarios });
  return {
    dockerUrl: SIMULATED_DOCKER_URL,
    sources: simulatedSources(world, clock),
    actuator,
    world,
    clock,
    speed,
    seed,
    details: async (containerId) => {
      world.advance(clock());
      return containerDetails(world, containerId);
    },
  };
}

export function containerDetails(world: SimWorld, containerId: string): ContainerDetails {
  const c = world.container(containerId);
  // dockerode's words for an unknown id.
  if (!c) throw new Error(`(HTTP code 404) no such container - No such container: ${containerId}`);
  const project = world.config.project;
  const dir = `/home/k2/${project === 'k2' ? 'k2-market-data-platform' : project}`;
  return {
    id: c.id,
    name: c.name,
    image: c.image,
    ports: c.spec.ports.map((p) => `0.0.0.0:${p}->${p}/tcp`),
    labels: {
      'com.docker.compose.config-hash': [...c.id].reverse().join(''),
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.project': project,
      'com.docker.compose.project.config_files': `${dir}/docker-compose.yml`,
      'com.docker.compose.project.working_dir': dir,
      'com.docker.compose.service': c.spec.name,
      'com.docker.compose.version': '2.29.7',
      'k2mc.simulated': 'true',
    },
    healthLog: c.healthLog.map((h) => ({ ...h })),
    logLines: c.logs.filter((l) => l.at <= world.now).slice(-LOG_TAIL).map((l) => l.text),
  };
}

export { SimWorld } from './world.js';
export { SimulatedActuator } from './actuator.js';
export { simulatedSources, SIMULATED_DOCKER_URL } from './sources.js';
