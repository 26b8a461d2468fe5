import type { Source } from '../sources/types.js';
import type { ContainerDetails } from '../model/types.js';
import type { Actuator } from './types.js';

// What a dashboard runs on: the sources the clock samples and the actuator scenarios act through.
// Live mode builds one from Docker, Kafka, HTTP and the host; `k2mc demo` builds one from a
// simulated K2 platform. The runtime and the UI see only this, so they never branch on the mode.

export interface Platform {
  /** Shown in the header and messages: "unix:///var/run/docker.sock", or "simulated". */
  readonly dockerUrl: string;
  /**
   * The sources, sampled on the one clock. Names decide which store action takes a sample:
   * docker → DockerSample, stats → Record<containerId, ContainerStats>, probes →
   * Record<serviceName, ProbeResult>, host → HostSample, kafka → KafkaSample,
   * prometheus → PrometheusSample. A failure throws; a SourceError's message is shown as it is.
   */
  readonly sources: Source<unknown>[];
  readonly actuator: Actuator;
  /** The details overlay of one container (image, ports, labels, health log, last log lines). */
  details(containerId: string): Promise<ContainerDetails>;
}
