import http from 'node:http';
import https from 'node:https';
import type { ServiceSpec } from '../config/types.js';
import { DockerApi, DockerHttpError, filtersQuery } from '../sources/docker/api.js';
import { describeDockerError, dockerOptions } from '../sources/docker/client.js';
import { ACTIONS, alreadyThere, GERUND, joinWords, NOMINAL, PAST, restorableState, restorePlan, faultOf, refuseAll } from './action-words.js';
export { restorableState } from './action-words.js';
import type { ActionKind, ActiveFault, Actuator, RestorableState, Scenario, Step, StepResult, TouchedContainer } from './types.js';

// The one way k2mc changes the platform. Every action goes through the same gate: the target is
// the container the config names for the step's service, found by its exact name and inspected,
// and it must belong to the configured compose project (or carry no project label at all and be
// named in the config). Calls then address the container by id, so a rename between the check and
// the call cannot redirect them. Read-only refuses everything before any request is made.

export interface DockerActuatorOptions {
  api: DockerApi;
  /** The compose project (label com.docker.compose.project) k2mc may touch. */
  project: string;
  services: ReadonlyArray<Pick<ServiceSpec, 'name' | 'container'>>;
  readOnly: boolean;
  /**
   * The scenarios known to this run, so that restore() can find a scenario's explicit `restore`
   * steps for a fault loaded from the journal (an ActiveFault names its scenario but does not
   * carry the steps). Faults fired by this instance are remembered without it.
   */
  scenarios?: readonly Scenario[] | (() => readonly Scenario[]);
}

/** The part of GET /containers/{id}/json the actuator reads. */
interface Inspect {
  Id: string;
  Name: string;
  State?: { Status?: string; StartedAt?: string };
  Config?: { Labels?: Record<string, string> | null };
}

interface Target {
  id: string;
  name: string;
  /** Docker's raw status: created, running, paused, restarting, removing, exited, dead. */
  status: string;
}

const PROJECT_LABEL = 'com.docker.compose.project';
const DEFAULT_STOP_TIMEOUT_S = 10;
const DEFAULT_SIGNAL = 'SIGKILL';
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The safety rule, as a pure function: undefined when k2mc may act on the container, else the
 * refusal in words. A container of the configured project is allowed; one without a compose
 * project label only when its exact name is a container named in the config; any other project
 * label (an empty one included) is refused, whatever the name.
 */
export function safetyRefusal(
  target: { name: string; labels?: Record<string, string> | null },
  project: string,
  configContainers: ReadonlySet<string>,
): string | undefined {
  const labels = target.labels ?? {};
  if (Object.prototype.hasOwnProperty.call(labels, PROJECT_LABEL)) {
    const owner = labels[PROJECT_LABEL];
    if (owner === project) return undefined;
    return `refused: ${target.name} belongs to compose project ${JSON.stringify(owner)}, not ${JSON.stringify(project)}`;
  }
  if (configContainers.has(target.name)) return undefined;
  return `refused: ${target.name} has no compose project label and is not a container named in the config (project ${JSON.stringify(project)})`;
}

function describeError(url: string, name: string, error: unknown): string {
  if (error instanceof DockerHttpError) return `${name}: Docker said ${error.statusCode}: ${error.message}`;
  return `${name}: ${describeDockerError(url, error)}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}


export class DockerActuator implements Actuator {
  private readonly api: DockerApi;
  private readonly project: string;
  private readonly readOnly: boolean;
  private readonly containerOf = new Map<string, string>();
  private readonly configContainers: ReadonlySet<string>;
  private readonly scenarios: DockerActuatorOptions['scenarios'];
  /** Scenarios fired by this instance, by fault id (for their explicit restore steps). */
  private readonly fired = new Map<string, Scenario>();
  /** The last status seen of each container (by name), for manualRestore. */
  private readonly lastSeen = new Map<string, string>();
  private readonly base: http.RequestOptions;
  private readonly transport: typeof http | typeof https;

  constructor(opts: DockerActuatorOptions) {
    this.api = opts.api;
    this.project = opts.project;
    this.readOnly = opts.readOnly;
    this.scenarios = opts.scenarios;
    for (const s of opts.services) this.containerOf.set(s.name, s.container);
    this.configContainers = new Set(opts.services.map((s) => s.container));
    // DockerApi has only GET helpers; POSTs go to the same endpoint with the same options.
    const o = dockerOptions(opts.api.url) as { socketPath?: string; host?: string; port?: number; protocol?: string; agent?: http.Agent };
    this.transport = o.protocol === 'https' ? https : http;
    this.base = o.socketPath ? { socketPath: o.socketPath, agent: o.agent } : { host: o.host, port: o.port, agent: o.agent };
  }

  async fire(scenario: Scenario, now: number = Date.now()): Promise<{ fault: ActiveFault; results: StepResult[] }> {
    const touched: TouchedContainer[] = [];
    const results: StepResult[] = [];
    for (const step of scenario.steps) results.push(await this.runStep(step, touched));
    const fault = faultOf(scenario, now, touched, this.project);
    this.fired.set(fault.id, scenario);
    return { fault, results };
  }

  async restore(fault: ActiveFault): Promise<StepResult[]> {
    const containers = [...fault.touched].reverse();
    const refuse = (text: (t: TouchedContainer) => string): StepResult[] => refuseAll(fault, text);
    if (this.readOnly) {
      return refuse((t) => `read-only: not restoring ${t.name} (k2mc was started read-only); by hand: ${this.commandsFor(t).join('; ') || 'nothing to do'}`);
    }
    if (fault.project !== this.project) {
      return refuse((t) => `refused: fault ${fault.id} belongs to compose project ${JSON.stringify(fault.project)}, not ${JSON.stringify(this.project)}; ${t.name} left alone`);
    }
    const results: StepResult[] = [];
    const scenario = this.scenarioOf(fault);
    if (scenario?.restore?.length) {
      // The scenario's own way back first; the before states are still ensured afterwards.
      for (const step of scenario.restore) results.push(await this.runStep(step, undefined));
    }
    for (const t of containers) results.push(await this.restoreOne(t));
    return results;
  }

  manualRestore(fault: ActiveFault): string[] {
    return [...fault.touched].reverse().flatMap((t) => this.commandsFor(t));
  }

  // --- steps ---------------------------------------------------------------------------------

  /** One step, checked and carried out; records the container's state in `touched` before its first call. */
  private async runStep(step: Step, touched: TouchedContainer[] | undefined): Promise<StepResult> {
    const fail = (text: string): StepResult => ({ step, ok: false, text });
    if (!ACTIONS.has(step.action)) return fail(`refused: unknown action ${JSON.stringify(step.action)} for ${step.service}`);
    const container = this.containerOf.get(step.service);
    if (this.readOnly) {
      return fail(`read-only: not ${GERUND[step.action]} ${container ?? step.service} (k2mc was started read-only)`);
    }
    if (container === undefined) return fail(`refused: no service ${JSON.stringify(step.service)} in the config`);

    let target: Target;
    try {
      const found = await this.findByName(container);
      if (!found) return fail(`${container}: no such container (service ${step.service})`);
      const refusal = safetyRefusal({ name: found.Name.replace(/^\//, ''), labels: found.Config?.Labels }, this.project, this.configContainers);
      if (refusal) return fail(refusal);
      target = this.targetOf(found);
    } catch (e) {
      return fail(describeError(this.api.url, container, e));
    }

    const already = alreadyThere(step.action, target.status);
    if (already) return { step, ok: true, text: `${target.name} ${already}` };

    if (touched && !touched.some((t) => t.id === target.id)) {
      touched.push({ id: target.id, name: target.name, service: step.service, before: restorableState(target.status) });
    }
    try {
      await this.act(target, step);
    } catch (e) {
      this.lastSeen.delete(target.name); // unknown now
      return fail(describeError(this.api.url, target.name, e));
    }
    const signal = step.action === 'kill' ? ` (${step.signal ?? DEFAULT_SIGNAL})` : '';
    return { step, ok: true, text: `${target.name} ${PAST[step.action]}${signal}` };
  }

  /** Brings one touched container back to its state before the fault. */
  private async restoreOne(t: TouchedContainer): Promise<StepResult> {
    const nominal: Step = { action: NOMINAL[t.before], service: t.service };
    let target: Target;
    let recreated = false;
    try {
      let found = await this.inspect(t.id);
      if (!found) {
        // Gone by id: compose may have recreated it under the same name.
        found = await this.findByName(t.name);
        recreated = found !== undefined;
      }
      if (!found) return { step: nominal, ok: false, text: `${t.name}: no such container any more; nothing to restore` };
      const refusal = safetyRefusal({ name: found.Name.replace(/^\//, ''), labels: found.Config?.Labels }, this.project, this.configContainers);
      if (refusal) return { step: nominal, ok: false, text: refusal };
      target = this.targetOf(found);
    } catch (e) {
      return { step: nominal, ok: false, text: describeError(this.api.url, t.name, e) };
    }

    const plan = restorePlan(target.status, t.before);
    const done: string[] = [];
    let last: Step = nominal;
    for (const action of plan) {
      last = { action, service: t.service, ...(action === 'stop' ? { timeoutS: DEFAULT_STOP_TIMEOUT_S } : {}) };
      try {
        await this.act(target, last);
      } catch (e) {
        this.lastSeen.delete(target.name);
        const soFar = done.length ? ` (after it was ${joinWords(done)})` : '';
        return { step: last, ok: false, text: `${describeError(this.api.url, target.name, e)}${soFar}; not back to ${t.before}` };
      }
      done.push(PAST[action]);
    }

    // Check what Docker now says rather than trusting the calls.
    let now: string;
    try {
      const after = await this.inspect(target.id);
      now = after ? this.targetOf(after).status : 'removed';
    } catch (e) {
      return { step: last, ok: false, text: describeError(this.api.url, target.name, e) };
    }
    const note = recreated ? ' (recreated since the fault)' : '';
    if (now === 'removed' || restorableState(now) !== t.before) {
      return { step: last, ok: false, text: `${target.name}${note} is ${now}, not ${t.before}, after restoring` };
    }
    if (done.length === 0) return { step: last, ok: true, text: `${target.name}${note} already ${t.before}` };
    return { step: last, ok: true, text: `${target.name}${note} ${joinWords(done)} (back to ${t.before})` };
  }

  private scenarioOf(fault: ActiveFault): Scenario | undefined {
    const fired = this.fired.get(fault.id);
    if (fired) return fired;
    const known = typeof this.scenarios === 'function' ? this.scenarios() : (this.scenarios ?? []);
    return known.find((s) => s.name === fault.scenario);
  }

  /** The commands that take `t` back to its state before, from the last state seen. */
  private commandsFor(t: TouchedContainer): string[] {
    const seen = this.lastSeen.get(t.name);
    if (seen !== undefined) {
      return restorePlan(seen, t.before).map((a) => `docker ${a} ${t.name}`);
    }
    // State unknown: commands that work from any state.
    switch (t.before) {
      case 'running':
        return [`docker unpause ${t.name} || docker start ${t.name}`];
      case 'paused':
        return [`docker unpause ${t.name} || docker start ${t.name}`, `docker pause ${t.name}`];
      case 'exited':
        return [`docker stop ${t.name}`];
    }
  }

  // --- Docker ----------------------------------------------------------------------------------

  private targetOf(c: Inspect): Target {
    const target = { id: c.Id, name: c.Name.replace(/^\//, ''), status: c.State?.Status ?? 'unknown' };
    this.lastSeen.set(target.name, target.status);
    return target;
  }

  /** The container with exactly this name, inspected; undefined when there is none. */
  private async findByName(name: string): Promise<Inspect | undefined> {
    const filters = filtersQuery({ name: [`^/${escapeRegex(name)}$`] });
    const list = await this.api.json<Array<{ Id: string; Names?: string[] }>>(`/containers/json?all=1&filters=${filters}`, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    const match = list.find((c) => (c.Names ?? []).includes(`/${name}`));
    return match ? this.inspect(match.Id) : undefined;
  }

  private async inspect(id: string): Promise<Inspect | undefined> {
    try {
      return await this.api.json<Inspect>(`/containers/${encodeURIComponent(id)}/json`, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    } catch (e) {
      if (e instanceof DockerHttpError && e.statusCode === 404) return undefined;
      throw e;
    }
  }

  private async act(target: Target, step: Step): Promise<void> {
    const id = encodeURIComponent(target.id);
    const wait = Math.max(0, Math.round(step.timeoutS ?? DEFAULT_STOP_TIMEOUT_S));
    switch (step.action) {
      case 'pause':
      case 'unpause':
      case 'start':
        await this.post(`/containers/${id}/${step.action}`, REQUEST_TIMEOUT_MS);
        break;
      case 'stop':
      case 'restart':
        await this.post(`/containers/${id}/${step.action}?t=${wait}`, REQUEST_TIMEOUT_MS + wait * 1000);
        break;
      case 'kill':
        await this.post(`/containers/${id}/kill?signal=${encodeURIComponent(step.signal ?? DEFAULT_SIGNAL)}`, REQUEST_TIMEOUT_MS);
        break;
    }
    const after: Record<ActionKind, string> = { pause: 'paused', unpause: 'running', stop: 'exited', start: 'running', kill: 'exited', restart: 'running' };
    this.lastSeen.set(target.name, after[step.action]);
  }

  /** POST without a body; 2xx and 304 (already so) succeed, anything else is a DockerHttpError. */
  private post(path: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        { ...this.base, path, method: 'POST', signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json', 'content-length': 0 } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if ((status >= 200 && status < 300) || status === 304) return resolve();
            const body = Buffer.concat(chunks).toString('utf8');
            let message = body.slice(0, 300).trim();
            try {
              message = (JSON.parse(body) as { message?: string }).message ?? message;
            } catch {
              // not JSON: keep the text
            }
            reject(new DockerHttpError(status, message || `HTTP ${status}`));
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
}
