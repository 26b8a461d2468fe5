import type { ActionKind, ActiveFault, RestorableState, Scenario, StepResult, TouchedContainer } from './types.js';

// The words and rules every actuator shares (Docker's and the simulated platform's): what an
// action is called, when a container already is where an action would take it, and which actions
// take it back to its state before a scenario.

/** A container's state as far as restoring it is concerned. */
export function restorableState(status: string): RestorableState {
  if (status === 'paused') return 'paused';
  if (status === 'running' || status === 'restarting') return 'running';
  return 'exited'; // created, exited, dead, removing
}

export const PAST: Record<ActionKind, string> = {
  pause: 'paused',
  unpause: 'unpaused',
  stop: 'stopped',
  start: 'started',
  kill: 'killed',
  restart: 'restarted',
};

export const GERUND: Record<ActionKind, string> = {
  pause: 'pausing',
  unpause: 'unpausing',
  stop: 'stopping',
  start: 'starting',
  kill: 'killing',
  restart: 'restarting',
};

export const ACTIONS = new Set<ActionKind>(['pause', 'unpause', 'stop', 'start', 'kill', 'restart']);

/** When the container already is where the action would take it: the words for it, else undefined. */
export function alreadyThere(action: ActionKind, status: string): string | undefined {
  const stopped = status === 'exited' || status === 'created' || status === 'dead';
  switch (action) {
    case 'pause':
      return status === 'paused' ? 'already paused' : undefined;
    case 'unpause':
    case 'start':
      return status === 'running' ? 'already running' : undefined;
    case 'stop':
    case 'kill':
      return stopped ? 'already stopped' : undefined;
    case 'restart':
      return undefined;
  }
}

/** The Docker calls that take a container from `status` back to `before`, in order. */
export function restorePlan(status: string, before: RestorableState): ActionKind[] {
  const now = restorableState(status);
  if (before === 'running') {
    if (now === 'paused') return ['unpause'];
    if (now === 'exited') return ['start'];
    return [];
  }
  if (before === 'paused') {
    if (now === 'exited') return ['start', 'pause'];
    if (now === 'running') return ['pause'];
    return [];
  }
  if (now === 'paused') return ['unpause', 'stop'];
  if (now === 'running') return ['stop'];
  return [];
}

/** The action a restore to `before` amounts to, for the StepResult when nothing had to be done. */
export const NOMINAL: Record<RestorableState, ActionKind> = { running: 'start', paused: 'pause', exited: 'stop' };

export function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The record of one firing of a scenario. */
export function faultOf(scenario: Scenario, now: number, touched: TouchedContainer[], project: string): ActiveFault {
  return {
    id: `${scenario.name}@${now}`,
    scenario: scenario.name,
    startedAt: now,
    ...(scenario.autoRestoreAfterMs !== undefined ? { autoRestoreAt: now + scenario.autoRestoreAfterMs } : {}),
    touched,
    project,
  };
}

/** One refused result per touched container, newest first (the order a restore goes in). */
export function refuseAll(fault: ActiveFault, text: (t: TouchedContainer) => string): StepResult[] {
  return [...fault.touched].reverse().map((t) => ({ step: { action: NOMINAL[t.before], service: t.service }, ok: false, text: text(t) }));
}
