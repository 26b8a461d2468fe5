import type { Config } from '../config/types.js';
import { Scheduler } from '../clock/scheduler.js';
import { createAppStore, initialState, type Store } from '../store/store.js';
import { readRecording, type Recording } from '../control/recording.js';
import { ReplayPlayer } from '../control/replay.js';
import { applySample, frameOf } from './live.js';
import { dataOf, recordedFrame } from './backup-mode.js';

// `k2mc replay FILE`: the dashboard on a recording. The store's clock is the recording's: the
// header shows the recorded time, uptimes and "since" figures are as they were then.

/** Ticks of a replay: a little faster than live, so 16× still moves smoothly. */
export const REPLAY_PERIOD_MS = 250;

export interface ReplaySession {
  store: Store;
  scheduler: Scheduler;
  player: ReplayPlayer;
  afterFirstFrame(): Promise<void>;
  stop(): void;
}

/** Throws an Error naming the file and what is wrong with it. */
export function startReplay(file: string, config: Config, opts: { autoStart?: boolean; recording?: Recording } = {}): ReplaySession {
  const recording = opts.recording ?? readRecording(file);
  const frame = { ...recordedFrame({ recording }, frameOf(config, 'recording')), readOnly: true };
  let player: ReplayPlayer | undefined;
  const clock = () => player?.now ?? recording.header.startedAt;
  const store = createAppStore(frame, 'replay', recording.header.startedAt, clock);
  player = new ReplayPlayer(recording, file, {
    loop: false,
    apply: (x) => applySample(store, x.s, x.v, x.t),
    reset: () => store.setState(dataOf(initialState(frame, 'replay', clock()))),
  });
  const p = player;
  if (recording.skipped > 0) store.getState().log('warn', `${recording.skipped} line${recording.skipped === 1 ? '' : 's'} of ${file} skipped (cut off or corrupt)`);
  store.setState({ replay: p.state(), now: p.now });
  let last = Date.now();
  const scheduler = new Scheduler(REPLAY_PERIOD_MS, {
    onTick: (now) => {
      p.advance(now - last);
      last = now;
      store.setState({ replay: p.state(), now: p.now });
    },
    onSample: () => undefined,
    onError: () => undefined,
  });
  const unsubscribe = store.subscribe((state, prev) => {
    const req = state.viewRequest;
    if (!req || req === prev.viewRequest) return;
    store.getState().viewDone();
    if (req.kind === 'pause') p.togglePause();
    else if (req.kind === 'seek') p.seek(req.deltaMs);
    else if (req.kind === 'speed') p.setSpeed(req.direction);
    store.setState({ replay: p.state(), now: p.now });
  });
  if (opts.autoStart !== false) scheduler.start();
  return {
    store,
    scheduler,
    player: p,
    afterFirstFrame: async () => undefined,
    stop() {
      unsubscribe();
      scheduler.stop();
    },
  };
}
