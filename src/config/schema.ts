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
// ---------------------------------------------------------------------------------------------

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';

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
        ctx.addIssue({ code: 'custom', message: list, input: text });
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
      prometheus: z.union([ProbeUrlSchema, z.literal(false)], { error: 'expected an http(s) URL, or false for none' }),
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
};

export const ConfigFileSchema = z
  .strictObject(CONFIG_SECTIONS, { error: 'expected a mapping of settings at the top level' })
  .partial();

/** The validated contents of a config file (every key optional). */
export type ConfigFile = z.infer<typeof ConfigFileSchema>;
export type ServiceEntry = z.infer<typeof ServiceSchema>;
export type ProbeEntry = z.infer<typeof ProbeSchema>;
export type KafkaEntry = z.infer<typeof KafkaSchema>;

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

const MAX_FILE_BYTES = 4 * 1024 * 1024;

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
    throw new ConfigError(`${path}: the file is too large (${buf.length} bytes) to be a ${what}.`);
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
  // An alias inside the node it names (`a: &x [*x]`) makes a cyclic value: refuse it.
  let cyclic: { line: number; name: string } | undefined;
  visit(doc, {
    Alias(_key, node, path) {
      const target = node.resolve(doc);
      if (target && path.includes(target)) {
        cyclic = { line: node.range ? lineAt(node.range[0]) : 1, name: node.source };
        return visit.BREAK;
      }
      return undefined;
    },
  });
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
