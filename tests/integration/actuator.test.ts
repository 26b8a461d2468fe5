import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerActuator, safetyRefusal } from '../../src/control/actuator.js';
import { FaultJournal, journalPath } from '../../src/control/journal.js';
import type { ActionKind, ActiveFault, RestorableState, Scenario, Step } from '../../src/control/types.js';
import { DockerApi } from '../../src/sources/docker/api.js';
import { createContainer, docker, removeRun, requireEngine, uniqueProject } from './docker-helpers.js';

// The actuator against a real engine: every action really changes the container, restore really
// puts it back, and nothing outside the configured compose project is ever touched.

const project = uniqueProject('k2act');
/** The second project: decoys named like ours (names the config lists) but labelled for another project. */
const other = uniqueProject('k2actx');
const run = project;
const CMD = ['sh', '-c', 'trap "exit 0" TERM INT; sleep 2147483647 & wait'];
const SERVICES = ['pause', 'unpause', 'stop', 'start', 'kill', 'restart', 'stopped', 'idle', 'decoy'];
const nameOf = (service: string) => `${project}-${service}`;
const services = SERVICES.map((s) => ({ name: s, container: nameOf(s) }));
const api = new DockerApi('unix:///var/run/docker.sock');
const actuator = () => new DockerActuator({ api, project, services, readOnly: false });

async function removeProject(p: string): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: ['k2mc.test=1', `com.docker.compose.project=${p}`] } });
  await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}

async function cleanUp(): Promise<void> {
  await Promise.all([removeProject(project), removeProject(other), removeRun(run)]);
}

async function inspect(name: string) {
  const i = await docker.getContainer(name).inspect();
  return { id: i.Id, status: i.State.Status, startedAt: i.State.StartedAt, exitCode: i.State.ExitCode };
}

/** Puts a container in the given state with dockerode (not the actuator). */
async function setState(name: string, state: RestorableState): Promise<void> {
  const c = docker.getContainer(name);
  let s = (await inspect(name)).status;
  if (state === 'exited') {
    if (s !== 'exited' && s !== 'created') await c.stop({ t: 1 });
    return;
  }
  if (s === 'exited' || s === 'created') {
    await c.start();
    s = 'running';
  }
  if (state === 'paused' && s !== 'paused') await c.pause();
  if (state === 'running' && s === 'paused') await c.unpause();
}

const scenario = (name: string, steps: Step[], extra: Partial<Scenario> = {}): Scenario => ({ name, key: 'x', description: name, steps, ...extra });

beforeAll(async () => {
  await requireEngine();
  await cleanUp();
  await Promise.all([
    ...SERVICES.filter((s) => s !== 'decoy').map((s) => createContainer({ run, name: nameOf(s), project, service: s, cmd: CMD })),
    // A name the config lists, but another project's container.
    createContainer({ run, name: nameOf('decoy'), project: other, service: 'decoy', cmd: CMD }),
    // A name that an unanchored name filter for "<project>-pause" would also match.
    createContainer({ run, name: `${nameOf('pause')}-decoy`, project: other, service: 'pause', cmd: CMD }),
  ]);
}, 60_000);

afterAll(async () => {
  await cleanUp();
});

describe('DockerActuator: every action on a real container, and restore', () => {
  const cases: Array<{ action: ActionKind; from: RestorableState; to: string; text: string }> = [
    { action: 'pause', from: 'running', to: 'paused', text: 'paused' },
    { action: 'unpause', from: 'paused', to: 'running', text: 'unpaused' },
    { action: 'stop', from: 'running', to: 'exited', text: 'stopped' },
    { action: 'start', from: 'exited', to: 'running', text: 'started' },
    { action: 'kill', from: 'running', to: 'exited', text: 'killed (SIGKILL)' },
    { action: 'restart', from: 'running', to: 'running', text: 'restarted' },
  ];

  for (const { action, from, to, text } of cases) {
    it(`${action}: ${from} → ${to}, and restore brings it back to ${from}`, async () => {
      const name = nameOf(action);
      await setState(name, from);
      const before = await inspect(name);
      expect(before.status).toBe(from);
      const a = actuator();

      const { fault, results } = await a.fire(scenario(`s-${action}`, [{ action, service: action, timeoutS: 2 }], { autoRestoreAfterMs: 30_000 }), 1_000);
      expect(results).toEqual([{ step: { action, service: action, timeoutS: 2 }, ok: true, text: `${name} ${text}` }]);
      expect(fault).toEqual({
        id: `s-${action}@1000`,
        scenario: `s-${action}`,
        startedAt: 1_000,
        autoRestoreAt: 31_000,
        touched: [{ id: before.id, name, service: action, before: from }],
        project,
      });

      const during = await inspect(name);
      expect(during.status).toBe(to);
      if (action === 'kill') expect(during.exitCode).toBe(137);
      if (action === 'restart') expect(during.startedAt).not.toBe(before.startedAt);
      expect(a.manualRestore(fault)).toEqual(
        { pause: [`docker unpause ${name}`], unpause: [`docker pause ${name}`], stop: [`docker start ${name}`], start: [`docker stop ${name}`], kill: [`docker start ${name}`], restart: [] }[action],
      );

      const restored = await a.restore(fault);
      expect(restored).toHaveLength(1);
      expect(restored[0]!.ok, restored[0]!.text).toBe(true);
      expect(restored[0]!.text).toMatch(action === 'restart' ? `${name} already running` : new RegExp(`^${name} .*\\(back to ${from}\\)$`));
      expect((await inspect(name)).status).toBe(from);
      expect(a.manualRestore(fault)).toEqual([]);
    });
  }

  it('kill with a signal names it; a fault from the journal is restored by a new actuator', async () => {
    const name = nameOf('kill');
    await setState(name, 'running');
    const { fault, results } = await actuator().fire(scenario('sigterm', [{ action: 'kill', service: 'kill', signal: 'SIGTERM' }]));
    expect(results[0]).toMatchObject({ ok: true, text: `${name} killed (SIGTERM)` });
    await expect.poll(async () => (await inspect(name)).status).toBe('exited');

    const dir = mkdtempSync(join(tmpdir(), 'k2mc-journal-'));
    try {
      new FaultJournal(project, join(dir, 'j.json')).save([fault]);
      const loaded = new FaultJournal(project, join(dir, 'j.json')).load();
      expect(loaded).toEqual([fault]);
      const fresh = actuator();
      // State unknown to a new instance: commands that work from any state.
      expect(fresh.manualRestore(loaded[0]!)).toEqual([`docker unpause ${name} || docker start ${name}`]);
      const restored = await fresh.restore(loaded[0]!);
      expect(restored).toMatchObject([{ ok: true, text: `${name} started (back to running)` }]);
      expect((await inspect(name)).status).toBe('running');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an already-stopped container stays stopped after a scenario that starts it and a restore (even one that starts it)', async () => {
    const name = nameOf('stopped');
    await setState(name, 'exited');
    const a = actuator();
    const s = scenario('start-it', [{ action: 'stop', service: 'stopped' }, { action: 'start', service: 'stopped' }], {
      restore: [{ action: 'start', service: 'stopped' }],
    });
    const { fault, results } = await a.fire(s);
    // Already stopped: counts as done, no call, not recorded; the start records "exited".
    expect(results.map((r) => [r.ok, r.text])).toEqual([
      [true, `${name} already stopped`],
      [true, `${name} started`],
    ]);
    expect(fault.touched).toMatchObject([{ name, before: 'exited' }]);
    expect((await inspect(name)).status).toBe('running');

    const restored = await a.restore(fault);
    // The scenario's own restore step first, then the before state ensured.
    expect(restored.map((r) => [r.ok, r.text])).toEqual([
      [true, `${name} already running`],
      [true, `${name} stopped (back to exited)`],
    ]);
    expect((await inspect(name)).status).toBe('exited');

    // Same through a new instance that knows the scenario only from the list.
    const again = await a.fire(s);
    const fresh = new DockerActuator({ api, project, services, readOnly: false, scenarios: [s] });
    expect((await fresh.restore(again.fault)).every((r) => r.ok)).toBe(true);
    expect((await inspect(name)).status).toBe('exited');
  });

  it('a step on a container already in the target state is done without a call; Docker errors are worded', async () => {
    const name = nameOf('idle');
    await setState(name, 'paused');
    const a = actuator();
    const paused = await a.fire(scenario('pause-again', [{ action: 'pause', service: 'idle' }]));
    expect(paused.results).toMatchObject([{ ok: true, text: `${name} already paused` }]);
    expect(paused.fault.touched).toEqual([]);
    expect((await inspect(name)).status).toBe('paused');

    await setState(name, 'exited');
    const failed = await a.fire(scenario('pause-stopped', [{ action: 'pause', service: 'idle' }, { action: 'restart', service: 'nope' }]));
    expect(failed.results[0]!.ok).toBe(false);
    expect(failed.results[0]!.text).toMatch(new RegExp(`^${name}: Docker said 409: Container [0-9a-f]+ is not running$`));
    expect(failed.results[1]).toMatchObject({ ok: false, text: 'refused: no service "nope" in the config' });
    expect((await inspect(name)).status).toBe('exited');
    const restored = await a.restore(failed.fault);
    expect(restored).toMatchObject([{ ok: true, text: `${name} already exited` }]);
    await setState(name, 'running');
  });
});

describe('DockerActuator safety', () => {
  it('never touches a container of another project, even with a name the config lists', async () => {
    const name = nameOf('decoy');
    const before = await inspect(name);
    expect(before.status).toBe('running');
    const a = actuator();
    const refusal = `refused: ${name} belongs to compose project "${other}", not "${project}"`;
    const actions: ActionKind[] = ['pause', 'unpause', 'stop', 'start', 'kill', 'restart'];
    const { fault, results } = await a.fire(scenario('decoy', actions.map((action) => ({ action, service: 'decoy', timeoutS: 1 }))));
    expect(results.map((r) => [r.ok, r.text])).toEqual(actions.map(() => [false, refusal]));
    expect(fault.touched).toEqual([]);

    // A forged fault naming the decoy (as a tampered journal could): restore refuses too.
    for (const b of ['exited', 'paused'] as const) {
      const forged: ActiveFault = { id: 'forged@1', scenario: 'forged', startedAt: 1, project, touched: [{ id: before.id, name, service: 'decoy', before: b }] };
      expect(await a.restore(forged)).toMatchObject([{ ok: false, text: refusal }]);
    }
    const after = await inspect(name);
    expect(after.status).toBe('running');
    expect(after.startedAt).toBe(before.startedAt);
    // The look-alike "<project>-pause-decoy" was never matched by the pause tests.
    const lookalike = await inspect(`${nameOf('pause')}-decoy`);
    expect(lookalike.status).toBe('running');
  });

  it('refuses to restore a fault of another project', async () => {
    const name = nameOf('idle');
    await setState(name, 'running');
    const before = await inspect(name);
    const forged: ActiveFault = { id: 'x@1', scenario: 'x', startedAt: 1, project: other, touched: [{ id: before.id, name, service: 'idle', before: 'exited' }] };
    const results = await actuator().restore(forged);
    expect(results).toHaveLength(1);
    expect(results[0]!.ok).toBe(false);
    expect(results[0]!.text).toContain(`belongs to compose project "${other}", not "${project}"`);
    expect(await inspect(name)).toEqual(before);
  });

  it('read-only refuses every fire and restore', async () => {
    const name = nameOf('idle');
    await setState(name, 'running');
    const before = await inspect(name);
    const ro = new DockerActuator({ api, project, services, readOnly: true });
    const { fault, results } = await ro.fire(scenario('ro', [{ action: 'stop', service: 'idle' }, { action: 'pause', service: 'idle' }]));
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    expect(results[0]!.text).toBe(`read-only: not stopping ${name} (k2mc was started read-only)`);
    expect(results[1]!.text).toMatch(/^read-only: /);
    expect(fault.touched).toEqual([]);
    const forged: ActiveFault = { ...fault, touched: [{ id: before.id, name, service: 'idle', before: 'exited' }] };
    const restored = await ro.restore(forged);
    expect(restored).toHaveLength(1);
    expect(restored[0]!.ok).toBe(false);
    expect(restored[0]!.text).toMatch(/^read-only: /);
    expect(await inspect(name)).toEqual(before);
  });

  it('the rule itself: own project, or no project label and named in the config', () => {
    const config = new Set(['k2-kafka']);
    const labels = (p?: string): Record<string, string> => (p === undefined ? {} : { 'com.docker.compose.project': p });
    expect(safetyRefusal({ name: 'k2-kafka', labels: labels('k2') }, 'k2', config)).toBeUndefined();
    expect(safetyRefusal({ name: 'k2-anything', labels: labels('k2') }, 'k2', config)).toBeUndefined();
    expect(safetyRefusal({ name: 'k2-kafka', labels: labels() }, 'k2', config)).toBeUndefined();
    expect(safetyRefusal({ name: 'k2-kafka', labels: null }, 'k2', config)).toBeUndefined();
    expect(safetyRefusal({ name: 'k2-other', labels: labels() }, 'k2', config)).toMatch(/^refused: k2-other has no compose project label/);
    expect(safetyRefusal({ name: 'k2-kafka', labels: labels('other') }, 'k2', config)).toBe('refused: k2-kafka belongs to compose project "other", not "k2"');
    expect(safetyRefusal({ name: 'k2-kafka', labels: labels('') }, 'k2', config)).toMatch(/^refused: /);
  });
});

describe('FaultJournal', () => {
  let dir: string;
  const fault = (id: string, p = project): ActiveFault => ({
    id,
    scenario: id.split('@')[0]!,
    startedAt: Number(id.split('@')[1]),
    autoRestoreAt: Number(id.split('@')[1]) + 5_000,
    touched: [{ id: 'abc', name: `${p}-kafka`, service: 'kafka', before: 'running' }],
    project: p,
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'k2mc-journal-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round trip; an empty list removes the file; a missing file is no problem', () => {
    const path = join(dir, 'round', 'faults.json');
    const j = new FaultJournal(project, path);
    expect(j.load()).toEqual([]);
    expect(j.problem).toBeUndefined();
    const faults = [fault('a@1'), { ...fault('b@2'), autoRestoreAt: undefined }];
    expect(j.save(faults)).toBeUndefined();
    expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(1);
    expect(new FaultJournal(project, path).load()).toEqual([fault('a@1'), { ...fault('b@2'), autoRestoreAt: undefined }].map((f) => JSON.parse(JSON.stringify(f))));
    j.save([]);
    expect(readdirSync(join(dir, 'round'))).toEqual([]);
    expect(j.load()).toEqual([]);
    expect(j.problem).toBeUndefined();
  });

  it('a corrupt file gives [] and a problem, never an exception', () => {
    const path = join(dir, 'corrupt.json');
    const j = new FaultJournal(project, path);
    writeFileSync(path, '{"version":1,"faults":[{"id":');
    expect(j.load()).toEqual([]);
    expect(j.problem).toMatch(/corrupt\.json is corrupt \(not JSON/);
    writeFileSync(path, '{"version":1,"faults":3}');
    expect(j.load()).toEqual([]);
    expect(j.problem).toMatch(/no "faults" list/);
    writeFileSync(path, JSON.stringify({ version: 1, faults: [fault('ok@1'), { id: 'bad' }, null] }));
    expect(j.load()).toEqual([fault('ok@1')]);
    expect(j.problem).toMatch(/2 of 3 entries are not faults/);
    // Saving over a corrupt file replaces it.
    writeFileSync(path, 'garbage');
    expect(j.save([fault('new@5')])).toBeUndefined();
    expect(j.load()).toEqual([fault('new@5')]);
    expect(j.problem).toBeUndefined();
  });

  it("another project's faults are never returned, and saving keeps them", () => {
    const path = join(dir, 'shared.json');
    writeFileSync(path, JSON.stringify({ version: 1, faults: [fault('mine@1'), fault('theirs@2', other)] }));
    const j = new FaultJournal(project, path);
    expect(j.load()).toEqual([fault('mine@1')]);
    j.save([fault('mine@3'), fault('smuggled@4', other)]);
    expect(j.load()).toEqual([fault('mine@3')]);
    expect(new FaultJournal(other, path).load()).toEqual([fault('theirs@2', other)]);
    j.save([]);
    expect(new FaultJournal(other, path).load()).toEqual([fault('theirs@2', other)]);
  });

  it('saves atomically: no temporary files left, also when the write fails', () => {
    const sub = join(dir, 'atomic');
    const path = join(sub, 'faults.json');
    const j = new FaultJournal(project, path);
    for (let i = 0; i < 20; i++) expect(j.save([fault(`s@${i}`)])).toBeUndefined();
    expect(readdirSync(sub)).toEqual(['faults.json']);
    expect(j.load()).toEqual([fault('s@19')]);
    // The target is a (non-empty) directory: the rename fails, the problem is returned, no temp file stays.
    writeFileSync(join(sub, 'x'), '');
    const bad = new FaultJournal(project, sub);
    expect(bad.save([fault('z@1')])).toMatch(/could not be written/);
    expect(bad.problem).toMatch(/could not be written/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(sub).sort()).toEqual(['faults.json', 'x']);
  });

  it('defaults to faults-<project>.json in the state directory', () => {
    expect(journalPath('k2', { K2MC_STATE_DIR: '/s' })).toBe('/s/faults-k2.json');
    const saved = process.env.K2MC_STATE_DIR;
    process.env.K2MC_STATE_DIR = dir;
    try {
      const j = new FaultJournal(project);
      expect(j.path).toBe(join(dir, `faults-${project}.json`));
      j.save([fault('d@1')]);
      expect(readdirSync(dir)).toContain(`faults-${project}.json`);
      j.save([]);
    } finally {
      if (saved === undefined) delete process.env.K2MC_STATE_DIR;
      else process.env.K2MC_STATE_DIR = saved;
    }
  });
});
