// loadConfig: built-in defaults < compose-derived services (--compose) < config file (--config)
// < flags; DOCKER_HOST from the environment only when nothing else set the docker host.
// The file format is documented at the top of schema.ts.

import type { z } from 'zod';
import { dirname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { DEFAULT_CONFIG, DEFAULT_KAFKA, DEFAULT_PROBE_TIMEOUT_MS, DEFAULT_SERVICES } from './defaults.js';
import type { Config, KafkaSpec, ProbeSpec, ServiceSpec } from './types.js';
import { DEFAULT_SCENARIOS, scenarioServices } from '../control/defaults.js';
import type { Expectation, Scenario, Step } from '../control/types.js';
import { readComposeFile } from './compose.js';
import {
  ConfigError,
  ConfigFileSchema,
  DockerHostSchema,
  ProjectSchema,
  RefreshSchema,
  describeValue,
  didYouMean,
  formatPath,
  isPlainObject,
  knownKeysAt,
  parseBrokerList,
  parseYamlText,
  readTextFile,
  type ConfigFile,
  type ExpectEntry,
  type KafkaEntry,
  type ProbeEntry,
  type ScenarioEntry,
  type ServiceEntry,
  type StepEntry,
  type YamlSource,
} from './schema.js';

export { ConfigError } from './schema.js';
export type { ConfigFile } from './schema.js';

export interface LoadOptions {
  /** --config FILE */
  configPath?: string;
  /** --compose FILE */
  composePath?: string;
  /** CLI flags; undefined means "not given". */
  flags?: { project?: string; dockerHost?: string; refreshMs?: number; readOnly?: boolean; kafkaBrokers?: string; plans?: string };
  /** Default process.env; DOCKER_HOST is used when no flag/config gives a host, K2MC_KAFKA_BROKERS when no flag does. */
  env?: NodeJS.ProcessEnv;
}

const CONFIG_HINT = 'Pass an existing file with --config, or omit --config to use the built-in K2 defaults.';
const MAX_REPORTED = 20;

// ---------------------------------------------------------------------------------------------
// Config file
// ---------------------------------------------------------------------------------------------

/** Reads and validates a config file. Throws ConfigError. */
export function readConfigFile(path: string): ConfigFile {
  return parseConfigSource(readTextFile(path, 'config file', CONFIG_HINT), path).config;
}

/** Validates config file text; `fileName` is used in messages. Throws ConfigError. */
export function parseConfigText(text: string, fileName: string): ConfigFile {
  return parseConfigSource(text, fileName).config;
}

/** The validated file and its source (for the line numbers of the cross-checks). */
function parseConfigSource(text: string, fileName: string): { config: ConfigFile; src: YamlSource } {
  const src = parseYamlText(text, fileName);
  if (src.value === undefined) return { config: {}, src }; // empty file (or only comments): defaults
  if (!isPlainObject(src.value)) {
    throw new ConfigError(
      `${fileName}:${src.lineOf([])}: expected a mapping of settings at the top level, got ${describeValue(src.value)}`,
    );
  }
  const result = ConfigFileSchema.safeParse(withoutNulls(src.value));
  if (result.success) return { config: result.data, src };
  throw new ConfigError(formatIssues(result.error.issues, src));
}

/** Drops mapping keys whose value is null: `key:` with no value means "not set". */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) if (val !== null && val !== undefined) out[k] = withoutNulls(val);
    return out;
  }
  return v;
}

function lookup(root: unknown, path: ReadonlyArray<PropertyKey>): { present: boolean; value: unknown } {
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number' && seg < cur.length) cur = cur[seg];
    else if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, String(seg))) cur = cur[String(seg)];
    else return { present: false, value: undefined };
  }
  return { present: true, value: cur };
}

interface Located {
  line: number;
  text: string;
}

function issueTexts(issue: z.core.$ZodIssue, src: YamlSource, prefix: PropertyKey[]): Located[] {
  const path = [...prefix, ...issue.path];
  const field = formatPath(path);
  const at = (p: PropertyKey[]) => src.lineOf(p);

  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(path);
    return issue.keys.map((key) => {
      const guess = didYouMean(key, known);
      const hint = guess ? ` (did you mean "${guess}"?)` : known.length ? ` (known keys: ${known.join(', ')})` : '';
      return { line: at([...path, key]), text: `${field ? `${field}: ` : ''}unknown key "${key}"${hint}` };
    });
  }

  const { present, value } = lookup(src.value, path);

  if (issue.code === 'invalid_union' && present && value !== null) {
    // Report the branch whose type matched the value (e.g. the string branch for a bad URL).
    const matched = issue.errors.find(
      (branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0),
    );
    if (matched) return matched.flatMap((i) => issueTexts(i, src, path));
  }

  if (!present && path.length > 0) {
    const parent = path.slice(0, -1);
    const key = String(path[path.length - 1]);
    const where = formatPath(parent);
    return [{ line: at(parent), text: `${where ? `${where}: ` : ''}missing required key "${key}"` }];
  }

  const got = issue.message.startsWith('expected ') ? `, got ${describeValue(value)}` : '';
  return [{ line: at(path), text: `${field ? `${field}: ` : ''}${issue.message}${got}` }];
}

function formatIssues(issues: readonly z.core.$ZodIssue[], src: YamlSource): string {
  return formatLocated(issues.flatMap((i) => issueTexts(i, src, [])), src);
}

function formatLocated(all: Located[], src: YamlSource): string {
  all.sort((a, b) => a.line - b.line);
  const lines = [...new Set(all.map((l) => `${src.file}:${l.line}: ${l.text}`))];
  if (lines.length > MAX_REPORTED) {
    const more = lines.length - MAX_REPORTED;
    return [...lines.slice(0, MAX_REPORTED), `(and ${more} more problem${more === 1 ? '' : 's'})`].join('\n');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------

function checkFlag(flag: string, schema: z.ZodType, value: unknown): void {
  if (value === undefined) return;
  const r = schema.safeParse(value);
  if (!r.success) {
    const msg = r.error.issues[0]?.message ?? 'invalid value';
    throw new ConfigError(`${flag}: ${msg}, got ${describeValue(value)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------------------------

function cloneService(s: ServiceSpec): ServiceSpec {
  return { ...s, probe: s.probe ? { ...s.probe } : undefined, ports: [...s.ports] };
}

function probeOf(p: ProbeEntry, timeoutMs: number): ProbeSpec {
  return typeof p === 'string' ? { url: p, timeoutMs } : { url: p.url, timeoutMs: p.timeout ?? timeoutMs };
}

/** A config-file entry on its own (no compose entry of that name). */
function serviceFromEntry(e: ServiceEntry, project: string, timeoutMs: number): ServiceSpec {
  return {
    name: e.name,
    container: e.container ?? `${project}-${e.name}`,
    essential: e.essential ?? true,
    healthcheck: e.healthcheck ?? true,
    mayRunOnHost: e.mayRunOnHost ?? false,
    probe: e.probe !== undefined ? probeOf(e.probe, timeoutMs) : undefined,
    ports: e.ports ? [...e.ports] : [],
  };
}

/** A config-file entry over a compose-derived service: keys given in the file win. */
function overlay(base: ServiceSpec, e: ServiceEntry, timeoutMs: number): ServiceSpec {
  return {
    name: base.name,
    container: e.container ?? base.container,
    essential: e.essential ?? base.essential,
    healthcheck: e.healthcheck ?? base.healthcheck,
    mayRunOnHost: e.mayRunOnHost ?? base.mayRunOnHost,
    probe: e.probe !== undefined ? probeOf(e.probe, timeoutMs) : base.probe ? { ...base.probe } : undefined,
    ports: e.ports ? [...e.ports] : [...base.ports],
  };
}

// ---------------------------------------------------------------------------------------------
// Kafka
// ---------------------------------------------------------------------------------------------

function kafkaSpec(file: KafkaEntry | undefined, flag: string | undefined, env: NodeJS.ProcessEnv, fileName: string): KafkaSpec {
  const base = DEFAULT_KAFKA;
  let brokers = file?.brokers ?? base.brokers;
  let brokersFrom = file?.brokers ? `kafka.brokers in ${fileName}` : base.brokersFrom;
  const envBrokers = env.K2MC_KAFKA_BROKERS?.trim();
  for (const [text, from] of [
    [envBrokers, 'K2MC_KAFKA_BROKERS'],
    [flag, '--kafka-brokers'],
  ] as const) {
    if (!text) continue;
    const list = parseBrokerList(text);
    if (typeof list === 'string') throw new ConfigError(`${from}: ${list}`);
    brokers = list;
    brokersFrom = from;
  }
  const topics = [...(file?.topics ?? base.topics)];
  const groups = file?.groups?.map((g) => (typeof g === 'string' ? { id: g, topics: [] } : { id: g.id, topics: g.topics ?? [] })) ?? base.groups;
  // With a topic list of its own, the live topic defaults to its first entry.
  const liveTopic = file?.liveTopic ?? (file?.topics ? file.topics[0] : base.liveTopic);
  if (liveTopic !== undefined && !topics.includes(liveTopic)) topics.unshift(liveTopic);
  return {
    brokers: [...brokers],
    brokersFrom,
    clientId: file?.clientId ?? base.clientId,
    ssl: file?.ssl ?? base.ssl,
    sasl: file?.sasl ? { ...file.sasl } : undefined,
    timeoutMs: file?.timeout ?? base.timeoutMs,
    topics: [...topics],
    liveTopic,
    streamService: file?.streamService ?? base.streamService,
    groups: groups.map((g) => ({ id: g.id, topics: [...g.topics] })),
    prometheusUrl: file?.prometheus === false ? undefined : (file?.prometheus ?? base.prometheusUrl),
  };
}

/** Recording paths given in a config file are relative to that file. */
function recordingSpec(entry: ConfigFile['recording'], configPath: string | undefined): Config['recording'] {
  const base = configPath ? dirname(resolve(configPath)) : process.cwd();
  const MB = 2 ** 20;
  return {
    dir: entry?.dir ? resolve(base, expandHome(entry.dir)) : undefined,
    golden: entry?.golden ? resolve(base, expandHome(entry.golden)) : undefined,
    maxFileBytes: (entry?.maxFileMB ?? 50) * MB,
    maxTotalBytes: (entry?.maxTotalMB ?? 500) * MB,
  };
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

/** A plans directory given in a config file is relative to that file. */
function plansSpec(entry: ConfigFile['plans'], flag: string | undefined, configPath: string | undefined): Config['plans'] {
  const fromFile = typeof entry === 'string' ? { dir: entry } : (entry ?? {});
  const base = configPath ? dirname(resolve(configPath)) : process.cwd();
  if (flag) return { dir: resolve(flag), dirFrom: '--plans', file: fromFile.file };
  if (fromFile.dir) return { dir: resolve(base, fromFile.dir), dirFrom: `plans in ${configPath}`, file: fromFile.file };
  return { file: fromFile.file };
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

function stepOf(e: StepEntry): Step {
  const step: Step = { action: e.action, service: e.service };
  if (e.timeout !== undefined) step.timeoutS = e.timeout;
  if (e.signal !== undefined) step.signal = e.signal;
  return step;
}

/** Default deadline of an expectation given without `within`. */
export const DEFAULT_WITHIN_MS = { lagGrowing: 15_000, other: 10_000 } as const;

function expectationOf(e: ExpectEntry): Expectation {
  if (e.rateZero) {
    return { kind: 'rate-zero', ...(e.topic !== undefined ? { topic: e.topic } : {}), withinMs: e.within ?? DEFAULT_WITHIN_MS.other };
  }
  if (e.lagGrowing) {
    return { kind: 'lag-growing', ...(e.group !== undefined ? { group: e.group } : {}), withinMs: e.within ?? DEFAULT_WITHIN_MS.lagGrowing };
  }
  if (e.brokerUnreachable) return { kind: 'broker-unreachable', withinMs: e.within ?? DEFAULT_WITHIN_MS.other };
  // The schema guarantees service and state here.
  return { kind: 'service-state', service: e.service!, state: e.state!, withinMs: e.within ?? DEFAULT_WITHIN_MS.other };
}

function scenarioOf(e: ScenarioEntry): Scenario {
  const s: Scenario = { name: e.name, key: e.key, description: e.description, steps: e.steps.map(stepOf) };
  if (e.restore !== undefined) s.restore = e.restore.map(stepOf);
  if (e.autoRestoreAfter !== undefined) s.autoRestoreAfterMs = e.autoRestoreAfter;
  if (e.expect !== undefined) s.expect = expectationOf(e.expect);
  return s;
}

function cloneScenario(s: Scenario): Scenario {
  return structuredClone(s);
}

/**
 * The scenarios in effect. The file's list is checked against the resolved services and Kafka
 * settings (every problem reported with its line); without one, the built-in scenarios whose
 * services all exist.
 */
function scenariosSpec(entries: ScenarioEntry[] | undefined, services: ServiceSpec[], kafka: KafkaSpec, src: YamlSource | undefined): Scenario[] {
  const names = new Set(services.map((s) => s.name));
  if (entries === undefined || src === undefined) {
    return DEFAULT_SCENARIOS.filter((s) => scenarioServices(s).every((n) => names.has(n))).map(cloneScenario);
  }
  const known = services.map((s) => s.name);
  const problems: Located[] = [];
  const report = (path: PropertyKey[], text: string) => problems.push({ line: src.lineOf(path), text: `${formatPath(path)}: ${text}` });
  const checkService = (service: string, path: PropertyKey[], what: string) => {
    if (names.has(service)) return;
    const guess = didYouMean(service, known);
    const hint = guess ? ` (did you mean "${guess}"?)` : '';
    const list = known.length > 0 ? `known services: ${known.join(', ')}` : 'no services are configured';
    report(path, `${what}: unknown service "${service}"${hint}; ${list}`);
  };
  entries.forEach((sc, i) => {
    const at = (...rest: PropertyKey[]) => ['scenarios', i, ...rest];
    sc.steps.forEach((st, j) => checkService(st.service, at('steps', j, 'service'), `scenario "${sc.name}", step ${j + 1} (${st.action} ${st.service})`));
    sc.restore?.forEach((st, j) =>
      checkService(st.service, at('restore', j, 'service'), `scenario "${sc.name}", restore step ${j + 1} (${st.action} ${st.service})`),
    );
    const e = sc.expect;
    if (e?.service !== undefined) checkService(e.service, at('expect', 'service'), `scenario "${sc.name}", expect`);
    if (e?.rateZero) {
      if (e.topic !== undefined && !kafka.topics.includes(e.topic)) {
        report(at('expect', 'topic'), `scenario "${sc.name}": topic "${e.topic}" is not watched, so its rate is never measured; watched topics: ${kafka.topics.join(', ') || 'none'}`);
      } else if (e.topic === undefined && kafka.liveTopic === undefined) {
        report(at('expect', 'rateZero'), `scenario "${sc.name}": no topic to watch; give expect.topic or set kafka.liveTopic`);
      }
    }
    if (e?.group !== undefined && !kafka.groups.some((g) => g.id === e.group)) {
      const ids = kafka.groups.map((g) => g.id);
      const guess = didYouMean(e.group, ids);
      report(
        at('expect', 'group'),
        `scenario "${sc.name}": group "${e.group}" is not watched${guess ? ` (did you mean "${guess}"?)` : ''}; watched groups: ${ids.join(', ') || 'none'}`,
      );
    }
  });
  if (problems.length > 0) throw new ConfigError(formatLocated(problems, src));
  return entries.map(scenarioOf);
}

// ---------------------------------------------------------------------------------------------
// loadConfig
// ---------------------------------------------------------------------------------------------

/** Builds the resolved Config. Throws ConfigError with a complete user-facing message. */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const flags = opts.flags ?? {};

  checkFlag('--project', ProjectSchema, flags.project);
  checkFlag('--docker-host', DockerHostSchema, flags.dockerHost);
  checkFlag('--refresh', RefreshSchema, flags.refreshMs);
  if (flags.readOnly !== undefined && typeof flags.readOnly !== 'boolean') {
    throw new ConfigError(`--read-only: expected true or false, got ${describeValue(flags.readOnly)}`);
  }

  const read = opts.configPath !== undefined ? parseConfigSource(readTextFile(opts.configPath, 'config file', CONFIG_HINT), opts.configPath) : undefined;
  const file: ConfigFile = read?.config ?? {};
  const probeTimeoutMs = file.probeTimeout ?? DEFAULT_PROBE_TIMEOUT_MS;
  const compose = opts.composePath !== undefined ? readComposeFile(opts.composePath, probeTimeoutMs, env) : undefined;

  const project = flags.project ?? file.project ?? compose?.project ?? DEFAULT_CONFIG.project;

  let services: ServiceSpec[];
  if (compose) {
    services = compose.services.map(cloneService);
  } else {
    services = DEFAULT_SERVICES.map(cloneService);
    if (file.probeTimeout !== undefined) {
      for (const s of services) if (s.probe) s.probe.timeoutMs = file.probeTimeout;
    }
  }
  if (file.services) {
    if (compose) {
      for (const e of file.services) {
        const i = services.findIndex((s) => s.name === e.name);
        if (i >= 0) services[i] = overlay(services[i], e, probeTimeoutMs);
        else services.push(serviceFromEntry(e, project, probeTimeoutMs));
      }
    } else {
      services = file.services.map((e) => serviceFromEntry(e, project, probeTimeoutMs));
    }
  }

  const envHost = env.DOCKER_HOST && env.DOCKER_HOST.trim() !== '' ? env.DOCKER_HOST.trim() : undefined;
  const sources = [opts.composePath, opts.configPath].filter((s): s is string => s !== undefined);
  const kafka = kafkaSpec(file.kafka, flags.kafkaBrokers, env, opts.configPath ?? 'the config');

  return {
    platform: file.platform ?? DEFAULT_CONFIG.platform,
    project,
    dockerHost: flags.dockerHost ?? file.docker?.host ?? envHost ?? DEFAULT_CONFIG.dockerHost,
    refreshMs: flags.refreshMs ?? file.refresh ?? DEFAULT_CONFIG.refreshMs,
    readOnly: flags.readOnly ?? file.readOnly ?? DEFAULT_CONFIG.readOnly,
    services,
    kafka,
    plans: plansSpec(file.plans, flags.plans, opts.configPath),
    scenarios: scenariosSpec(file.scenarios, services, kafka, read?.src),
    recording: recordingSpec(file.recording, opts.configPath),
    source: sources.length > 0 ? sources.join(' + ') : DEFAULT_CONFIG.source,
  };
}
