import type { HostSample } from '../../model/types.js';
import { ou, Rng } from './random.js';

// The machine the simulated stack runs on: a workstation with 8 cores and 32 GiB, the Docker data
// root on a 512 GB disk. Its CPU is the containers' work spread over the cores plus the desktop's
// own; its memory the containers' plus the system's; the disk grows with what Kafka and Iceberg
// keep; the network carries the Binance websocket in and little out.

export const HOST_CORES = 8;
export const HOST_MEM_TOTAL = 32 * 1024 ** 3;
const OS_MEM = 2.8 * 1024 ** 3;
const DISK_TOTAL = 512_110_190_592;
const DISK_USED_AT_START = 143 * 1024 ** 3;
export const DOCKER_ROOT = '/var/lib/docker';
/** Bytes kept per trade: the Kafka log (with its index) and the Parquet file in MinIO. */
const DISK_BYTES_PER_MESSAGE = 180 + 40;
/** A trade on the Binance websocket, framing included. */
const WS_BYTES_PER_TRADE = 230;

export interface HostLoad {
  /** Sum of the running containers' CPU, percent of one core. */
  containerCpu: number;
  containerMem: number;
  /** Trades per second arriving from Binance (while the stream runs). */
  tradesPerSec: number;
  /** Messages kept so far (written to the topics). */
  messagesKept: number;
}

export class SimHost {
  private readonly rng: Rng;
  private cpuNoise = 0;
  private memNoise = 1;
  private netNoise = 1;
  private cpu = 0;
  private memUsed = OS_MEM;
  private diskUsed = DISK_USED_AT_START;
  private rx = 0;
  private tx = 0;

  constructor(seed: number) {
    this.rng = Rng.named(seed, 'host');
  }

  step(dtSec: number, load: HostLoad): void {
    this.cpuNoise = ou(this.cpuNoise, 0, 0.5, 1.2, dtSec, this.rng);
    this.memNoise = ou(this.memNoise, 1, 0.01, 0.004, dtSec, this.rng);
    this.netNoise = Math.max(0.3, ou(this.netNoise, 1, 0.8, 0.3, dtSec, this.rng));
    this.cpu = Math.min(100, Math.max(0.3, 2 + load.containerCpu / HOST_CORES + this.cpuNoise));
    this.memUsed = OS_MEM * this.memNoise + load.containerMem;
    this.diskUsed = DISK_USED_AT_START + load.messagesKept * DISK_BYTES_PER_MESSAGE;
    this.rx = (1800 + load.tradesPerSec * WS_BYTES_PER_TRADE) * this.netNoise;
    this.tx = (900 + load.tradesPerSec * 6) * this.netNoise;
  }

  sample(at: number): HostSample {
    return {
      cpuPercent: this.cpu,
      memUsed: Math.round(this.memUsed),
      memTotal: HOST_MEM_TOTAL,
      diskUsed: Math.round(this.diskUsed),
      diskTotal: DISK_TOTAL,
      diskPath: DOCKER_ROOT,
      rxPerSec: this.rx,
      txPerSec: this.tx,
      at,
    };
  }

  memoryPct(): number {
    return (this.memUsed / HOST_MEM_TOTAL) * 100;
  }
}
