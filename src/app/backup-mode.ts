import { createAppStore, initialState, type AppState, type Store } from '../store/store.js';
import { ReplayPlayer } from '../control/replay.js';
import type { BackupChoice } from '../control/backup.js';
import type { Frame, ViewRequest } from '../store/store.js';

// Backup mode (`b`): the screen shows a recording, looping, while the live platform goes on being
// sampled (and recorded) out of sight. Live samples then go to a second store that took over the
// live figures at the switch; `b` again puts those back, fresh, in one step.

/** The parts of the state that describe the platform (not the presenter's UI, faults or plan). */
const DATA_KEYS = ['frame', 'docker', 'stats', 'probes', 'host', 'kafka', 'prometheus', 'rows', 'events', 'now'] as const;
type Data = Pick<AppState, (typeof DATA_KEYS)[number]>;

export function dataOf(s: AppState): Data {
  const out = {} as Record<string, unknown>;
  for (const k of DATA_KEYS) out[k] = s[k];
  return out as Data;
}

export class BackupMode {
  private hidden: Store | undefined;
  private player: ReplayPlayer | undefined;
  private lastTick = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
    private readonly apply: (store: Store, name: string, value: unknown, at: number) => void,
  ) {}

  get active(): boolean {
    return this.hidden !== undefined;
  }

  /** Where live samples go: the screen's store, or the hidden one in backup mode. */
  get liveStore(): Store {
    return this.hidden ?? this.store;
  }

  enter(choice: BackupChoice): void {
    if (this.hidden) return;
    const now = this.clock();
    const live = this.store.getState();
    const hidden = createAppStore(live.frame, 'live', now, this.clock);
    hidden.setState(dataOf(live));
    hidden.getState().log('warn', `backup mode: the screen shows ${choice.label} (${choice.file}); the live platform is still watched`, now);
    this.hidden = hidden;
    const frame = recordedFrame(choice, live.frame);
    this.player = new ReplayPlayer(choice.recording, choice.file, {
      loop: true,
      fromMs: choice.fromMs,
      apply: (x) => this.apply(this.store, x.s, x.v, x.t),
      // The recording's own log starts empty each loop, under a line saying what it is.
      reset: () => {
        const fresh = initialState(frame, 'backup', choice.recording.header.startedAt);
        this.store.setState({ ...dataOf(fresh), events: [{ at: now, severity: 'warn', text: `BACKUP: replay of ${choice.label} — the live platform is not shown (b: back to live)` }] });
      },
    });
    this.lastTick = now;
    this.store.setState({ mode: 'backup', replay: this.player.state(), backup: { ...live.backup, file: choice.file, label: choice.label }, now: this.player.now });
  }

  leave(): void {
    const hidden = this.hidden;
    if (!hidden) return;
    this.hidden = undefined;
    this.player = undefined;
    const h = hidden.getState();
    this.store.setState({ ...dataOf(h), mode: 'live', replay: undefined });
    this.store.getState().log('ok', 'back to live: the live platform is shown again');
  }

  /** The replay controls work in backup mode too (pause a loop to talk over it). */
  control(req: ViewRequest): void {
    const p = this.player;
    if (!p) return;
    if (req.kind === 'pause') p.togglePause();
    else if (req.kind === 'seek') p.seek(req.deltaMs);
    else if (req.kind === 'speed') p.setSpeed(req.direction);
    this.store.setState({ replay: p.state(), now: p.now });
  }

  /** The clock's tick: the live figures age in the hidden store, the replay moves on. */
  tick(now: number): void {
    if (!this.hidden || !this.player) return;
    this.hidden.getState().tick(now);
    this.player.advance(now - this.lastTick);
    this.lastTick = now;
    this.store.setState({ replay: this.player.state(), now: this.player.now });
  }
}

/** The frame the recording was made against (services, Kafka), within the current one. */
export function recordedFrame(choice: Pick<BackupChoice, 'recording'>, current: Frame): Frame {
  const f = choice.recording.header.frame as Partial<Frame> | undefined;
  if (!f || !Array.isArray(f.services)) return current;
  return { ...current, ...f, readOnly: current.readOnly, scenarios: current.scenarios, kafka: { ...current.kafka, ...(f.kafka ?? {}) } };
}
