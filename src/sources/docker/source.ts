import type Docker from 'dockerode';
import type { Source } from '../types.js';
import { SourceError } from '../types.js';
import type { ContainerDetails, ContainerInfo, DockerSample, EngineInfo } from '../../model/types.js';
import { describeDockerError, loadDockerode, resolveDockerUrl } from './client.js';
import { DockerApi, filtersQuery } from './api.js';
import { demuxLogs, fromListed, parseDockerTime, type ListedContainer } from './parse.js';

// The Docker source: one container list per tick (filtered by the compose project label) and an
// inspect only for containers that are new or changed. Resource figures come from the separate
// stats source, so a slow stats call can never make the engine look unreachable.

export const PROJECT_LABEL = 'com.docker.compose.project';

const MAX_INSPECT_PER_SAMPLE = 40;
const STATE_EVENTS = ['create', 'start', 'restart', 'die', 'stop', 'kill', 'pause', 'unpause', 'destroy', 'oom', 'rename', 'health_status'];

export interface DockerEventNotice {
  action: string;
  id: string;
  name: string;
  at: number;
}

export interface DockerSourceOptions {
  url?: string;
  project: string;
  /** Container names the config expects; they are listed even without the project label. */
  expectedNames?: string[];
  timeoutMs?: number;
  /** Cadence of the list while the event stream is up (events make changes show at once). */
  everyTicksWithEvents?: number;
  onEvent?: (e: DockerEventNotice) => void;
  /** Where the event stream's own failures go (the event log). */
  onStreamError?: (message: string) => void;
}

interface Inspected {
  key: string;
  startedAt?: number;
  restartCount: number;
  exitCode?: number;
}

export class DockerSource implements Source<DockerSample> {
  readonly name = 'docker';
  readonly timeoutMs: number;
  readonly url: string;
  private client: Promise<Docker> | undefined;
  /** The hot path: list, inspect, info, events. */
  readonly api: DockerApi;
  private readonly opts: DockerSourceOptions;
  private engine: EngineInfo;
  private readonly inspected = new Map<string, Inspected>();
  private readonly dirty = new Set<string>();
  /** The containers of the last successful sample, for the stats source. */
  latest: ContainerInfo[] = [];
  private events: { abort: AbortController; connected: boolean } | undefined;
  private closed = false;
  /** Lists still owed after an event (see `everyTicks`). */
  private followUps = 0;

  constructor(opts: DockerSourceOptions) {
    this.url = resolveDockerUrl(opts.url);
    this.api = new DockerApi(this.url);
    this.opts = opts;
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.engine = { url: this.url };
  }

  /**
   * Every tick until the event stream is up; then the list is only a safety net. After an event
   * the next ticks list too: the engine sends some events (unpause, for one) before its container
   * list shows the change, so the list an event triggers at once can still read the old state.
   */
  get everyTicks(): number {
    if (this.followUps > 0 || !this.events?.connected) return 1;
    return this.opts.everyTicksWithEvents ?? 1;
  }

  async sample(signal: AbortSignal): Promise<DockerSample> {
    if (this.followUps > 0) this.followUps--;
    let listed: ListedContainer[];
    try {
      listed = await this.listProject(signal);
    } catch (error) {
      this.stopEvents();
      this.engine = { url: this.url };
      throw new SourceError(describeDockerError(this.url, error), (error as { code?: string }).code);
    }
    if (!this.engine.version) await this.readEngine(signal);
    if (!this.events) this.startEvents();

    const containers = listed.map(fromListed);
    await this.refreshInspections(containers, signal);
    this.forgetGone(containers);
    this.latest = containers;
    return { engine: this.engine, containers };
  }

  /** The engine as last read (version and data root once known). */
  get engineInfo(): EngineInfo {
    return this.engine;
  }

  /** An event said this container changed: inspect it again on the next sample. */
  markDirty(id: string): void {
    this.dirty.add(id);
  }

  close(): void {
    this.closed = true;
    this.stopEvents();
  }

  /** dockerode, for the rarer calls (details, logs, actions), loaded on first use. */
  dockerode(): Promise<Docker> {
    this.client ??= loadDockerode(this.url);
    return this.client;
  }

  async details(id: string): Promise<ContainerDetails> {
    const c = (await this.dockerode()).getContainer(id);
    const info = await c.inspect();
    const health = (info.State as { Health?: { Log?: { Start: string; ExitCode: number; Output: string }[] } }).Health;
    let logLines: string[] = [];
    let error: string | undefined;
    try {
      const buf = (await c.logs({ stdout: true, stderr: true, tail: 20, follow: false })) as unknown as Buffer;
      logLines = demuxLogs(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf))).slice(-20);
    } catch (e) {
      error = `logs unavailable: ${(e as Error).message}`;
    }
    return {
      id,
      name: info.Name.replace(/^\//, ''),
      image: info.Config.Image,
      ports: Object.entries(info.NetworkSettings?.Ports ?? {}).map(([k, v]) =>
        v && v.length ? `${v.map((b) => `${b.HostIp || '0.0.0.0'}:${b.HostPort}`).join(', ')}->${k}` : k,
      ),
      labels: info.Config.Labels ?? {},
      healthLog: (health?.Log ?? []).map((h) => ({
        at: parseDockerTime(h.Start) ?? 0,
        exitCode: h.ExitCode,
        output: h.Output.trim(),
      })),
      logLines,
      error,
    };
  }

  private async listProject(signal: AbortSignal): Promise<ListedContainer[]> {
    const byLabel = await this.api.json<ListedContainer[]>(
      `/containers/json?all=1&filters=${filtersQuery({ label: [`${PROJECT_LABEL}=${this.opts.project}`] })}`,
      signal,
    );
    const names = (this.opts.expectedNames ?? []).filter((n) => !byLabel.some((c) => c.Names?.includes('/' + n)));
    if (names.length === 0) return byLabel;
    // Expected containers started outside compose (no project label) still get a row. The name
    // filter is a pattern match, so keep exact matches only.
    const byName = await this.api.json<ListedContainer[]>(
      `/containers/json?all=1&filters=${filtersQuery({ name: names.map((n) => `^/${n}$`) })}`,
      signal,
    );
    return [...byLabel, ...byName.filter((c) => names.some((n) => c.Names?.includes('/' + n)))];
  }

  private async readEngine(signal: AbortSignal): Promise<void> {
    try {
      const info = await this.api.json<{ ServerVersion?: string; DockerRootDir?: string }>('/info', signal);
      this.engine = { url: this.url, version: info.ServerVersion, rootDir: info.DockerRootDir };
    } catch {
      // Not fatal: the list worked, so the engine is there; try again next sample.
    }
  }

  private async refreshInspections(containers: ContainerInfo[], signal: AbortSignal): Promise<void> {
    // Bounded per sample: with hundreds of new containers the first samples stay quick and the
    // uptime and restart figures fill in over a few ticks.
    const todo = containers
      .filter((c) => {
        const prev = this.inspected.get(c.id);
        return !prev || prev.key !== inspectKey(c) || this.dirty.has(c.id);
      })
      .slice(0, MAX_INSPECT_PER_SAMPLE);
    await eachLimited(todo, 6, async (c) => {
      try {
        const info = await this.api.json<Docker.ContainerInspectInfo>(`/containers/${c.id}/json`, signal);
        this.inspected.set(c.id, {
          key: inspectKey(c),
          startedAt: parseDockerTime(info.State?.StartedAt),
          restartCount: info.RestartCount ?? 0,
          exitCode: info.State?.ExitCode,
        });
        this.dirty.delete(c.id);
      } catch {
        // Gone between list and inspect, or the engine hiccuped: keep what we knew.
      }
    });
    for (const c of containers) {
      const i = this.inspected.get(c.id);
      if (!i) continue;
      c.startedAt = i.startedAt;
      c.restartCount = i.restartCount;
      if (c.exitCode === undefined && (c.state === 'exited' || c.state === 'dead')) c.exitCode = i.exitCode;
    }
  }

  private forgetGone(containers: ContainerInfo[]): void {
    const ids = new Set(containers.map((c) => c.id));
    for (const id of this.inspected.keys()) if (!ids.has(id)) this.inspected.delete(id);
  }

  private startEvents(): void {
    if (this.closed || !this.opts.onEvent) return;
    const abort = new AbortController();
    const events = { abort, connected: false };
    this.events = events;
    // Only actions that change what a row shows: health checks also emit exec_* events every few
    // seconds per container, which would otherwise wake the source for nothing.
    const filters = { type: ['container'], event: STATE_EVENTS, label: [`${PROJECT_LABEL}=${this.opts.project}`] };
    const ended = () => {
      if (this.events?.abort === abort) this.events = undefined;
    };
    const onOpen = () => {
      events.connected = true;
    };
    this.api.stream(`/events?filters=${filtersQuery(filters)}`, abort.signal, (line) => this.handleEvent(line), onOpen).then(ended, (e: Error) => {
      ended();
      if (!abort.signal.aborted) this.opts.onStreamError?.(`Docker event stream lost: ${e.message}`);
    });
  }

  private handleEvent(line: string): void {
    if (!line.trim()) return;
    let e: { Action?: string; status?: string; id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; timeNano?: number };
    try {
      e = JSON.parse(line);
    } catch {
      return;
    }
    const id = e.Actor?.ID ?? e.id;
    if (!id) return;
    const action = (e.Action ?? e.status ?? '').split(':')[0]!.trim();
    this.dirty.add(id);
    // One list now (the nudge) and one on each of the next two ticks.
    this.followUps = 3;
    this.opts.onEvent?.({
      action,
      id,
      name: e.Actor?.Attributes?.name ?? id.slice(0, 12),
      at: e.timeNano ? Math.floor(e.timeNano / 1e6) : Date.now(),
    });
  }

  private stopEvents(): void {
    this.events?.abort.abort();
    this.events = undefined;
  }
}

function inspectKey(c: ContainerInfo): string {
  return `${c.state}|${c.health}`;
}

export async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
