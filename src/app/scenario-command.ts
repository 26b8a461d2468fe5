import type { Config } from '../config/types.js';
import { DockerActuator } from '../control/actuator.js';
import { FaultJournal } from '../control/journal.js';
import type { ActiveFault, Scenario } from '../control/types.js';
import { DockerApi } from '../sources/docker/api.js';
import { resolveDockerUrl } from '../sources/docker/client.js';

// `k2mc scenarios`, `k2mc scenario run NAME`, `k2mc scenario restore [NAME|--all]`: the failure
// scenarios without the dashboard, for scripts and rehearsals. They share the dashboard's fault
// journal, so a fault fired here can be restored from the dashboard (R) and the other way round.

function describeSteps(s: Scenario): string {
  return s.steps.map((st) => `${st.action} ${st.service}${st.timeoutS !== undefined ? ` (${st.timeoutS} s)` : ''}${st.signal ? ` (${st.signal})` : ''}`).join(', ');
}

export function listScenarios(config: Config): number {
  if (config.scenarios.length === 0) {
    process.stdout.write('no scenarios configured (scenarios: in the config)\n');
    return 0;
  }
  const w = Math.max(...config.scenarios.map((s) => s.name.length));
  for (const s of config.scenarios) {
    const auto = s.autoRestoreAfterMs !== undefined ? ` · auto-restore after ${Math.round(s.autoRestoreAfterMs / 1000)} s` : '';
    process.stdout.write(`${s.key}  ${s.name.padEnd(w)}  ${s.description}\n${' '.repeat(w + 5)}${describeSteps(s)}${auto}\n`);
  }
  return 0;
}

function tools(config: Config) {
  const api = new DockerApi(resolveDockerUrl(config.dockerHost));
  const actuator = new DockerActuator({ api, project: config.project, services: config.services, readOnly: config.readOnly, scenarios: config.scenarios });
  const journal = new FaultJournal(config.project);
  return { actuator, journal };
}

export async function runScenario(config: Config, name: string): Promise<number> {
  const scenario = config.scenarios.find((s) => s.name === name);
  if (!scenario) {
    process.stderr.write(`k2mc: no scenario "${name}"; known: ${config.scenarios.map((s) => s.name).join(', ') || 'none'}\n`);
    return 2;
  }
  if (config.readOnly) {
    process.stderr.write('k2mc: read-only: scenarios are disabled (--read-only or readOnly: true)\n');
    return 1;
  }
  const { actuator, journal } = tools(config);
  const before = journal.load();
  const { fault, results } = await actuator.fire(scenario);
  for (const r of results) process.stdout.write(`${r.ok ? 'done  ' : 'FAILED'}  ${r.text}\n`);
  if (fault.touched.length > 0) journal.save([...before, fault]);
  process.stdout.write(fault.touched.length > 0 ? `active: ${scenario.name} — restore with: k2mc scenario restore ${scenario.name}\n` : 'nothing was changed\n');
  return results.every((r) => r.ok) ? 0 : 1;
}

export async function restoreScenarios(config: Config, name: string | undefined, all: boolean): Promise<number> {
  if (!name && !all) {
    process.stderr.write('k2mc: say which: k2mc scenario restore NAME, or --all\n');
    return 2;
  }
  const { actuator, journal } = tools(config);
  const active = journal.load();
  if (journal.problem) process.stderr.write(`k2mc: ${journal.problem}\n`);
  const chosen = all ? active : active.filter((f) => f.scenario === name);
  if (chosen.length === 0) {
    process.stdout.write(all ? 'no active faults\n' : `no active fault of scenario "${name}"\n`);
    return 0;
  }
  const left: ActiveFault[] = active.filter((f) => !chosen.includes(f));
  let ok = true;
  for (const fault of [...chosen].reverse()) {
    const results = await actuator.restore(fault);
    for (const r of results) process.stdout.write(`${r.ok ? 'done  ' : 'FAILED'}  ${r.text}\n`);
    if (!results.every((r) => r.ok)) {
      ok = false;
      left.push(fault);
      process.stdout.write(`still active: ${fault.scenario}; by hand:\n${actuator.manualRestore(fault).map((c) => `  ${c}`).join('\n')}\n`);
    }
  }
  journal.save(left);
  return ok ? 0 : 1;
}
