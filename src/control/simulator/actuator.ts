import type { ServiceSpec } from '../../config/types.js';
import { safetyRefusal } from '../actuator.js';
import { ACTIONS, alreadyThere, GERUND, joinWords, NOMINAL, PAST, restorableState, restorePlan, faultOf, refuseAll } from '../action-words.js';
import type { ActionKind, ActiveFault, Actuator, RestorableState, Scenario, Step, StepResult, TouchedContainer } from '../types.js';
import type { SimContainer } from './containers.js';
import type { SimWorld } from './world.js';

// The actuator of the simulated platform: the same rules and the same words as DockerActuator
// (src/control/actuator.ts): read-only refuses everything, a step names a configured service, the
// target's state before its first action is recorded, an action that is already done says so, and
// restore() runs the scenario's own restore steps, then takes every touched container back to its
// state before, checking the result. Only the engine differs: actions change the simulated world,
// at the clock's time. Nothing can be left for a person to undo: the world ends with the process.

export interface SimulatedActuatorOptions {
  world: SimWorld;
  /** Virtual time now: the world is advanced to it before each action. */
  clock: () => number;
  project: string;
  services: ReadonlyArray<Pick<ServiceSpec, 'name' | 'container'>>;
  readOnly: boolean;
  /** The known scenarios, for the restore steps of a fault this instance did not fire. */
  scenarios?: readonly Scenario[] | (() => readonly Scenario[]);
}

const PROJECT_LABEL = 'com.docker.compose.project';
const DEFAULT_SIGNAL = 'SIGKILL';
const DEFAULT_STOP_TIMEOUT_S = 10;
export class SimulatedActuator implements Actuator {
  private readonly containerOf = new Map<string, string>();
  private readonly configContainers: ReadonlySet<string>;
  private readonly fired = new Map<string, Scenario>();

  constructor(private readonly opts: SimulatedActuatorOptions) {
    for (const s of opts.services) this.containerOf.set(s.name, s.container);
    this.configContainers = new Set(opts.services.map((s) => s.container));
  }

  async fire(scenario: Scenario, now: number = this.opts.clock()): Promise<{ fault: ActiveFault; results: StepResult[] }> {
    const touched: TouchedContainer[] = [];
    const results = scenario.steps.map((step) => this.runStep(step, touched));
    const fault = faultOf(scenario, now, touched, this.opts.project);
    this.fired.set(fault.id, scenario);
    return { fault, results };
  }

  async restore(fault: ActiveFault): Promise<StepResult[]> {
    const containers = [...fault.touched].reverse();
    const refuse = (text: (t: TouchedContainer) => string): StepResult[] => refuseAll(fault, text);
    if (this.opts.readOnly) return refuse((t) => `read-only: not restoring ${t.name} (k2mc was started read-only); nothing to do by hand on the simulated platform`);
    if (fault.project !== this.opts.project) {
      return refuse((t) => `refused: fault ${fault.id} belongs to compose project ${JSON.stringify(fault.project)}, not ${JSON.stringify(this.opts.project)}; ${t.name} left alone`);
    }
    const results: StepResult[] = [];
    const scenario = this.scenarioOf(fault);
    if (scenario?.restore?.length) for (const step of scenario.restore) results.push(this.runStep(step, undefined));
    for (const t of containers) results.push(this.restoreOne(t));
    return results;
  }

  /** Nothing to run by hand: the simulated platform exists only inside this process. */
  manualRestore(fault: ActiveFault): string[] {
    if (fault.touched.length === 0) return [];
    return [`# ${fault.scenario}: simulated platform, nothing to restore by hand (${fault.touched.map((t) => t.name).join(', ')})`];
  }

  private world(): SimWorld {
    this.opts.world.advance(this.opts.clock());
    return this.opts.world;
  }

  private runStep(step: Step, touched: TouchedContainer[] | undefined): StepResult {
    const fail = (text: string): StepResult => ({ step, ok: false, text });
    if (!ACTIONS.has(step.action)) return fail(`refused: unknown action ${JSON.stringify(step.action)} for ${step.service}`);
    const name = this.containerOf.get(step.service);
    if (this.opts.readOnly) return fail(`read-only: not ${GERUND[step.action]} ${name ?? step.service} (k2mc was started read-only)`);
    if (name === undefined) return fail(`refused: no service ${JSON.stringify(step.service)} in the config`);
    const world = this.world();
    const target = world.containers.find((c) => c.name === name);
    if (!target) return fail(`${name}: no such container (service ${step.service})`);
    const refusal = safetyRefusal({ name: target.name, labels: this.labelsOf() }, this.opts.project, this.configContainers);
    if (refusal) return fail(refusal);

    const already = alreadyThere(step.action, target.state);
    if (already) return { step, ok: true, text: `${target.name} ${already}` };
    if (touched && !touched.some((t) => t.id === target.id)) {
      touched.push({ id: target.id, name: target.name, service: step.service, before: restorableState(target.state) });
    }
    const error = world.act(target, step.action, { signal: step.signal ?? DEFAULT_SIGNAL });
    if (error) return fail(`${target.name}: Docker said ${error.status}: ${error.message}`);
    const signal = step.action === 'kill' ? ` (${step.signal ?? DEFAULT_SIGNAL})` : '';
    return { step, ok: true, text: `${target.name} ${PAST[step.action]}${signal}` };
  }

  private restoreOne(t: TouchedContainer): StepResult {
    const nominal: Step = { action: NOMINAL[t.before], service: t.service };
    const world = this.world();
    const target: SimContainer | undefined = world.container(t.id) ?? world.containers.find((c) => c.name === t.name);
    if (!target) return { step: nominal, ok: false, text: `${t.name}: no such container any more; nothing to restore` };
    const done: string[] = [];
    let last = nominal;
    for (const action of restorePlan(target.state, t.before)) {
      last = { action, service: t.service, ...(action === 'stop' ? { timeoutS: DEFAULT_STOP_TIMEOUT_S } : {}) };
      const error = world.act(target, action);
      if (error) {
        const soFar = done.length ? ` (after it was ${joinWords(done)})` : '';
        return { step: last, ok: false, text: `${target.name}: Docker said ${error.status}: ${error.message}${soFar}; not back to ${t.before}` };
      }
      done.push(PAST[action]);
    }
    if (restorableState(target.state) !== t.before) return { step: last, ok: false, text: `${target.name} is ${target.state}, not ${t.before}, after restoring` };
    if (done.length === 0) return { step: last, ok: true, text: `${target.name} already ${t.before}` };
    return { step: last, ok: true, text: `${target.name} ${joinWords(done)} (back to ${t.before})` };
  }

  private labelsOf(): Record<string, string> {
    return { [PROJECT_LABEL]: this.opts.world.config.project };
  }

  private scenarioOf(fault: ActiveFault): Scenario | undefined {
    const fired = this.fired.get(fault.id);
    if (fired) return fired;
    const known = typeof this.opts.scenarios === 'function' ? this.opts.scenarios() : (this.opts.scenarios ?? []);
    return known.find((s) => s.name === fault.scenario);
  }
}
