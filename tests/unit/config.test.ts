import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfigText, type LoadOptions } from '../../src/config/load.js';
import { didYouMean, knownKeysAt } from '../../src/config/schema.js';
import { DEFAULT_CONFIG, DEFAULT_SERVICES } from '../../src/config/defaults.js';

const CONFIG_DIR = 'tests/fixtures/config';
const COMPOSE_DIR = 'tests/fixtures/compose';
const fx = (name: string) => join(CONFIG_DIR, name);
const compose = (name: string) => join(COMPOSE_DIR, name);

/** The ConfigError message thrown by fn (fails the test if nothing or something else is thrown). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/** Same fixture, reported under the name k2mc.yaml as in the documented examples. */
function errorOfFixture(name: string): string {
  return errorOf(() => parseConfigText(readFileSync(fx(name), 'utf8'), 'k2mc.yaml'));
}

const load = (opts: LoadOptions) => loadConfig({ env: {}, ...opts });

describe('loadConfig: defaults', () => {
  it('uses the built-in K2 defaults with no files and no flags', () => {
    const cfg = load({});
    expect(cfg.platform).toBe('K2');
    expect(cfg.project).toBe('k2');
    expect(cfg.dockerHost).toBeUndefined();
    expect(cfg.refreshMs).toBe(1000);
    expect(cfg.readOnly).toBe(false);
    expect(cfg.source).toBe('built-in defaults');
    expect(cfg.services).toEqual(DEFAULT_SERVICES);
    expect(cfg.services.map((s) => s.container)).toContain('k2-schema-registry-1');
  });

  it('returns copies of the default services, not the shared objects', () => {
    const cfg = load({});
    cfg.services[0].ports.push(1);
    cfg.services[1].probe!.timeoutMs = 1;
    expect(DEFAULT_SERVICES[0].ports).toEqual([9092, 9093, 9997]);
    expect(DEFAULT_SERVICES[1].probe!.timeoutMs).toBe(1500);
  });

  it('treats an empty file as defaults', () => {
    const cfg = load({ configPath: fx('empty.yaml') });
    expect(cfg.services).toEqual(DEFAULT_SERVICES);
    expect(cfg.refreshMs).toBe(DEFAULT_CONFIG.refreshMs);
    expect(cfg.source).toBe(fx('empty.yaml'));
  });

  it('treats a comments-only file as defaults', () => {
    const cfg = load({ configPath: fx('comments-only.yaml') });
    expect(cfg.services).toEqual(DEFAULT_SERVICES);
    expect(cfg.refreshMs).toBe(1000);
  });

  it('treats keys with no value as not set', () => {
    const cfg = load({ configPath: fx('null-sections.yaml') });
    expect(cfg.platform).toBe('K2');
    expect(cfg.dockerHost).toBeUndefined();
    expect(cfg.services).toEqual(DEFAULT_SERVICES);
  });
});

describe('loadConfig: a full config file', () => {
  const cfg = () => load({ configPath: fx('full.yaml') });

  it('reads every top-level key', () => {
    const c = cfg();
    expect(c.platform).toBe('K2 Demo');
    expect(c.project).toBe('k2demo');
    expect(c.dockerHost).toBe('tcp://127.0.0.1:2375');
    expect(c.refreshMs).toBe(2000);
    expect(c.readOnly).toBe(true);
    expect(c.source).toBe(fx('full.yaml'));
  });

  it('replaces the built-in service list and fills per-service defaults', () => {
    const c = cfg();
    expect(c.services).toEqual([
      {
        name: 'kafka',
        container: 'k2-kafka',
        essential: true,
        healthcheck: true,
        mayRunOnHost: false,
        probe: undefined,
        ports: [9092, 9093],
      },
      {
        name: 'api',
        container: 'k2demo-api',
        essential: true,
        healthcheck: false,
        mayRunOnHost: true,
        probe: { url: 'http://localhost:8000/health', timeoutMs: 3000 },
        ports: [8000],
      },
      {
        name: 'grafana',
        container: 'k2demo-grafana',
        essential: false,
        healthcheck: true,
        mayRunOnHost: false,
        probe: { url: 'https://localhost:3000/api/health', timeoutMs: 500 },
        ports: [],
      },
    ]);
  });

  it('uses the project in effect (after --project) for default container names', () => {
    const c = load({ configPath: fx('full.yaml'), flags: { project: 'demo' } });
    expect(c.services.find((s) => s.name === 'api')!.container).toBe('demo-api');
    expect(c.services.find((s) => s.name === 'kafka')!.container).toBe('k2-kafka');
  });

  it('applies probeTimeout to the built-in probes when no services are listed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k2mc-cfg-'));
    try {
      const p = join(dir, 'k2mc.yaml');
      writeFileSync(p, 'probeTimeout: 4000\n');
      const c = load({ configPath: p });
      const probes = c.services.filter((s) => s.probe).map((s) => s.probe!.timeoutMs);
      expect(probes.length).toBeGreaterThan(3);
      expect(new Set(probes)).toEqual(new Set([4000]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadConfig: precedence', () => {
  it('flags win over the config file', () => {
    const c = load({
      configPath: fx('full.yaml'),
      flags: { project: 'other', dockerHost: 'unix:///run/docker.sock', refreshMs: 500, readOnly: false },
    });
    expect(c.project).toBe('other');
    expect(c.dockerHost).toBe('unix:///run/docker.sock');
    expect(c.refreshMs).toBe(500);
    expect(c.readOnly).toBe(false);
    expect(c.platform).toBe('K2 Demo');
  });

  it('undefined flags do not override the file', () => {
    const c = load({ configPath: fx('full.yaml'), flags: { project: undefined, refreshMs: undefined } });
    expect(c.project).toBe('k2demo');
    expect(c.refreshMs).toBe(2000);
    expect(c.readOnly).toBe(true);
  });

  it('flags win over the defaults', () => {
    const c = load({ flags: { refreshMs: 250, readOnly: true, project: 'k2-staging' } });
    expect(c.refreshMs).toBe(250);
    expect(c.readOnly).toBe(true);
    expect(c.project).toBe('k2-staging');
    expect(c.source).toBe('built-in defaults');
  });

  it('the config file wins over the compose file, whose name wins over the default project', () => {
    const onlyCompose = load({ composePath: compose('k2.yml') });
    expect(onlyCompose.project).toBe('k2');
    expect(onlyCompose.source).toBe(compose('k2.yml'));

    const both = load({ composePath: compose('k2.yml'), configPath: fx('full.yaml') });
    expect(both.project).toBe('k2demo');
    expect(both.source).toBe(`${compose('k2.yml')} + ${fx('full.yaml')}`);
  });

  it('config services override compose services of the same name, key by key, and keep the rest', () => {
    const c = load({ composePath: compose('k2.yml'), configPath: fx('override.yaml') });
    const names = c.services.map((s) => s.name);
    // compose order kept, nothing dropped, new names appended
    expect(names.slice(0, 3)).toEqual(['kafka', 'schema-registry-1', 'schema-registry-2']);
    expect(names).toContain('loki');
    expect(names.length).toBe(14);
    expect(names[13]).toBe('trino');
    expect(c.services[13]).toEqual({
      name: 'trino',
      container: 'k2-trino',
      essential: false,
      healthcheck: true,
      mayRunOnHost: false,
      probe: undefined,
      ports: [8085],
    });
    // a config entry that only names some keys keeps the compose values of the others
    const api = c.services.find((s) => s.name === 'api')!;
    expect(api).toEqual({
      name: 'api',
      container: 'k2-api',
      essential: true,
      healthcheck: false,
      mayRunOnHost: true,
      probe: { url: 'http://localhost:8000/health', timeoutMs: 2500 },
      ports: [8000],
    });

    const ui = c.services.find((s) => s.name === 'kafka-ui')!;
    expect(ui).toEqual({
      name: 'kafka-ui',
      container: 'k2-kafka-ui', // from compose
      essential: true, // from the config file (the built-in default says false)
      healthcheck: false, // from compose (disable: true)
      mayRunOnHost: false,
      probe: { url: 'http://localhost:18080/actuator/health', timeoutMs: 2500 },
      ports: [18080],
    });
    // the compose-derived probes use the file's probeTimeout
    expect(c.services.find((s) => s.name === 'grafana')!.probe).toEqual({
      url: 'http://localhost:3000/api/health',
      timeoutMs: 2500,
    });
  });

  it('compose-derived services replace the built-in list', () => {
    const c = load({ composePath: compose('k2.yml') });
    expect(c.services.map((s) => s.name)).toContain('loki');
    expect(c.services.find((s) => s.name === 'loki')).toEqual({
      name: 'loki',
      container: 'k2-loki-1',
      essential: true,
      healthcheck: false,
      mayRunOnHost: false,
      probe: undefined,
      ports: [3100],
    });
  });

  it('passes the environment to compose interpolation', () => {
    const c = load({ composePath: compose('k2.yml'), env: { GRAFANA_PORT: '3300' } });
    expect(c.services.find((s) => s.name === 'grafana')!.probe!.url).toBe('http://localhost:3300/api/health');
  });
});

describe('loadConfig: DOCKER_HOST', () => {
  it('uses DOCKER_HOST when nothing else sets the host', () => {
    expect(load({ env: { DOCKER_HOST: 'tcp://10.0.0.5:2375' } }).dockerHost).toBe('tcp://10.0.0.5:2375');
  });

  it('the config file wins over DOCKER_HOST', () => {
    const c = load({ configPath: fx('full.yaml'), env: { DOCKER_HOST: 'tcp://10.0.0.5:2375' } });
    expect(c.dockerHost).toBe('tcp://127.0.0.1:2375');
  });

  it('the flag wins over DOCKER_HOST', () => {
    const c = load({ flags: { dockerHost: 'unix:///tmp/d.sock' }, env: { DOCKER_HOST: 'tcp://10.0.0.5:2375' } });
    expect(c.dockerHost).toBe('unix:///tmp/d.sock');
  });

  it('an empty DOCKER_HOST is ignored', () => {
    expect(load({ env: { DOCKER_HOST: '' } }).dockerHost).toBeUndefined();
  });

  it('defaults to process.env when env is not given', () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'tcp://from-process-env:2375';
    try {
      expect(loadConfig({}).dockerHost).toBe('tcp://from-process-env:2375');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});

describe('config file errors', () => {
  it('names file, line and field for a wrong type', () => {
    expect(errorOfFixture('bad-essential.yaml')).toBe(
      'k2mc.yaml:7: services[1].essential: expected true or false, got "yes"',
    );
  });

  it('uses the path as given when loading', () => {
    expect(errorOf(() => load({ configPath: fx('bad-essential.yaml') }))).toBe(
      `${fx('bad-essential.yaml')}:7: services[1].essential: expected true or false, got "yes"`,
    );
  });

  it('reports an unknown key with a did-you-mean suggestion', () => {
    expect(errorOfFixture('typo-services.yaml')).toBe('k2mc.yaml:3: unknown key "sevices" (did you mean "services"?)');
  });

  it('reports an out-of-range number', () => {
    expect(errorOfFixture('refresh-low.yaml')).toBe(
      'k2mc.yaml:2: refresh: expected an integer from 200 to 60000 (milliseconds), got 50',
    );
  });

  it('reports malformed YAML with line and column', () => {
    expect(errorOfFixture('malformed.yaml')).toBe(
      'k2mc.yaml:4:3: invalid YAML: Plain value cannot start with reserved character @',
    );
  });

  it('reports duplicate keys as invalid YAML', () => {
    expect(errorOf(() => parseConfigText('refresh: 500\nplatform: K2\nrefresh: 600\n', 'k2mc.yaml'))).toBe(
      'k2mc.yaml:3:1: invalid YAML: Map keys must be unique',
    );
  });

  it('reports several documents in one file', () => {
    expect(errorOf(() => parseConfigText('refresh: 500\n---\nrefresh: 600\n', 'k2mc.yaml'))).toMatch(
      /^k2mc\.yaml:2:1: invalid YAML: the file holds more than one YAML document/,
    );
  });

  it('rejects a list at the top level', () => {
    expect(errorOfFixture('top-list.yaml')).toBe(
      'k2mc.yaml:1: expected a mapping of settings at the top level, got a list',
    );
  });

  it('rejects a scalar at the top level', () => {
    expect(errorOfFixture('top-scalar.yaml')).toBe(
      'k2mc.yaml:1: expected a mapping of settings at the top level, got "just some text"',
    );
  });

  it('reports a missing file with a hint', () => {
    expect(errorOf(() => load({ configPath: 'k2mc.yaml' }))).toBe(
      'cannot read config file k2mc.yaml: no such file (ENOENT). Pass an existing file with --config, or omit --config to use the built-in K2 defaults.',
    );
  });

  it('reports a directory passed as the config file', () => {
    expect(errorOf(() => load({ configPath: CONFIG_DIR }))).toMatch(
      /^cannot read config file tests\/fixtures\/config: it is a directory, not a file \(EISDIR\)\./,
    );
  });

  describe('binary and non-UTF-8 files', () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'k2mc-bin-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('rejects a binary file clearly', () => {
      const p = join(dir, 'k2mc.yaml');
      writeFileSync(p, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
      expect(errorOf(() => load({ configPath: p }))).toBe(
        `${p}: this is a binary file, not YAML text; expected a YAML config file.`,
      );
    });

    it('rejects a non-UTF-8 file clearly', () => {
      const p = join(dir, 'latin1.yaml');
      writeFileSync(p, Buffer.from('platform: Caf\xe9\n', 'latin1'));
      expect(errorOf(() => load({ configPath: p }))).toBe(`${p}: the file is not valid UTF-8 text; save it as UTF-8.`);
    });

    it('rejects a UTF-16 file clearly', () => {
      const p = join(dir, 'utf16.yaml');
      writeFileSync(p, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('refresh: 500\n', 'utf16le')]));
      expect(errorOf(() => load({ configPath: p }))).toBe(`${p}: the file is UTF-16 encoded; save it as UTF-8 text.`);
    });

    it('accepts a UTF-8 BOM', () => {
      const p = join(dir, 'bom.yaml');
      writeFileSync(p, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('platform: Café\n', 'utf8')]));
      expect(load({ configPath: p }).platform).toBe('Café');
    });
  });

  it('reports probe problems in the branch that matches the value', () => {
    expect(errorOfFixture('bad-probes.yaml').split('\n')).toEqual([
      'k2mc.yaml:3: services[0].probe: expected an http:// or https:// URL, got "ftp://localhost/x"',
      'k2mc.yaml:7: services[1].probe: unknown key "timout" (did you mean "timeout"?)',
      'k2mc.yaml:9: services[2].probe: expected an http(s) URL, or a mapping {url: ..., timeout: ms}, got 8081',
      'k2mc.yaml:13: services[3].probe.timeout: expected an integer from 100 to 30000 (milliseconds), got 50',
    ]);
  });

  it('reports nested unknown keys and bad list items at their own lines', () => {
    expect(errorOfFixture('nested-typo.yaml').split('\n')).toEqual([
      'k2mc.yaml:4: services[0]: unknown key "contianer" (did you mean "container"?)',
      'k2mc.yaml:5: services[0].ports[1]: expected an integer from 1 to 65535 (a TCP port), got 70000',
      'k2mc.yaml:7: docker: unknown key "hots" (did you mean "host"?)',
    ]);
  });

  it('reports a missing required key and an empty list item', () => {
    expect(errorOfFixture('missing-name.yaml').split('\n')).toEqual([
      'k2mc.yaml:3: services[1]: missing required key "name"',
      'k2mc.yaml:5: services[2]: expected a mapping describing one service (at least its "name"), got nothing',
    ]);
  });

  it('reports a duplicate service name', () => {
    expect(errorOfFixture('duplicate-name.yaml')).toBe(
      'k2mc.yaml:4: services[2].name: duplicate service "kafka" (already listed as services[0])',
    );
  });

  it('reports every problem, one per line, in line order', () => {
    expect(errorOfFixture('many-errors.yaml').split('\n')).toEqual([
      'k2mc.yaml:1: platform: expected a non-empty name, got ""',
      'k2mc.yaml:2: project: expected a compose project name (lowercase letters, digits, "-" and "_", starting with a letter or digit), got "K2"',
      'k2mc.yaml:3: refresh: expected an integer from 200 to 60000 (milliseconds), got "1000"',
      'k2mc.yaml:4: readOnly: expected true or false, got "no"',
      'k2mc.yaml:5: probeTimeout: expected an integer from 100 to 30000 (milliseconds), got 99999',
      'k2mc.yaml:7: docker.host: expected a Docker engine URL such as unix:///var/run/docker.sock or tcp://host:2375, got "http://localhost:2375"',
    ]);
  });

  it('rejects a non-integer and a non-mapping section', () => {
    expect(errorOf(() => parseConfigText('refresh: 1000.5\n', 'c.yaml'))).toBe(
      'c.yaml:1: refresh: expected an integer from 200 to 60000 (milliseconds), got 1000.5',
    );
    expect(errorOf(() => parseConfigText('platform: K2\ndocker: unix:///x\n', 'c.yaml'))).toBe(
      'c.yaml:2: docker: expected a mapping with the key "host", got "unix:///x"',
    );
    expect(errorOf(() => parseConfigText('services:\n  name: kafka\n', 'c.yaml'))).toBe(
      'c.yaml:1: services: expected a list of services ("- name: ..."), got a mapping',
    );
  });

  it('never leaks zod wording or JSON', () => {
    const msg = errorOf(() =>
      parseConfigText('services:\n  - name: "bad name!"\n    ports: ["80"]\n    container: 5\n', 'c.yaml'),
    );
    expect(msg).not.toMatch(/Invalid input|received|\[\s*\{|"code"/);
    expect(msg.split('\n')).toEqual([
      'c.yaml:2: services[0].name: expected a compose service name (letters, digits, ".", "_" or "-"), got "bad name!"',
      'c.yaml:3: services[0].ports[0]: expected an integer from 1 to 65535 (a TCP port), got "80"',
      'c.yaml:4: services[0].container: expected a container name, got 5',
    ]);
  });

  it('lists the known keys when no key is close to an unknown one', () => {
    expect(errorOf(() => parseConfigText('platform: K2\nbananas: 3\n', 'c.yaml'))).toBe(
      'c.yaml:2: unknown key "bananas" (known keys: platform, project, docker, refresh, readOnly, probeTimeout, services, kafka, plans, recording, scenarios)',
    );
  });
});

describe('flag validation', () => {
  it('rejects an out-of-range --refresh', () => {
    expect(errorOf(() => load({ flags: { refreshMs: 10 } }))).toBe(
      '--refresh: expected an integer from 200 to 60000 (milliseconds), got 10',
    );
  });

  it('rejects an invalid --project', () => {
    expect(errorOf(() => load({ flags: { project: 'K2 Demo' } }))).toMatch(/^--project: expected a compose project name/);
  });

  it('rejects an invalid --docker-host', () => {
    expect(errorOf(() => load({ flags: { dockerHost: 'localhost:2375' } }))).toMatch(
      /^--docker-host: expected a Docker engine URL/,
    );
  });
});

describe('did you mean', () => {
  it('suggests the closest known key for typos, case and snake_case', () => {
    const top = knownKeysAt([]);
    expect(top).toEqual(['platform', 'project', 'docker', 'refresh', 'readOnly', 'probeTimeout', 'services', 'kafka', 'plans', 'recording', 'scenarios']);
    expect(didYouMean('sevices', top)).toBe('services');
    expect(didYouMean('read_only', top)).toBe('readOnly');
    expect(didYouMean('ReadOnly', top)).toBe('readOnly');
    expect(didYouMean('refreshMs', top)).toBe('refresh');
    expect(didYouMean('probe_timeout', top)).toBe('probeTimeout');
    expect(didYouMean('platfrom', top)).toBe('platform');
    expect(didYouMean('zzz', top)).toBeUndefined();
  });

  it('knows the keys of nested mappings', () => {
    expect(knownKeysAt(['services', 0])).toEqual([
      'name',
      'container',
      'essential',
      'healthcheck',
      'mayRunOnHost',
      'probe',
      'ports',
    ]);
    expect(knownKeysAt(['services', 3, 'probe'])).toEqual(['url', 'timeout']);
    expect(knownKeysAt(['docker'])).toEqual(['host']);
    expect(knownKeysAt(['refresh'])).toEqual([]);
    expect(didYouMean('container_name', knownKeysAt(['services', 0]))).toBe('container');
  });
});

describe('YAML edge cases', () => {
  it('refuses a self-referencing alias instead of looping', () => {
    expect(errorOf(() => parseConfigText('platform: K2\nservices: &s\n  - name: a\n  - *s\n', 'c.yaml'))).toBe(
      'c.yaml:4: invalid YAML: the alias *s is used inside its own anchor',
    );
  });

  it('accepts anchors and merge keys', () => {
    const cfg = parseConfigText(
      'services:\n  - &base\n    name: a\n    essential: false\n  - <<: *base\n    name: b\n',
      'c.yaml',
    );
    expect(cfg.services).toEqual([
      { name: 'a', essential: false },
      { name: 'b', essential: false },
    ]);
  });

  it('a top-level null is an empty file', () => {
    expect(parseConfigText('~\n', 'c.yaml')).toEqual({});
  });

  it('handles CRLF line endings and a file without a final newline', () => {
    expect(errorOf(() => parseConfigText('platform: K2\r\nrefresh: 10', 'c.yaml'))).toBe(
      'c.yaml:2: refresh: expected an integer from 200 to 60000 (milliseconds), got 10',
    );
  });
});

describe('recording section', () => {
  it('defaults: no folder or golden recording of its own, 50 MB files, 500 MB in all', () => {
    expect(load({}).recording).toEqual({ dir: undefined, golden: undefined, maxFileBytes: 50 * 2 ** 20, maxTotalBytes: 500 * 2 ** 20 });
  });

  it('resolves paths against the config file and reads the limits in megabytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k2mc-rec-cfg-'));
    try {
      const path = join(dir, 'k2mc.yaml');
      writeFileSync(path, 'recording:\n  dir: recs\n  golden: recs/rehearsal.jsonl\n  maxFileMB: 5\n  maxTotalMB: 40\n');
      expect(load({ configPath: path }).recording).toEqual({ dir: join(dir, 'recs'), golden: join(dir, 'recs/rehearsal.jsonl'), maxFileBytes: 5 * 2 ** 20, maxTotalBytes: 40 * 2 ** 20 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the field and what is expected', () => {
    expect(errorOf(() => parseConfigText('recording:\n  maxFileMB: lots\n', 'c.yaml'))).toBe(
      'c.yaml:2: recording.maxFileMB: expected the size of one recording file in megabytes, a whole number from 1 to 100000, got "lots"',
    );
    expect(errorOf(() => parseConfigText('recording:\n  golden: 3\n', 'c.yaml'))).toMatch(/^c\.yaml:2: recording\.golden: expected the path of a recording \(\.jsonl\)/);
    expect(errorOf(() => parseConfigText('recording:\n  gold: a.jsonl\n', 'c.yaml'))).toBe('c.yaml:2: recording: unknown key "gold" (did you mean "golden"?)');
  });
});
