import type { Config } from '../config/types.js';
import { createAppStore, type Store } from '../store/store.js';
import { frameOf, kafkaSource } from './live.js';
import { DockerSource } from '../sources/docker/source.js';
import { describeDockerError } from '../sources/docker/client.js';
import { ProbeSource, probeTargets } from '../sources/http.js';
import { SourceError } from '../sources/types.js';
import { loadPlan, type PlanState } from '../sources/plans/load.js';
import { resolvePlansDir } from '../sources/plans/location.js';
import { isHealthy, isUp, rowProblem } from '../model/services.js';
import { readiness, type Light } from '../model/readiness.js';
import { formatInt, formatLatency, formatRate } from '../model/format.js';
import { levelName } from '../model/degradation.js';
import { planJson, type PlanJson } from './plan-report.js';

// `k2mc check`: the pre-demo check without a screen. Docker, the probes and Kafka are read in
// parallel (Kafka twice, two seconds apart, so the live topic has a rate), each under its own
// deadline, so the whole check ends within 15 s even when nothing answers. Every line is PASS,
// WARN or FAIL with its reason; any FAIL means NO-GO (exit code 1).

export type Result = 'PASS' | 'WARN' | 'FAIL';

export interface CheckLine {
  group: 'docker' | 'service' | 'kafka' | 'readiness' | 'plan';
  name: string;
  result: Result;
  reason: string;
}

export interface CheckReport {
  go: boolean;
  project: string;
  at: string;
  lines: CheckLine[];
  plan: PlanJson | null;
}

const KAFKA_GAP_MS = 2000;

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new SourceError(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]);
}

async function gather(config: Config, store: Store): Promise<void> {
  const s = () => store.getState();
  const docker = new DockerSource({ url: config.dockerHost, project: config.project, expectedNames: config.services.map((x) => x.container), timeoutMs: 4000 });
  const probes = new ProbeSource(probeTargets(config.services, 3000));
  const kafka = kafkaSource({ ...config.kafka, timeoutMs: Math.min(config.kafka.timeoutMs, 4000) });
  const signal = new AbortController().signal;

  const dockerDone = withDeadline(docker.sample(signal), 5000, 'Docker').then(
    (sample) => s().applyDocker(sample, Date.now()),
    (e) => s().dockerFailed(e instanceof SourceError ? e.message : describeDockerError(docker.url, e), Date.now()),
  );
  const probesDone = withDeadline(probes.sample(signal), 5000, 'probes').then((r) => s().applyProbes(r, Date.now()), () => undefined);
  const kafkaOnce = () =>
    withDeadline(kafka.sample(signal), 5000, `Kafka broker unreachable at ${kafka.brokers}`).then(
      (sample) => {
        s().applyKafka(sample, sample.at);
        return true;
      },
      (e: Error) => {
        s().kafkaFailed(e.message, Date.now());
        return false;
      },
    );
  const kafkaDone = kafkaOnce().then(async (ok) => {
    if (!ok) return;
    await new Promise((r) => setTimeout(r, KAFKA_GAP_MS));
    await kafkaOnce();
  });
  await Promise.all([dockerDone, probesDone, kafkaDone]);
  docker.close();
  kafka.close();
}

function lightResult(l: Light): Result {
  return l === 'green' ? 'PASS' : l === 'amber' ? 'WARN' : 'FAIL';
}

export function checkLines(store: Store, plan: PlanState): CheckLine[] {
  const st = store.getState();
  const lines: CheckLine[] = [];
  const d = st.docker;
  if (d.status.state === 'ok') {
    lines.push({ group: 'docker', name: 'engine', result: 'PASS', reason: `Docker engine${d.sample?.engine.version ? ` ${d.sample.engine.version}` : ''} at ${d.sample?.engine.url ?? st.frame.dockerUrl}` });
  } else {
    lines.push({ group: 'docker', name: 'engine', result: 'FAIL', reason: d.status.state === 'unreachable' ? d.status.reason : 'no answer' });
  }
  if (d.status.state === 'ok') {
    for (const r of st.rows) {
      const probe = r.probe ? ` · probe ${r.probe.ok ? `${r.probe.status} ${formatLatency(r.probe.latencyMs)}${r.probe.bodyStatus ? ` ${r.probe.bodyStatus}` : ''}` : (r.probe.error ?? `HTTP ${r.probe.status}`)}` : '';
      const state = `${r.status}${r.health !== 'none' ? `, ${r.health}` : ''}`;
      let result: Result = 'PASS';
      if (!isUp(r)) result = r.essential ? 'FAIL' : 'WARN';
      else if (!isHealthy(r)) result = 'WARN';
      const reason = result === 'PASS' ? `${r.name} ${state}${probe}` : `${r.name} ${rowProblem(r)}${r.essential ? '' : ' (not essential)'}${probe}`;
      lines.push({ group: 'service', name: r.key, result, reason });
    }
  }

  const k = st.kafka;
  if (k.status.state === 'unreachable') {
    lines.push({ group: 'kafka', name: 'broker', result: 'FAIL', reason: k.status.reason });
  } else if (k.view) {
    const v = k.view;
    lines.push({ group: 'kafka', name: 'broker', result: 'PASS', reason: `${st.frame.kafka.brokers.join(',')}: ${v.brokers} broker${v.brokers === 1 ? '' : 's'}${v.controller !== undefined ? `, controller ${v.controller}` : ''}` });
    for (const t of v.topics) {
      lines.push({ group: 'kafka', name: t.name, result: 'PASS', reason: `${t.name}: ${t.rate === undefined ? 'rate unknown' : `${formatRate(t.rate)} msg/s`}, ${formatInt(t.total)} messages, ${t.partitions} partition${t.partitions === 1 ? "" : "s"}` });
    }
    for (const m of v.missingTopics) lines.push({ group: 'kafka', name: m, result: m === st.frame.kafka.liveTopic ? 'FAIL' : 'WARN', reason: `topic ${m} missing on the broker` });
    for (const g of v.groups) {
      const level = g.level?.level ?? 0;
      lines.push({
        group: 'kafka',
        name: g.groupId,
        result: level >= 3 ? 'FAIL' : level >= 1 ? 'WARN' : 'PASS',
        reason: g.lag === undefined ? `${g.groupId}: no committed offsets on the watched topics` : `${g.groupId}: lag ${formatInt(g.lag)} (${levelName(g.level?.level ?? 0)})`,
      });
    }
  }

  for (const l of readiness({ rows: st.rows, dockerState: d.status.state, kafkaStatus: k.status, kafka: k.view, liveTopic: st.frame.kafka.liveTopic })) {
    lines.push({ group: 'readiness', name: l.name, result: lightResult(l.light), reason: `${l.name}: ${l.reason}` });
  }

  if (plan.error || !plan.score || !plan.doc) {
    lines.push({ group: 'plan', name: 'plan', result: 'WARN', reason: plan.error ?? 'no plan' });
  } else {
    const sc = plan.score;
    const target = plan.doc.headline.target;
    const short = target !== undefined && sc.computedScore < target;
    lines.push({
      group: 'plan',
      name: 'score',
      result: short || sc.discrepancies.length ? 'WARN' : 'PASS',
      reason: `${plan.path}: ${sc.stepsDone}/${sc.stepsTotal} steps, computed ${sc.computedScore}/${sc.maxScore} (${sc.band})${target !== undefined ? `, target ${target}` : ''}${sc.claimedScore ? `, claims ${sc.claimedScore.value}/${sc.claimedScore.max}` : ''}`,
    });
    for (const dsc of sc.discrepancies) lines.push({ group: 'plan', name: 'discrepancy', result: 'WARN', reason: dsc });
  }
  return lines;
}

export async function runCheck(config: Config): Promise<CheckReport> {
  const store = createAppStore(frameOf(config, config.dockerHost ?? 'unix:///var/run/docker.sock'), 'live');
  await gather(config, store);
  const plan = loadPlan(resolvePlansDir({ configDir: config.plans.dir, configFrom: config.plans.dirFrom }), config.plans.file);
  const lines = checkLines(store, plan);
  return { go: !lines.some((l) => l.result === 'FAIL'), project: config.project, at: new Date().toISOString(), lines, plan: plan.doc && plan.score && plan.path ? planJson(plan.path, plan.doc, plan.score) : null };
}

export function formatCheck(report: CheckReport, color: boolean): string {
  const paint = (r: Result, text: string) => (!color ? text : `\x1b[${r === 'PASS' ? 32 : r === 'WARN' ? 33 : 31}m${text}\x1b[39m`);
  const out = [`k2mc check · project ${report.project} · ${report.at}`];
  for (const l of report.lines) out.push(`${paint(l.result, l.result.padEnd(4))}  ${l.group.padEnd(9)}  ${l.reason}`);
  const fails = report.lines.filter((l) => l.result === 'FAIL');
  const warns = report.lines.filter((l) => l.result === 'WARN').length;
  out.push(
    report.go
      ? paint('PASS', `GO — no failures${warns ? `, ${warns} warning${warns === 1 ? '' : 's'}` : ''}`)
      : paint('FAIL', `NO-GO — ${fails.length} failure${fails.length === 1 ? '' : 's'}: ${fails.slice(0, 3).map((f) => f.reason).join('; ')}${fails.length > 3 ? '; …' : ''}`),
  );
  return `${out.join('\n')}\n`;
}
