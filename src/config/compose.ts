// Derive the service list from a docker-compose file (--compose).
//
// For each compose service: its name; container_name (default "<project>-<name>-1", the docker
// compose v2 naming, where project is the top-level `name:` or the normalized directory name);
// healthcheck defined and not disabled; published host ports (short and long syntax). A service
// matching a built-in K2 service (by name, else by container name) takes that service's
// essential / mayRunOnHost / probe, with the probe port following a remapped published port.
// Other services are essential with no probe. Only the keys read here are checked; the rest of
// the compose file is docker compose's business.

import { basename, dirname, resolve } from 'node:path';
import { DEFAULT_SERVICES } from './defaults.js';
import type { ProbeSpec, ServiceSpec } from './types.js';
import {
  ConfigError,
  PROJECT_NAME_RE,
  describeValue,
  formatPath,
  isPlainObject,
  parseYamlText,
  readTextFile,
  type YamlSource,
} from './schema.js';

export interface ComposeServices {
  /** The compose top-level `name:`, when present. */
  project?: string;
  services: ServiceSpec[];
}

export type ComposeEnv = Record<string, string | undefined>;

const COMPOSE_HINT =
  'Pass an existing docker-compose file with --compose, or omit --compose to use the built-in K2 services.';

/** The largest port range expanded into individual ports. */
const MAX_RANGE = 1024;

/** Reads a compose file and derives its services. Throws ConfigError. */
export function readComposeFile(path: string, probeTimeoutMs: number, env: ComposeEnv = {}): ComposeServices {
  return servicesFromCompose(readTextFile(path, 'compose file', COMPOSE_HINT), path, probeTimeoutMs, env);
}

/** docker compose's project name normalization: lowercase, keep [a-z0-9_-], no leading "_" or "-". */
export function normalizeProjectName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

/**
 * Compose variable interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
 * ${VAR:+alt}, ${VAR+alt}, ${VAR:?msg}, ${VAR?msg}. Unset variables become "" (as compose does,
 * minus its warning); the "?" forms do not fail here.
 */
export function interpolate(s: string, env: ComposeEnv): string {
  return s.replace(/\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, dollar, braced, op, arg, bare) => {
    if (dollar) return '$';
    const name = (braced ?? bare) as string;
    const v = env[name];
    switch (op as string | undefined) {
      case ':-':
        return v ? v : arg;
      case '-':
        return v !== undefined ? v : arg;
      case ':+':
        return v ? arg : '';
      case '+':
        return v !== undefined ? arg : '';
      default:
        return v ?? '';
    }
  });
}

export interface PortMapping {
  published: number;
  /** Container port, when known. */
  target?: number;
}

function portNumber(s: string): number | undefined {
  if (!/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** "9000" -> [9000, 9000]; "9000-9001" -> [9000, 9001]; otherwise undefined. */
function portRange(s: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s.trim());
  if (!m) return undefined;
  const lo = portNumber(m[1]);
  const hi = m[2] !== undefined ? portNumber(m[2]) : lo;
  if (lo === undefined || hi === undefined || hi < lo || hi - lo >= MAX_RANGE) return undefined;
  return [lo, hi];
}

function expand(host: [number, number], target?: [number, number]): PortMapping[] {
  const out: PortMapping[] = [];
  for (let p = host[0]; p <= host[1]; p++) {
    out.push({ published: p, target: target ? target[0] + (p - host[0]) : undefined });
  }
  return out;
}

/**
 * The published host ports of one `ports:` entry, short or long syntax. Entries that publish
 * nothing ("8080", "127.0.0.1::80") or that cannot be read give [].
 */
export function portMappings(entry: unknown, env: ComposeEnv = {}): PortMapping[] {
  if (typeof entry === 'number') return []; // container port only
  if (typeof entry === 'string') {
    let spec = interpolate(entry, env).trim();
    spec = spec.replace(/\/[a-z]+$/i, ''); // "/udp", "/tcp", "/sctp"
    spec = spec.replace(/^\[[^\]]*\]:/, ''); // "[::1]:6001:6001"
    const parts = spec.split(':');
    if (parts.length < 2) return []; // "8080": container port only, not published
    const container = portRange(parts[parts.length - 1]);
    const hostPart = parts[parts.length - 2].trim();
    if (hostPart === '' || !container) return []; // "127.0.0.1::5000": random host port
    const host = portRange(hostPart);
    if (!host) return [];
    if (host[0] === host[1]) return [{ published: host[0], target: container[0] === container[1] ? container[0] : undefined }];
    if (container[0] === container[1]) return []; // host range to one port: docker picks one
    if (host[1] - host[0] !== container[1] - container[0]) return [];
    return expand(host, container);
  }
  if (isPlainObject(entry)) {
    const t = entry.target;
    const target = typeof t === 'number' ? t : typeof t === 'string' ? portNumber(interpolate(t, env).trim()) : undefined;
    const p = entry.published;
    const published = typeof p === 'number' ? String(p) : typeof p === 'string' ? interpolate(p, env).trim() : '';
    const range = portRange(published);
    if (!range) return [];
    if (range[0] === range[1]) return [{ published: range[0], target }];
    return expand(range);
  }
  return [];
}

/** The distinct published host ports of one `ports:` entry. */
export function publishedPorts(entry: unknown, env: ComposeEnv = {}): number[] {
  return [...new Set(portMappings(entry, env).map((m) => m.published))];
}

function healthcheckDefined(hc: unknown): boolean {
  if (!isPlainObject(hc)) return false;
  if (hc.disable === true || hc.disable === 'true') return false;
  const test = hc.test;
  if (test === 'NONE' || (Array.isArray(test) && test[0] === 'NONE')) return false;
  return true;
}

function defaultPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** The default probe, with its port following the compose mapping when the service remaps it. */
function remapProbe(probe: ProbeSpec, mappings: PortMapping[], timeoutMs: number): ProbeSpec {
  let url: URL;
  try {
    url = new URL(probe.url);
  } catch {
    return { url: probe.url, timeoutMs };
  }
  const port = defaultPort(url);
  let next: number | undefined;
  if (mappings.some((m) => m.published === port)) next = port;
  else next = mappings.find((m) => m.target === port)?.published;
  if (next === undefined) {
    const distinct = [...new Set(mappings.map((m) => m.published))];
    if (distinct.length === 1) next = distinct[0];
  }
  if (next !== undefined && next !== port) url.port = String(next);
  return { url: next !== undefined && next !== port ? url.toString() : probe.url, timeoutMs };
}

function fail(src: YamlSource, path: PropertyKey[], text: string): never {
  const field = formatPath(path);
  throw new ConfigError(`${src.file}:${src.lineOf(path)}: ${field ? `${field}: ` : ''}${text}`);
}

/**
 * Derives services from compose file text. `fileName` is used in messages and, when the file
 * has no top-level `name:`, its directory gives the project used in default container names.
 * Throws ConfigError on bad input.
 */
export function servicesFromCompose(
  text: string,
  fileName: string,
  probeTimeoutMs: number,
  env: ComposeEnv = {},
): ComposeServices {
  const src = parseYamlText(text, fileName);
  const doc = src.value;
  if (!isPlainObject(doc)) {
    fail(src, [], `expected a docker-compose file (a mapping with a "services" section), got ${describeValue(doc)}`);
  }
  if (doc.services === undefined || doc.services === null) {
    fail(src, [], 'no "services" section; expected a docker-compose file that defines services');
  }
  if (!isPlainObject(doc.services)) {
    fail(src, ['services'], `expected a mapping of service names to definitions, got ${describeValue(doc.services)}`);
  }

  let project: string | undefined;
  if (doc.name !== undefined && doc.name !== null) {
    const raw = typeof doc.name === 'string' ? interpolate(doc.name, env).trim() : doc.name;
    if (typeof raw !== 'string' || !PROJECT_NAME_RE.test(raw)) {
      fail(
        src,
        ['name'],
        `expected a compose project name (lowercase letters, digits, "-" and "_", starting with a letter or digit), got ${describeValue(raw)}`,
      );
    }
    project = raw;
  }
  const namingProject = project ?? (normalizeProjectName(basename(dirname(resolve(fileName)))) || 'default');

  const services: ServiceSpec[] = [];
  for (const [name, def] of Object.entries(doc.services)) {
    const at = ['services', name];
    if (def !== null && !isPlainObject(def)) {
      fail(src, at, `expected a mapping (the service definition), got ${describeValue(def)}`);
    }
    const body: Record<string, unknown> = def ?? {};

    let container = `${namingProject}-${name}-1`;
    if (body.container_name !== undefined && body.container_name !== null) {
      if (typeof body.container_name !== 'string' || body.container_name.trim() === '') {
        fail(src, [...at, 'container_name'], `expected a container name, got ${describeValue(body.container_name)}`);
      }
      container = interpolate(body.container_name, env).trim() || container;
    }

    const mappings: PortMapping[] = [];
    if (body.ports !== undefined && body.ports !== null) {
      if (!Array.isArray(body.ports)) {
        fail(src, [...at, 'ports'], `expected a list of port mappings such as "8081:8081", got ${describeValue(body.ports)}`);
      }
      for (const entry of body.ports) mappings.push(...portMappings(entry, env));
    }
    const ports = [...new Set(mappings.map((m) => m.published))];

    const known = DEFAULT_SERVICES.find((d) => d.name === name) ?? DEFAULT_SERVICES.find((d) => d.container === container);

    services.push({
      name,
      container,
      essential: known ? known.essential : true,
      healthcheck: healthcheckDefined(body.healthcheck),
      mayRunOnHost: known ? known.mayRunOnHost : false,
      probe: known?.probe ? remapProbe(known.probe, mappings, probeTimeoutMs) : undefined,
      ports,
    });
  }
  // Like docker compose: without `name:`, the directory names the project (and labels the containers).
  return { project: project ?? namingProject, services };
}
