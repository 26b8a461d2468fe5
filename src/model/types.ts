// Plain data shapes shared by sources, model, store and ui.

export type ContainerState = 'running' | 'paused' | 'restarting' | 'exited' | 'created' | 'dead' | 'removing';
export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface ContainerInfo {
  id: string;
  name: string;
  /** com.docker.compose.service label, when present. */
  service?: string;
  image: string;
  state: ContainerState;
  health: Health;
  /** Exit code of an exited or dead container. */
  exitCode?: number;
  /** Epoch ms of the last start, when known. */
  startedAt?: number;
  restartCount: number;
  /** "127.0.0.1:8081->8081/tcp" style. */
  ports: string[];
}

export interface ContainerStats {
  /** Percent of one core (100 = one full core), unknown until two samples exist. */
  cpuPercent?: number;
  memBytes?: number;
  memLimit?: number;
  at: number;
}

export interface EngineInfo {
  url: string;
  version?: string;
  /** Docker data root, for the host panel's disk figure. */
  rootDir?: string;
}

export interface DockerSample {
  engine: EngineInfo;
  containers: ContainerInfo[];
}

export interface ProbeResult {
  url: string;
  ok: boolean;
  status?: number;
  latencyMs?: number;
  /** The `status` field of a JSON body, e.g. the K2 API's "healthy" / "degraded". */
  bodyStatus?: string;
  error?: string;
  at: number;
}

export interface HostSample {
  cpuPercent?: number;
  memUsed?: number;
  memTotal?: number;
  diskUsed?: number;
  diskTotal?: number;
  diskPath?: string;
  rxPerSec?: number;
  txPerSec?: number;
  at: number;
}

export interface ContainerDetails {
  id: string;
  name: string;
  image: string;
  ports: string[];
  labels: Record<string, string>;
  healthLog: { at: number; exitCode: number; output: string }[];
  logLines: string[];
  error?: string;
}

export type Severity = 'info' | 'warn' | 'error' | 'ok';

export interface LogEvent {
  at: number;
  severity: Severity;
  text: string;
}
