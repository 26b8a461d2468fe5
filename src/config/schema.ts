// The k2mc YAML config file: its format, its zod schema, and the YAML source helpers shared by
// the config and compose readers (reading a file safely, parsing with line numbers, mapping a
// path such as services[1].essential back to a line).
//
// ---------------------------------------------------------------------------------------------
// k2mc config file (YAML). Every key is optional; an empty file means the built-in K2 defaults.
// A key written with no value (e.g. `docker:` with everything under it commented out) is the
// same as leaving it out. Unknown keys are errors (with a "did you mean" hint for typos).
//
//   platform: K2                 # header name (non-empty string)
//   project: k2                  # compose project label value: [a-z0-9][a-z0-9_-]*
//   docker:
//     host: unix:///var/run/docker.sock   # or tcp://host:port ; optional
//   refresh: 1000                # clock period in ms, integer 200..60000
//   readOnly: false              # true or false
//   probeTimeout: 1500           # ms, default timeout of HTTP probes, integer 100..30000
//   kafka:
//     brokers: [localhost:9092]  # host:port list, or one "host:port,host:port" string
//     clientId: k2mc
//     ssl: false                 # true: TLS with the system's CAs
//     sasl: {mechanism: plain, username: u, password: p}   # plain | scram-sha-256 | scram-sha-512
//     timeout: 2500              # ms for one sample of every offset, integer 500..30000
//     topics: [market.crypto.trades.binance, ...]          # replaces the built-in list
//     liveTopic: market.crypto.trades.binance              # its rate is the demo's heartbeat
//     streamService: binance-stream                        # service that produces liveTopic
//     groups:                    # consumer groups: a name, or {id, topics: [...]}
//       - k2-iceberg-writer-crypto-v2
//     prometheus: http://localhost:9090                    # or false for none
//   plans: plans/                # the plans directory, or {dir: plans/, file: demo-readiness.md}
//   recording:                   # session recordings and backup mode (all optional)
//     dir: recordings/           # where live sessions are recorded (default ~/.local/state/k2mc/recordings)
//     golden: rehearsal.jsonl    # the recording `b` plays (default: the newest with a healthy minute)
//     maxFileMB: 50              # a session file past this is continued in a new part
//     maxTotalMB: 500            # the oldest recordings are deleted beyond this total
//   scenarios:                   # failure scenarios; when given, replaces the built-in list
//     - name: stream-outage      # required: lowercase letters, digits and "-"; unique
//       key: "1"                 # required: one printable ASCII character, unique (0..9 may be unquoted)
//       description: the trade rate falls to 0      # required: what the audience should see
//       steps:                   # required, at least one, run in order
//         - {action: pause, service: binance-stream}
//           # action: pause | unpause | stop | start | kill | restart
//           # stop / restart: timeout: 10 (seconds Docker waits before killing, 0..600)
//           # kill: signal: SIGKILL (a name such as SIGTERM or TERM, or its number; default SIGKILL)
//       restore:                 # optional; default: every touched container back to its earlier state;
//                                #   [] = nothing to undo
//         - {action: unpause, service: binance-stream}
//       autoRestoreAfter: 60s    # optional: restore on its own after 1500ms, 90s, 2m, 1h (1 s .. 24 h)
//       expect: {rateZero: true, within: 10s}      # optional: what the panels should show
//         # one of: {rateZero: true, topic: t}  (topic defaults to kafka.liveTopic)
//         #         {lagGrowing: true, group: g} (group defaults to the first with committed offsets)
//         #         {brokerUnreachable: true}
//         #         {service: minio, state: paused}   (state: paused | exited | running | down)
//         # within: a duration (default 15s for lagGrowing, 10s otherwise; 100ms .. 1h)
//   services:                    # when given, replaces the built-in service list
//     - name: kafka              # required, compose service name
//       container: k2-kafka      # optional, default "<project>-<name>"
//       essential: true          # optional, default true
//       healthcheck: true        # optional, default true
//       mayRunOnHost: false      # optional, default false
//       probe: http://localhost:8081/subjects    # optional: an http(s) URL, or {url: ..., timeout: ms}
//       ports: [8081]            # optional list of integers 1..65535
//
// Notes:
//   - docker.host accepts unix:///path and tcp://host:port (DOCKER_HOST itself is not checked).
//   - Service names must be unique. `services: []` is allowed and means "no services".
//   - <project> in the container default is the project in effect (after --project).
//   - probeTimeout also applies to the built-in and compose-derived probes.
//   - With --compose, `services` entries override the compose-derived service of the same name
//     key by key (keys left out keep the compose value); other compose services are kept and
//     new names are appended.
//   - Precedence: built-in defaults < --compose < config file < flags; DOCKER_HOST is used only
//     when neither a flag nor the file gives docker.host. Kafka brokers: --kafka-brokers, else
//     K2MC_KAFKA_BROKERS, else kafka.brokers, else localhost:9092.
//   - A group given by name alone is shown on the topics it has committed offsets on.
//   - Scenario keys may not be one of the dashboard's keys (q ? / c f r R j k and space). Every
//     service a scenario names (steps, restore, expect.service) must be one of the resolved
//     services (after --compose and `services`); expect.topic must be one of the watched topics
//     and expect.group one of kafka.groups. `scenarios: []` means "no scenarios".
//   - Without `scenarios` in the file, the built-in K2 scenarios are used, minus those naming a
//     service the resolved list lacks (e.g. with --compose, or a `services` list of your own).
//   - Durations are a number and a unit: ms, s, m (or min) or h, e.g. 1500ms, 1.5s, 90s, 2m. A
//     bare number is refused (seconds or milliseconds?).
//   - service state "down" means not running at all: exited, dead, missing (no container),
//     created, removing, or restarting (exited and waiting for Docker to restart it).
// ---------------------------------------------------------------------------------------------

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';

/** A user-facing configuration problem. The message is the complete text to print (no stack). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

// ---------------------------------------------------------------------------------------------
// Field schemas. Every message starts with "expected ..."; the loader appends ", got <value>".
// ---------------------------------------------------------------------------------------------

export const PROJECT_NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;
const SERVICE_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const CONTAINER_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export const LIMITS = {
  refreshMs: { min: 200, max: 60000 },
  kafkaTimeoutMs: { min: 500, max: 30000 },
  probeTimeoutMs: { min: 100, max: 30000 },
  port: { min: 1, max: 65535 },
} as const;

function intIn(min: number, max: number, unit: string) {
  const error = `expected an integer from ${min} to ${max} (${unit})`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function bool() {
  return z.boolean({ error: 'expected true or false' });
}

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export function isDockerHost(s: string): boolean {
  if (/^unix:\/\/\/\S+$/.test(s)) return true;
  try {
    const u = new URL(s);
    return u.protocol === 'tcp:' && u.hostname !== '' && u.pathname.replace(/\/$/, '') === '';
  } catch {
    return false;
  }
}

const PROJECT_EXPECTED =
  'expected a compose project name (lowercase letters, digits, "-" and "_", starting with a letter or digit)';
const DOCKER_HOST_EXPECTED = 'expected a Docker engine URL such as unix:///var/run/docker.sock or tcp://host:2375';
const URL_EXPECTED = 'expected an http:// or https:// URL';

export const PlatformSchema = z.string({ error: 'expected a non-empty name' }).min(1, { error: 'expected a non-empty name' });
export const ProjectSchema = z.string({ error: PROJECT_EXPECTED }).regex(PROJECT_NAME_RE, { error: PROJECT_EXPECTED });
export const DockerHostSchema = z.string({ error: DOCKER_HOST_EXPECTED }).refine(isDockerHost, { error: DOCKER_HOST_EXPECTED });
export const RefreshSchema = intIn(LIMITS.refreshMs.min, LIMITS.refreshMs.max, 'milliseconds');
export const ProbeTimeoutSchema = intIn(LIMITS.probeTimeoutMs.min, LIMITS.probeTimeoutMs.max, 'milliseconds');
export const ReadOnlySchema = bool();

const DockerSchema = z.strictObject(
  { host: DockerHostSchema.optional() },
  { error: 'expected a mapping with the key "host"' },
);

const ProbeUrlSchema = z.string({ error: URL_EXPECTED }).refine(isHttpUrl, { error: URL_EXPECTED });
const ProbeObjectSchema = z.strictObject(
  { url: ProbeUrlSchema, timeout: ProbeTimeoutSchema.optional() },
  { error: 'expected a mapping with "url" and optionally "timeout"' },
);
const ProbeSchema = z.union([ProbeUrlSchema, ProbeObjectSchema], {
  error: 'expected an http(s) URL, or a mapping {url: ..., timeout: ms}',
});

const PortSchema = intIn(LIMITS.port.min, LIMITS.port.max, 'a TCP port');

const ServiceSchema = z.strictObject(
  {
    name: z
      .string({ error: 'expected a compose service name' })
      .regex(SERVICE_NAME_RE, { error: 'expected a compose service name (letters, digits, ".", "_" or "-")' }),
    container: z
      .string({ error: 'expected a container name' })
      .regex(CONTAINER_NAME_RE, { error: 'expected a container name (letters, digits, ".", "_" or "-")' }),
    essential: bool(),
    healthcheck: bool(),
    mayRunOnHost: bool(),
    probe: ProbeSchema,
    ports: z.array(PortSchema, { error: 'expected a list of port numbers such as [8081]' }),
  },
  { error: 'expected a mapping describing one service (at least its "name")' },
).partial({ container: true, essential: true, healthcheck: true, mayRunOnHost: true, probe: true, ports: true });

const ServicesSchema = z
  .array(ServiceSchema, { error: 'expected a list of services ("- name: ...")' })
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((s, i) => {
      const first = seen.get(s.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `duplicate service "${s.name}" (already listed as services[${first}])`,
          input: s.name,
        });
      } else {
        seen.set(s.name, i);
      }
    });
  });

// ---------------------------------------------------------------------------------------------
// kafka
// ---------------------------------------------------------------------------------------------

const BROKER_EXPECTED = 'expected host:port, e.g. localhost:9092';

/** "host:port" with a port 1..65535; IPv6 hosts in brackets ([::1]:9092). */
export function isBrokerAddress(s: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(s);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 65535;
}

/** "a:1, b:2" → ["a:1", "b:2"]; a message naming the first bad entry, or the list. */
export function parseBrokerList(text: string): string[] | string {
  const list = text.split(',').map((b) => b.trim()).filter((b) => b !== '');
  if (list.length === 0) return `${BROKER_EXPECTED} (a comma-separated list)`;
  const bad = list.find((b) => !isBrokerAddress(b));
  return bad !== undefined ? `${BROKER_EXPECTED}; "${bad}" is not` : list;
}

const BrokerSchema = z.string({ error: BROKER_EXPECTED }).refine(isBrokerAddress, { error: BROKER_EXPECTED });
const BrokersSchema = z.union(
  [
    z.array(BrokerSchema, { error: 'expected a list of host:port' }).min(1, { error: 'expected at least one broker' }),
    z.string({ error: BROKER_EXPECTED }).transform((text, ctx) => {
      const list = parseBrokerList(text);
      if (typeof list === 'string') {
        // One entry: "expected host:port, ..., got "a:b:c""; in a longer list, name the bad entry
        // (without a "got" of the whole list after it).
        const entries = text.split(',').map((b) => b.trim()).filter((b) => b !== '');
        const bad = entries.find((b) => !isBrokerAddress(b));
        const message = bad === undefined ? `${BROKER_EXPECTED} (a comma-separated list)` : entries.length === 1 ? BROKER_EXPECTED : `"${bad}" is not host:port (e.g. localhost:9092)`;
        ctx.addIssue({ code: 'custom', message, input: text });
        return z.NEVER;
      }
      return list;
    }),
  ],
  { error: 'expected a list of host:port, or one "host:port,host:port" string' },
);
const TOPIC_EXPECTED = 'expected a Kafka topic name (letters, digits, ".", "_" or "-", at most 249)';
const TopicSchema = z.string({ error: TOPIC_EXPECTED }).regex(/^[A-Za-z0-9._-]{1,249}$/, { error: TOPIC_EXPECTED });
const GROUP_EXPECTED = 'expected a consumer group id';
const GroupIdSchema = z.string({ error: GROUP_EXPECTED }).min(1, { error: GROUP_EXPECTED });
const GroupSchema = z.union(
  [
    GroupIdSchema,
    z.strictObject(
      { id: GroupIdSchema, topics: z.array(TopicSchema, { error: 'expected a list of topic names' }).optional() },
      { error: 'expected a mapping with "id" and optionally "topics"' },
    ),
  ],
  { error: 'expected a group id, or a mapping {id: ..., topics: [...]}' },
);
const SaslSchema = z.strictObject(
  {
    mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512'], { error: 'expected plain, scram-sha-256 or scram-sha-512' }),
    username: z.string({ error: 'expected a user name' }),
    password: z.string({ error: 'expected a password (a string; quote it if it looks like a number)' }),
  },
  { error: 'expected a mapping with "mechanism", "username" and "password"' },
);

const PROMETHEUS_EXPECTED = 'expected an http(s) URL, or false for none';
const KafkaSchema = z
  .strictObject(
    {
      brokers: BrokersSchema,
      clientId: z.string({ error: 'expected a client id' }).min(1, { error: 'expected a client id' }),
      ssl: bool(),
      sasl: SaslSchema,
      timeout: intIn(LIMITS.kafkaTimeoutMs.min, LIMITS.kafkaTimeoutMs.max, 'milliseconds'),
      topics: z.array(TopicSchema, { error: 'expected a list of topic names' }),
      liveTopic: TopicSchema,
      streamService: z.string({ error: 'expected a service name' }),
      groups: z.array(GroupSchema, { error: 'expected a list of consumer groups' }),
      prometheus: z.union([ProbeUrlSchema, z.literal(false, { error: PROMETHEUS_EXPECTED })], { error: PROMETHEUS_EXPECTED }),
    },
    { error: 'expected a mapping of Kafka settings (brokers, topics, groups, ...)' },
  )
  .partial();

const PLANS_DIR_EXPECTED = 'expected a directory path';
const PlansSchema = z.union(
  [
    z.string({ error: PLANS_DIR_EXPECTED }).min(1, { error: PLANS_DIR_EXPECTED }),
    z
      .strictObject(
        {
          dir: z.string({ error: PLANS_DIR_EXPECTED }).min(1, { error: PLANS_DIR_EXPECTED }),
          file: z.string({ error: 'expected a markdown file name' }).regex(/\.md$/i, { error: 'expected a markdown file name ending in .md' }),
        },
        { error: 'expected a mapping with "dir" and optionally "file"' },
      )
      .partial(),
  ],
  { error: 'expected a directory, or a mapping {dir: ..., file: ...}' },
);

// ---------------------------------------------------------------------------------------------
// recording
// ---------------------------------------------------------------------------------------------

const megabytes = (what: string) =>
  z.number({ error: `expected the ${what} in megabytes, a whole number from 1 to 100000` }).int({ error: `expected the ${what} in megabytes, a whole number from 1 to 100000` }).min(1).max(100_000);

const RecordingSchema = z
  .strictObject(
    {
      dir: z.string({ error: 'expected a directory for the recordings' }).min(1, { error: 'expected a directory for the recordings' }),
      golden: z.string({ error: 'expected the path of a recording (.jsonl)' }).min(1, { error: 'expected the path of a recording (.jsonl)' }),
      maxFileMB: megabytes('size of one recording file'),
      maxTotalMB: megabytes('total size of the recordings'),
    },
    { error: 'expected a mapping with dir, golden, maxFileMB, maxTotalMB (all optional)' },
  )
  .partial();

// ---------------------------------------------------------------------------------------------
// scenarios
// ---------------------------------------------------------------------------------------------

/** Keys the dashboard itself uses: a scenario may not take them. */
export const RESERVED_KEYS: readonly string[] = ['q', '?', '/', 'c', 'f', 'r', 'R', 'j', 'k', ' '];

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)$/;
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "1500ms", "1.5s", "90s", "2m", "2min", "1h" → milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2]]);
}

function durationText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** A duration with its unit, from min to max ms; the output is milliseconds. */
function durationIn(minMs: number, maxMs: number) {
  const error = `expected a duration from ${durationText(minMs)} to ${durationText(maxMs)}, such as 90s, 2m or 1500ms`;
  return z.union([z.string(), z.number()], { error }).transform((v, ctx) => {
    if (typeof v === 'number') {
      ctx.addIssue({ code: 'custom', message: 'expected a duration with its unit, such as 60s or 1500ms (a bare number could be either)', input: v });
      return z.NEVER;
    }
    const ms = parseDuration(v);
    if (ms === undefined || ms < minMs || ms > maxMs) {
      ctx.addIssue({ code: 'custom', message: error, input: v });
      return z.NEVER;
    }
    return ms;
  });
}

export const LIMITS_SCENARIO = {
  stopTimeoutS: { min: 0, max: 600 },
  autoRestoreMs: { min: 1000, max: 24 * 3_600_000 },
  withinMs: { min: 100, max: 3_600_000 },
} as const;

export const STEP_ACTIONS = ['pause', 'unpause', 'stop', 'start', 'kill', 'restart'] as const;
const ACTION_EXPECTED = 'expected pause, unpause, stop, start, kill or restart';

const SIGNALS = [
  'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM',
  'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO',
  'POLL', 'PWR', 'SYS',
];
const SIGNAL_EXPECTED = 'expected a signal such as SIGKILL, SIGTERM or SIGINT (or its number, 1 to 64)';

/** "SIGKILL", "kill", "KILL" → "SIGKILL"; 9 → "9" (Docker takes both). */
const SignalSchema = z.union([z.string(), z.number()], { error: SIGNAL_EXPECTED }).transform((v, ctx) => {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 1 && v <= 64) return String(v);
  } else {
    const name = v.trim().toUpperCase().replace(/^SIG/, '');
    if (SIGNALS.includes(name)) return `SIG${name}`;
  }
  ctx.addIssue({ code: 'custom', message: SIGNAL_EXPECTED, input: v });
  return z.NEVER;
});

/** One of STEP_ACTIONS; a near miss gets a "did you mean". */
const ActionSchema = z.string({ error: ACTION_EXPECTED }).transform((v, ctx) => {
  const action = STEP_ACTIONS.find((a) => a === v);
  if (action) return action;
  const guess = didYouMean(v, STEP_ACTIONS);
  ctx.addIssue({
    code: 'custom',
    message: guess ? `unknown action "${v}" (did you mean "${guess}"?); ${ACTION_EXPECTED}` : ACTION_EXPECTED,
    input: v,
  });
  return z.NEVER;
});

const StepSchema = z
  .strictObject(
    {
      action: ActionSchema,
      service: z.string({ error: 'expected a service name' }).min(1, { error: 'expected a service name' }),
      timeout: intIn(LIMITS_SCENARIO.stopTimeoutS.min, LIMITS_SCENARIO.stopTimeoutS.max, 'seconds'),
      signal: SignalSchema,
    },
    { error: 'expected a mapping such as {action: pause, service: kafka}' },
  )
  .partial({ timeout: true, signal: true })
  .superRefine((step, ctx) => {
    if (step.timeout !== undefined && step.action !== 'stop' && step.action !== 'restart') {
      ctx.addIssue({ code: 'custom', path: ['timeout'], message: `only stop and restart take a timeout (this step is ${step.action})`, input: step.timeout });
    }
    if (step.signal !== undefined && step.action !== 'kill') {
      ctx.addIssue({ code: 'custom', path: ['signal'], message: `only kill takes a signal (this step is ${step.action})`, input: step.signal });
    }
  });

const EXPECT_KINDS = ['rateZero', 'lagGrowing', 'brokerUnreachable', 'service'] as const;
const EXPECT_ONE_OF = 'rateZero: true, lagGrowing: true, brokerUnreachable: true, or service: <name> with state: <state>';
const TRUE_EXPECTED = 'expected true (leave the key out otherwise)';

const ExpectSchema = z
  .strictObject(
    {
      rateZero: z.literal(true, { error: TRUE_EXPECTED }),
      topic: TopicSchema,
      lagGrowing: z.literal(true, { error: TRUE_EXPECTED }),
      group: GroupIdSchema,
      brokerUnreachable: z.literal(true, { error: TRUE_EXPECTED }),
      service: z.string({ error: 'expected a service name' }).min(1, { error: 'expected a service name' }),
      state: z.enum(['paused', 'exited', 'running', 'down'], { error: 'expected paused, exited, running or down' }),
      within: durationIn(LIMITS_SCENARIO.withinMs.min, LIMITS_SCENARIO.withinMs.max),
    },
    { error: 'expected a mapping such as {rateZero: true}, {lagGrowing: true}, {brokerUnreachable: true} or {service: minio, state: paused}' },
  )
  .partial()
  .superRefine((e, ctx) => {
    const kinds = EXPECT_KINDS.filter((k) => e[k] !== undefined);
    if (e.state !== undefined && e.service === undefined && kinds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['service'], message: 'missing', input: undefined });
      return;
    }
    if (kinds.length === 0) {
      ctx.addIssue({ code: 'custom', path: [], message: `nothing to check: give one of ${EXPECT_ONE_OF}`, input: e });
      return;
    }
    if (kinds.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [kinds[1]],
        message: `one expectation per scenario: "${kinds[0]}" and "${kinds[1]}" are both given`,
        input: e[kinds[1]],
      });
    }
    if (e.service !== undefined && e.state === undefined) {
      ctx.addIssue({ code: 'custom', path: ['state'], message: 'missing', input: undefined });
    }
    if (e.state !== undefined && e.service === undefined) {
      ctx.addIssue({ code: 'custom', path: ['state'], message: 'state goes with service: <name>', input: e.state });
    }
    if (e.topic !== undefined && e.rateZero === undefined) {
      ctx.addIssue({ code: 'custom', path: ['topic'], message: 'topic goes with rateZero: true', input: e.topic });
    }
    if (e.group !== undefined && e.lagGrowing === undefined) {
      ctx.addIssue({ code: 'custom', path: ['group'], message: 'group goes with lagGrowing: true', input: e.group });
    }
    // Only for an otherwise valid mapping: after `unknown key "lag_growing"`, "nothing to check" is noise.
  }, { when: (payload) => payload.issues.length === 0 });

const SCENARIO_NAME_EXPECTED = 'expected a scenario name (lowercase letters, digits and "-")';
const KEY_EXPECTED = 'expected one printable character such as "1" or "x"';
const KEY_RESERVED = 'expected a key the dashboard does not use (not q ? / c f r R j k or space)';

/** One printable ASCII character; 0..9 may be written unquoted (YAML reads them as numbers). */
const ScenarioKeySchema = z.union([z.string(), z.number()], { error: KEY_EXPECTED }).transform((v, ctx) => {
  const key = typeof v === 'number' ? (Number.isInteger(v) && v >= 0 && v <= 9 ? String(v) : undefined) : v;
  if (key !== undefined && RESERVED_KEYS.includes(key)) {
    ctx.addIssue({ code: 'custom', message: KEY_RESERVED, input: v });
    return z.NEVER;
  }
  if (key === undefined || !/^[\x21-\x7e]$/.test(key)) {
    ctx.addIssue({ code: 'custom', message: KEY_EXPECTED, input: v });
    return z.NEVER;
  }
  return key;
});

const DESCRIPTION_EXPECTED = 'expected one line: what the audience should see';
const DescriptionSchema = z.string({ error: DESCRIPTION_EXPECTED }).transform((v, ctx) => {
  const text = v.trim();
  if (text === '' || text.includes('\n')) {
    ctx.addIssue({ code: 'custom', message: DESCRIPTION_EXPECTED, input: v });
    return z.NEVER;
  }
  return text;
});

const ScenarioSchema = z
  .strictObject(
    {
      name: z.string({ error: SCENARIO_NAME_EXPECTED }).regex(/^[a-z0-9-]+$/, { error: SCENARIO_NAME_EXPECTED }),
      key: ScenarioKeySchema,
      description: DescriptionSchema,
      steps: z
        .array(StepSchema, { error: 'expected a list of steps ("- {action: pause, service: kafka}")' })
        .min(1, { error: 'no steps: a scenario needs at least one' }),
      restore: z.array(StepSchema, { error: 'expected a list of steps ("- {action: unpause, service: kafka}")' }),
      autoRestoreAfter: durationIn(LIMITS_SCENARIO.autoRestoreMs.min, LIMITS_SCENARIO.autoRestoreMs.max),
      expect: ExpectSchema,
    },
    { error: 'expected a mapping describing one scenario (name, key, description, steps)' },
  )
  .partial({ restore: true, autoRestoreAfter: true, expect: true });

const ScenariosSchema = z
  .array(ScenarioSchema, { error: 'expected a list of scenarios ("- name: ...")' })
  .superRefine((list, ctx) => {
    const names = new Map<string, number>();
    const keys = new Map<string, number>();
    list.forEach((s, i) => {
      const first = names.get(s.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate scenario "${s.name}" (already listed as scenarios[${first}])`, input: s.name });
      } else {
        names.set(s.name, i);
      }
      const owner = keys.get(s.key);
      if (owner !== undefined) {
        ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `key "${s.key}" is already taken by scenario "${list[owner].name}"`, input: s.key });
      } else {
        keys.set(s.key, i);
      }
    });
  });

/**
 * The top-level sections. A new section (kafka, scenarios, plans, recording, ...) is one more
 * entry here; unknown-key detection and "did you mean" pick it up automatically.
 */
export const CONFIG_SECTIONS = {
  platform: PlatformSchema,
  project: ProjectSchema,
  docker: DockerSchema,
  refresh: RefreshSchema,
  readOnly: ReadOnlySchema,
  probeTimeout: ProbeTimeoutSchema,
  services: ServicesSchema,
  kafka: KafkaSchema,
  plans: PlansSchema,
  recording: RecordingSchema,
  scenarios: ScenariosSchema,
};

export const ConfigFileSchema = z
  .strictObject(CONFIG_SECTIONS, { error: 'expected a mapping of settings at the top level' })
  .partial();

/** The validated contents of a config file (every key optional). */
export type ConfigFile = z.infer<typeof ConfigFileSchema>;
export type ServiceEntry = z.infer<typeof ServiceSchema>;
export type ProbeEntry = z.infer<typeof ProbeSchema>;
export type KafkaEntry = z.infer<typeof KafkaSchema>;
export type ScenarioEntry = z.infer<typeof ScenarioSchema>;
export type StepEntry = z.infer<typeof StepSchema>;
export type ExpectEntry = z.infer<typeof ExpectSchema>;

// ---------------------------------------------------------------------------------------------
// Schema walking, for "did you mean".
// ---------------------------------------------------------------------------------------------

type AnySchema = z.ZodType;

function unwrap(s: AnySchema): AnySchema {
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      s = s.unwrap() as AnySchema;
    } else if (s instanceof z.ZodPipe) {
      s = s.in as AnySchema;
    } else {
      return s;
    }
  }
}

function objectOption(s: AnySchema): AnySchema {
  if (s instanceof z.ZodUnion) {
    const obj = (s.options as AnySchema[]).map(unwrap).find((o) => o instanceof z.ZodObject);
    return obj ?? s;
  }
  return s;
}

/** The keys allowed in the mapping found at `path` of a config file (empty if not a mapping). */
export function knownKeysAt(path: ReadonlyArray<PropertyKey>, root: AnySchema = ConfigFileSchema): string[] {
  let s: AnySchema | undefined = unwrap(root);
  for (const seg of path) {
    s = objectOption(s);
    if (s instanceof z.ZodObject) s = (s.shape as Record<string, AnySchema>)[String(seg)];
    else if (s instanceof z.ZodArray) s = s.element as AnySchema;
    else return [];
    if (!s) return [];
    s = unwrap(s);
  }
  s = objectOption(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function editDistance(a: string, b: string): number {
  // Damerau-Levenshtein (optimal string alignment): a transposition counts as one edit.
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The known key closest to `key`, if it is close enough to be a plausible typo. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');
  const nk = norm(key);
  const exact = known.find((k) => norm(k) === nk);
  if (exact) return exact;
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(nk, norm(k));
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  if (best === undefined) return undefined;
  const allowed = best.length <= 4 ? 1 : best.length <= 8 ? 2 : 3;
  if (bestD <= allowed) return best;
  // "refreshMs" -> "refresh", "container_name" -> "container": a known key plus a suffix.
  const prefix = known.find((k) => k.length >= 4 && nk.startsWith(norm(k)));
  return prefix;
}

// ---------------------------------------------------------------------------------------------
// YAML source helpers.
// ---------------------------------------------------------------------------------------------

/** Config and compose files are a few KB; parsing a megabyte of YAML already takes seconds. */
const MAX_FILE_BYTES = 1024 * 1024;

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
};

/**
 * Reads a UTF-8 text file. `what` is e.g. "config file"; `hint` is appended when the file is
 * missing (e.g. "Pass an existing file with --config, or omit --config to use ...").
 */
export function readTextFile(path: string, what: string, hint: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    const reason = (code && READ_ERRORS[code]) || (err instanceof Error ? err.message : String(err));
    const tail = code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' ? ` ${hint}` : '';
    throw new ConfigError(`cannot read ${what} ${path}: ${reason}${code ? ` (${code})` : ''}.${tail}`);
  }
  if (buf.length > MAX_FILE_BYTES) {
    throw new ConfigError(`${path}: the file is too large (${buf.length} bytes) to be a ${what}; expected at most ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
  }
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new ConfigError(`${path}: the file is UTF-16 encoded; save it as UTF-8 text.`);
  }
  if (buf.includes(0)) {
    throw new ConfigError(`${path}: this is a binary file, not YAML text; expected a YAML ${what}.`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new ConfigError(`${path}: the file is not valid UTF-8 text; save it as UTF-8.`);
  }
}

/** A parsed YAML document plus what is needed to point at lines. */
export interface YamlSource {
  file: string;
  /** The plain JS value (undefined for an empty document). */
  value: unknown;
  /** 1-based line of the node at `path` (or of its nearest existing ancestor). */
  lineOf(path: ReadonlyArray<PropertyKey>): number;
}

/** Parses YAML text; throws ConfigError "<file>:<line>:<col>: invalid YAML: <reason>". */
export function parseYamlText(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const lineAt = (offset: number) => Math.max(1, lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lineCounter.linePos(e.pos[0]);
    const reason =
      e.code === 'MULTIPLE_DOCS'
        ? 'the file holds more than one YAML document ("---"); expected a single one'
        : e.message.split('\n')[0];
    throw new ConfigError(`${file}:${Math.max(1, pos.line)}:${Math.max(1, pos.col)}: invalid YAML: ${reason}`);
  }
  // An alias inside the node it names (`a: &x [*x]`) makes a cyclic value: refuse it. A key that
  // is a list or a mapping (`? [a, b]`) names no setting: refuse it too (as a JS object key it
  // would be a stringified "[ a, b ]", with a warning from the YAML library on stderr).
  let cyclic: { line: number; name: string } | undefined;
  let complexKey: number | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (complexKey === undefined && pair.key !== null && typeof pair.key === 'object' && !isScalar(pair.key) && !isAlias(pair.key)) {
        const range = (pair.key as { range?: number[] }).range;
        complexKey = range ? lineAt(range[0]) : 1;
        return visit.BREAK;
      }
      return undefined;
    },
    Alias(_key, node, path) {
      const target = node.resolve(doc);
      if (target && path.includes(target)) {
        cyclic = { line: node.range ? lineAt(node.range[0]) : 1, name: node.source };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (complexKey !== undefined) {
    throw new ConfigError(`${file}:${complexKey}: invalid YAML: a key must be a plain name, not a list or a mapping`);
  }
  if (cyclic) {
    throw new ConfigError(`${file}:${cyclic.line}: invalid YAML: the alias *${cyclic.name} is used inside its own anchor`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(`${file}: invalid YAML: ${reason}`);
  }
  return {
    file,
    value: value === null ? undefined : value,
    lineOf(path) {
      let node: unknown = doc.contents;
      let line = node && (node as { range?: number[] }).range ? lineAt((node as { range: number[] }).range[0]) : 1;
      for (const seg of path) {
        if (isMap(node)) {
          const pair = node.items.find(
            (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
          );
          if (!pair) break;
          const key = pair.key as { range?: number[] };
          if (key.range) line = lineAt(key.range[0]);
          node = pair.value;
        } else if (isSeq(node) && typeof seg === 'number') {
          const item = node.items[seg] as { range?: number[] } | null | undefined;
          if (!item) break;
          if (item.range) line = lineAt(item.range[0]);
          node = item;
        } else {
          break;
        }
      }
      return line;
    },
  };
}

/** services[1].essential */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** How a value is shown after "got": "yes" (quoted), 50, true, a list, a mapping, nothing. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') {
    const s = v.length > 60 ? `${v.slice(0, 57)}...` : v;
    return JSON.stringify(s);
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return `the date ${v.toISOString().slice(0, 10)}`;
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Map);
}
