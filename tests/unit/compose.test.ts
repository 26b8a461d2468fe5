import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  interpolate,
  normalizeProjectName,
  portMappings,
  publishedPorts,
  readComposeFile,
  servicesFromCompose,
} from '../../src/config/compose.js';
import { ConfigError } from '../../src/config/load.js';
import type { ServiceSpec } from '../../src/config/types.js';

const DIR = 'tests/fixtures/compose';
const fx = (name: string) => join(DIR, name);
const text = (name: string) => readFileSync(fx(name), 'utf8');

function byName(services: ServiceSpec[], name: string): ServiceSpec {
  const s = services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name} in ${services.map((x) => x.name).join(', ')}`);
  return s;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('port syntax', () => {
  const { services } = servicesFromCompose(text('ports.yml'), fx('ports.yml'), 1500);
  const ports = (name: string) => byName(services, name).ports;

  it('a container port alone publishes nothing', () => {
    expect(ports('container-only')).toEqual([]);
  });
  it('"8081:8081"', () => expect(ports('simple')).toEqual([8081]));
  it('"127.0.0.1:9000:9000"', () => expect(ports('ip')).toEqual([9000]));
  it('"9000-9001:9000-9001" ranges', () => expect(ports('range')).toEqual([9000, 9001]));
  it('"/udp" and "/tcp" suffixes', () => expect(ports('udp')).toEqual([6060, 53]));
  it('an empty host port (random) publishes nothing', () => expect(ports('random-host')).toEqual([]));
  it('"[::1]:6001:6001" IPv6 host address', () => expect(ports('ipv6')).toEqual([6001]));
  it('long syntax {target, published}', () => expect(ports('long')).toEqual([8088, 8443]));
  it('long syntax with a published range', () => expect(ports('long-range')).toEqual([7000, 7001, 7002]));
  it('duplicates (tcp and udp on one port) are listed once', () => expect(ports('duplicates')).toEqual([5432]));
  it('a host range onto one container port is not determinable', () =>
    expect(ports('host-range-to-one')).toEqual([]));
  it('a remapped port and an unquoted ip:host:container', () => expect(ports('remapped')).toEqual([18081, 2222]));
  it('no ports, or an empty service', () => {
    expect(ports('no-ports')).toEqual([]);
    expect(ports('empty-service')).toEqual([]);
  });

  it('portMappings keeps the container port of each mapping', () => {
    expect(portMappings('18080:8080')).toEqual([{ published: 18080, target: 8080 }]);
    expect(portMappings('9000-9001:9100-9101')).toEqual([
      { published: 9000, target: 9100 },
      { published: 9001, target: 9101 },
    ]);
    expect(portMappings({ target: '8181', published: 8181 })).toEqual([{ published: 8181, target: 8181 }]);
  });

  it('publishedPorts rejects what is not a port mapping', () => {
    expect(publishedPorts('abc:def')).toEqual([]);
    expect(publishedPorts('70000:80')).toEqual([]);
    expect(publishedPorts('9000-9002:9000-9001')).toEqual([]); // mismatched range sizes
    expect(publishedPorts(true)).toEqual([]);
    expect(publishedPorts({ target: 80, published: '' })).toEqual([]);
    expect(publishedPorts('8080:80/sctp')).toEqual([8080]);
  });

  it('interpolates variables in port mappings', () => {
    expect(publishedPorts('${PORT:-3000}:3000')).toEqual([3000]);
    expect(publishedPorts('${PORT:-3000}:3000', { PORT: '3300' })).toEqual([3300]);
    expect(publishedPorts('${PORT}:3000', {})).toEqual([]); // unset: empty host port
    expect(publishedPorts({ target: 80, published: '${WEB}' }, { WEB: '8080' })).toEqual([8080]);
  });
});

describe('container names, healthchecks, project', () => {
  const { project, services } = servicesFromCompose(text('ports.yml'), fx('ports.yml'), 1500);

  it('defaults container_name to <directory>-<service>-1 without a top-level name', () => {
    expect(project).toBe('compose'); // the directory names the project, as docker compose does
    expect(byName(services, 'simple').container).toBe('compose-simple-1');
    expect(byName(services, 'empty-service').container).toBe('compose-empty-service-1');
  });

  it('uses container_name when given', () => {
    expect(byName(services, 'named').container).toBe('my-custom-name');
  });

  it('normalizes the directory name like docker compose', () => {
    const r = servicesFromCompose('services:\n  web:\n    image: nginx\n', '/srv/_My Stack.v2/docker-compose.yml', 1500);
    expect(r.project).toBe('mystackv2');
    expect(r.services[0].container).toBe('mystackv2-web-1');
    expect(normalizeProjectName('-K2_Platform (demo)')).toBe('k2_platformdemo');
  });

  it('takes the project from the top-level name:', () => {
    const r = servicesFromCompose('name: k2-demo\nservices:\n  web:\n    image: nginx\n', '/srv/other/compose.yml', 1500);
    expect(r.project).toBe('k2-demo');
    expect(r.services[0].container).toBe('k2-demo-web-1');
  });

  it('interpolates the top-level name', () => {
    const r = servicesFromCompose('name: ${STACK:-k2}\nservices:\n  web: {}\n', '/x/compose.yml', 1500, {});
    expect(r.project).toBe('k2');
  });

  it('healthcheck: defined, disabled, NONE, absent', () => {
    expect(byName(services, 'with-healthcheck').healthcheck).toBe(true);
    expect(byName(services, 'healthcheck-disabled').healthcheck).toBe(false);
    expect(byName(services, 'healthcheck-none').healthcheck).toBe(false);
    expect(byName(services, 'no-ports').healthcheck).toBe(false);
  });

  it('services that are not K2 defaults are essential with no probe', () => {
    const s = byName(services, 'simple');
    expect(s).toEqual({
      name: 'simple',
      container: 'compose-simple-1',
      essential: true,
      healthcheck: false,
      mayRunOnHost: false,
      probe: undefined,
      ports: [8081],
    });
  });
});

describe('a realistic K2 compose file', () => {
  const r = readComposeFile(fx('k2.yml'), 2000);

  it('reads the project and every service in order', () => {
    expect(r.project).toBe('k2');
    expect(r.services.map((s) => s.name)).toEqual([
      'kafka',
      'schema-registry-1',
      'schema-registry-2',
      'minio',
      'postgres',
      'iceberg-rest',
      'prometheus',
      'grafana',
      'kafka-ui',
      'binance-stream',
      'api',
      'consumer-crypto',
      'loki',
    ]);
  });

  it('derives each service fully', () => {
    const s = (n: string) => byName(r.services, n);
    expect(s('kafka')).toEqual({
      name: 'kafka',
      container: 'k2-kafka',
      essential: true,
      healthcheck: true, // read through the <<: *common merge
      mayRunOnHost: false,
      probe: undefined,
      ports: [9092, 9093, 9997],
    });
    expect(s('schema-registry-1').probe).toEqual({ url: 'http://localhost:8081/subjects', timeoutMs: 2000 });
    // 8082:8081 -- the default already probes 8082
    expect(s('schema-registry-2')).toMatchObject({
      essential: false,
      ports: [8082],
      probe: { url: 'http://localhost:8082/subjects', timeoutMs: 2000 },
    });
    expect(s('minio')).toMatchObject({ ports: [9000, 9001], probe: { url: 'http://localhost:9000/minio/health/live' } });
    expect(s('postgres')).toMatchObject({ ports: [5432], healthcheck: true, probe: undefined });
    expect(s('iceberg-rest')).toMatchObject({ ports: [8181], probe: { url: 'http://localhost:8181/v1/config' } });
    expect(s('grafana')).toMatchObject({ ports: [3000], probe: { url: 'http://localhost:3000/api/health' } });
    // 18080:8080 -- the default probe on 8080 follows the remap
    expect(s('kafka-ui')).toEqual({
      name: 'kafka-ui',
      container: 'k2-kafka-ui',
      essential: false,
      healthcheck: false,
      mayRunOnHost: false,
      probe: { url: 'http://localhost:18080/actuator/health', timeoutMs: 2000 },
      ports: [18080],
    });
    expect(s('api')).toEqual({
      name: 'api',
      container: 'k2-api',
      essential: true,
      healthcheck: false,
      mayRunOnHost: true,
      probe: { url: 'http://localhost:8000/health', timeoutMs: 2000 },
      ports: [8000],
    });
    expect(s('consumer-crypto')).toMatchObject({ essential: false, mayRunOnHost: true, probe: undefined, ports: [] });
    expect(s('loki')).toMatchObject({ container: 'k2-loki-1', essential: true, probe: undefined, ports: [3100] });
  });

  it('follows a port changed through the environment', () => {
    const g = byName(readComposeFile(fx('k2.yml'), 1500, { GRAFANA_PORT: '3300' }).services, 'grafana');
    expect(g.ports).toEqual([3300]);
    expect(g.probe).toEqual({ url: 'http://localhost:3300/api/health', timeoutMs: 1500 });
  });

  it('matches a built-in service by container name when the service name differs', () => {
    const yml = 'services:\n  registry:\n    container_name: k2-schema-registry-1\n    ports: ["18081:8081"]\n';
    const [s] = servicesFromCompose(yml, '/k2/compose.yml', 1500).services;
    expect(s).toEqual({
      name: 'registry',
      container: 'k2-schema-registry-1',
      essential: true,
      healthcheck: false,
      mayRunOnHost: false,
      probe: { url: 'http://localhost:18081/subjects', timeoutMs: 1500 },
      ports: [18081],
    });
  });

  it('keeps the default probe port when the service publishes it or nothing matches', () => {
    const yml = 'services:\n  minio:\n    ports: ["19000:9000", "19001:9001"]\n  grafana: {}\n';
    const r2 = servicesFromCompose(yml, '/k2/compose.yml', 1500);
    expect(byName(r2.services, 'minio').probe!.url).toBe('http://localhost:19000/minio/health/live');
    expect(byName(r2.services, 'grafana').probe!.url).toBe('http://localhost:3000/api/health');
  });
});

describe('compose errors', () => {
  it('a missing file', () => {
    expect(errorOf(() => readComposeFile('nope/compose.yml', 1500))).toBe(
      'cannot read compose file nope/compose.yml: no such file (ENOENT). Pass an existing docker-compose file with --compose, or omit --compose to use the built-in K2 services.',
    );
  });

  it('malformed YAML', () => {
    expect(errorOf(() => servicesFromCompose('services:\n  web:\n    ports: ["80:80"\n', 'dc.yml', 1500))).toMatch(
      /^dc\.yml:4:1: invalid YAML: /,
    );
  });

  it('a top level that is not a mapping', () => {
    expect(errorOf(() => servicesFromCompose('- web\n', 'dc.yml', 1500))).toBe(
      'dc.yml:1: expected a docker-compose file (a mapping with a "services" section), got a list',
    );
  });

  it('an empty file or no services section', () => {
    expect(errorOf(() => servicesFromCompose('', 'dc.yml', 1500))).toBe(
      'dc.yml:1: expected a docker-compose file (a mapping with a "services" section), got nothing',
    );
    expect(errorOf(() => servicesFromCompose('name: k2\nvolumes: {}\n', 'dc.yml', 1500))).toBe(
      'dc.yml:1: no "services" section; expected a docker-compose file that defines services',
    );
  });

  it('services given as a list', () => {
    expect(errorOf(() => readComposeFile(fx('services-list.yml'), 1500))).toBe(
      `${fx('services-list.yml')}:2: services: expected a mapping of service names to definitions, got a list`,
    );
  });

  it('ports given as a string', () => {
    expect(errorOf(() => readComposeFile(fx('bad-ports.yml'), 1500))).toBe(
      `${fx('bad-ports.yml')}:5: services.kafka.ports: expected a list of port mappings such as "8081:8081", got "9092:9092"`,
    );
  });

  it('an invalid project name', () => {
    expect(errorOf(() => readComposeFile(fx('bad-name.yml'), 1500))).toBe(
      `${fx('bad-name.yml')}:1: name: expected a compose project name (lowercase letters, digits, "-" and "_", starting with a letter or digit), got "My Stack"`,
    );
  });

  it('a service that is not a mapping, and a bad container_name', () => {
    expect(errorOf(() => servicesFromCompose('services:\n  web: nginx\n', 'dc.yml', 1500))).toBe(
      'dc.yml:2: services.web: expected a mapping (the service definition), got "nginx"',
    );
    expect(
      errorOf(() => servicesFromCompose('services:\n  web:\n    image: nginx\n    container_name: [a]\n', 'dc.yml', 1500)),
    ).toBe('dc.yml:4: services.web.container_name: expected a container name, got a list');
  });
});

describe('interpolate', () => {
  it('handles the compose forms', () => {
    const env = { A: 'a', EMPTY: '' };
    expect(interpolate('$$A', env)).toBe('$A');
    expect(interpolate('$A-${A}', env)).toBe('a-a');
    expect(interpolate('${B:-dflt}|${EMPTY:-dflt}|${EMPTY-dflt}|${B-dflt}', env)).toBe('dflt|dflt||dflt');
    expect(interpolate('${A:+alt}|${EMPTY:+alt}|${EMPTY+alt}|${B+alt}', env)).toBe('alt||alt|');
    expect(interpolate('${B:?required}|${B}', env)).toBe('|');
  });
});
