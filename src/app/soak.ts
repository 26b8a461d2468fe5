import { EventEmitter } from 'node:events';
import { loadConfig } from '../config/load.js';
import { startDemo } from './demo.js';
import { openTerminal } from './terminal.js';
import { HeapLimits } from './heap-limits.js';

// The long run of `npm run bench` (scenario soak): does k2mc's memory stay flat over 10,000
// refresh cycles? The whole dashboard runs on the simulated platform — sources, scheduler, store,
// React, Ink and the frame writer, 160×45 — but on a clock this harness drives: each cycle moves
// time on by one refresh, ticks the scheduler, and waits until the samples have landed and the
// frame is drawn, so 10,000 cycles take minutes instead of hours. Heap and RSS are read after a
// forced garbage collection at the end of the warm-up and at the end.
//
//   node --expose-gc dist/soak.js [--config FILE] [--cycles 10000] [--warmup 1000] [--seed 1]
// Prints one JSON object.

interface SoakResult {
  cycles: number;
  warmup: number;
  services: number;
  frames: number;
  bytes: number;
  cpuMsPerCycle: number;
  heapAfterWarmupMB: number;
  heapEndMB: number;
  heapGrowthMB: number;
  rssAfterWarmupMB: number;
  rssEndMB: number;
  rssGrowthMB: number;
  rssPeakMB: number;
  /** Heap after GC every 1,000 cycles: bounded caches fill and empty, a leak only climbs. */
  heapByThousandMB: number[];
  /** RSS after GC at the same points: it also moves with what the allocator keeps, so a leak shows as a climb, not one reading. */
  rssByThousandMB: number[];
}

const MB = 2 ** 20;

/** A terminal that accepts frames and counts them. */
class SinkTerminal extends EventEmitter {
  readonly isTTY = true;
  readonly columns = 160;
  readonly rows = 45;
  bytes = 0;
  writes = 0;
  write(chunk: string | Uint8Array): boolean {
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    this.writes++;
    return true;
  }
}

/** A keyboard nobody types on: every stream call Ink makes on stdin does nothing. */
function idleKeyboard(): NodeJS.ReadStream {
  const keyboard = Object.assign(new EventEmitter(), { isTTY: true, read: () => null });
  for (const name of ['setRawMode', 'setEncoding', 'ref', 'unref', 'resume', 'pause']) {
    (keyboard as unknown as Record<string, () => unknown>)[name] = () => keyboard;
  }
  return keyboard as unknown as NodeJS.ReadStream;
}

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

function measure(): { heap: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / MB, rss: m.rss / MB };
}

function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export async function soak(opts: { configPath?: string; cycles: number; warmup: number; seed: number }): Promise<SoakResult> {
  const config = loadConfig({ configPath: opts.configPath, flags: {} });
  // The same heap limits as the dashboard (dashboard.ts), from the start and checked on every cycle.
  const heap = new HeapLimits();
  let realNow = Date.now();
  const runtime = startDemo(config, { autoStart: false, speed: 1, seed: opts.seed, now: () => realNow, size: { columns: 160, rows: 45 } });
  const out = new SinkTerminal();
  const terminal = openTerminal(runtime.store, out as unknown as NodeJS.WriteStream, idleKeyboard(), 0);
  await runtime.afterFirstFrame();
  const period = config.refreshMs;
  let base = { heap: 0, rss: 0 };
  let cpu0 = 0;
  let writes0 = 0;
  const heapByThousand: number[] = [];
  const rssByThousand: number[] = [];
  try {
    for (let i = 0; i < opts.cycles; i++) {
      realNow += period;
      runtime.scheduler.step();
      heap.check();
      // The samples settle, the store's view announces them (a zero-delay timer here), React and
      // Ink render, and the frame writer paints on the next turn.
      await turn();
      await turn();
      await immediate();
      const thousand = (i + 1) % 1000 === 0;
      if (!thousand && i !== opts.warmup - 1) continue;
      const m = measure();
      if (thousand) {
        heapByThousand.push(Math.round(m.heap * 10) / 10);
        rssByThousand.push(Math.round(m.rss * 10) / 10);
      }
      if (i === opts.warmup - 1) {
        base = m;
        const u = process.cpuUsage();
        cpu0 = (u.user + u.system) / 1000;
        writes0 = out.writes;
      }
    }
    const u = process.cpuUsage();
    const cpu = (u.user + u.system) / 1000 - cpu0;
    const end = measure();
    const measured = opts.cycles - opts.warmup;
    return {
      cycles: opts.cycles,
      warmup: opts.warmup,
      services: config.services.length,
      frames: out.writes - writes0,
      bytes: out.bytes,
      cpuMsPerCycle: cpu / measured,
      heapAfterWarmupMB: base.heap,
      heapEndMB: end.heap,
      heapGrowthMB: end.heap - base.heap,
      rssAfterWarmupMB: base.rss,
      rssEndMB: end.rss,
      rssGrowthMB: end.rss - base.rss,
      rssPeakMB: peakRssMB(),
      heapByThousandMB: heapByThousand,
      rssByThousandMB: rssByThousand,
    };
  } finally {
    runtime.stop();
    terminal.close();
  }
}

function arg(list: string[], name: string): string | undefined {
  const i = list.indexOf(`--${name}`);
  return i >= 0 ? list[i + 1] : undefined;
}

const argv = process.argv.slice(2);
soak({
  configPath: arg(argv, 'config'),
  cycles: Number(arg(argv, 'cycles') ?? 10_000),
  warmup: Number(arg(argv, 'warmup') ?? 1000),
  seed: Number(arg(argv, 'seed') ?? 1),
}).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
