import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfigText, type LoadOptions } from '../../src/config/load.js';
import { RESERVED_KEYS, didYouMean, knownKeysAt, parseDuration } from '../../src/config/schema.js';
import { DEFAULT_CONFIG, DEFAULT_SERVICES } from '../../src/config/defaults.js';
import { DEFAULT_SCENARIOS, scenarioServices } from '../../src/control/defaults.js';
import type { Scenario } from '../../src/control/types.js';

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

const parseError = (text: string) => errorOf(() => parseConfigText(text, 'k2mc.yaml'));
const problems = (text: string) => parseError(text).split('\n');

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'k2mc-scn-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes text to `name` in a fresh directory under the temp dir; returns its path. */
function file(text: string, name = 'k2mc.yaml'): string {
  const sub = join(dir, String(++n));
  mkdirSync(sub);
  const p = join(sub, name);
  writeFileSync(p, text);
  return p;
}

const load = (opts: LoadOptions) => loadConfig({ env: {}, ...opts });
const loadText = (text: string, extra: LoadOptions = {}) => load({ configPath: file(text), ...extra });

/** A one-scenario file around the given lines (indented as list-item keys). */
const one = (...lines: string[]) => `scenarios:\n  - name: s\n${lines.map((l) => `    ${l}`).join('\n')}\n`;

describe('DEFAULT_SCENARIOS', () => {
  it('are the six K2 scenarios on keys 1-6', () => {
    expect(DEFAULT_SCENARIOS.map((s) => [s.key, s.name])).toEqual([
      ['1', 'stream-outage'],
      ['2', 'consumer-stall'],
      ['3', 'broker-outage'],
      ['4', 'registry-failover'],
      ['5', 'storage-outage'],
      ['6', 'api-crash'],
    ]);
  });

  it('name only services of the built-in service list', () => {
    const names = new Set(DEFAULT_SERVICES.map((s) => s.name));
    for (const s of DEFAULT_SCENARIOS) for (const svc of scenarioServices(s)) expect(names.has(svc), `${s.name}: ${svc}`).toBe(true);
  });

  it('use no reserved key, and no key or name twice', () => {
    for (const s of DEFAULT_SCENARIOS) expect(RESERVED_KEYS).not.toContain(s.key);
    expect(new Set(DEFAULT_SCENARIOS.map((s) => s.key)).size).toBe(6);
    expect(new Set(DEFAULT_SCENARIOS.map((s) => s.name)).size).toBe(6);
  });

  it('say what the audience should see and what to check', () => {
    const by = (name: string) => DEFAULT_SCENARIOS.find((s) => s.name === name)!;
    expect(by('stream-outage')).toEqual({
      name: 'stream-outage',
      key: '1',
      description: 'the trade rate falls to 0, the stream shows paused',
      steps: [{ action: 'pause', service: 'binance-stream' }],
      restore: [{ action: 'unpause', service: 'binance-stream' }],
      expect: { kind: 'rate-zero', withinMs: 10_000 },
    });
    expect(by('consumer-stall').steps).toEqual([{ action: 'pause', service: 'consumer-crypto' }]);
    expect(by('consumer-stall').expect).toEqual({ kind: 'lag-growing', withinMs: 15_000 });
    expect(by('consumer-stall').restore).toBeUndefined();
    expect(by('broker-outage').steps).toEqual([{ action: 'pause', service: 'kafka' }]);
    expect(by('broker-outage').expect).toEqual({ kind: 'broker-unreachable', withinMs: 10_000 });
    expect(by('registry-failover')).toMatchObject({
      steps: [{ action: 'stop', service: 'schema-registry-1', timeoutS: 10 }],
      restore: [{ action: 'start', service: 'schema-registry-1' }],
      expect: { kind: 'service-state', service: 'schema-registry-1', state: 'exited', withinMs: 15_000 },
    });
    expect(by('storage-outage')).toMatchObject({
      steps: [{ action: 'pause', service: 'minio' }],
      expect: { kind: 'service-state', service: 'minio', state: 'paused', withinMs: 5_000 },
    });
    expect(by('api-crash')).toMatchObject({
      steps: [{ action: 'kill', service: 'api', signal: 'SIGKILL' }],
      restore: [{ action: 'start', service: 'api' }],
      expect: { kind: 'service-state', service: 'api', state: 'down', withinMs: 5_000 },
    });
    for (const s of DEFAULT_SCENARIOS) expect(s.autoRestoreAfterMs).toBeUndefined();
  });

  it('scenarioServices lists steps, restore and the expected service once each', () => {
    expect(scenarioServices(DEFAULT_SCENARIOS[3])).toEqual(['schema-registry-1']);
    expect(
      scenarioServices({
        name: 'x',
        key: 'x',
        description: 'x',
        steps: [{ action: 'pause', service: 'a' }, { action: 'pause', service: 'b' }],
        restore: [{ action: 'unpause', service: 'c' }],
        expect: { kind: 'service-state', service: 'd', state: 'paused', withinMs: 1000 },
      }),
    ).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('loadConfig: scenarios by default', () => {
  it('are the built-in ones with no config', () => {
    expect(DEFAULT_CONFIG.scenarios).toBe(DEFAULT_SCENARIOS);
    expect(load({}).scenarios).toEqual(DEFAULT_SCENARIOS);
  });

  it('are copies, not the shared objects', () => {
    const c = load({});
    c.scenarios[0].steps[0].service = 'changed';
    c.scenarios[0].steps.push({ action: 'stop', service: 'x' });
    expect(DEFAULT_SCENARIOS[0].steps).toEqual([{ action: 'pause', service: 'binance-stream' }]);
  });

  it('are the built-in ones for a file without scenarios, or with `scenarios:` and no value', () => {
    expect(loadText('platform: K2\n').scenarios).toEqual(DEFAULT_SCENARIOS);
    expect(loadText('scenarios:\n').scenarios).toEqual(DEFAULT_SCENARIOS);
    expect(loadText('scenarios: ~\n').scenarios).toEqual(DEFAULT_SCENARIOS);
  });

  it('`scenarios: []` means none', () => {
    expect(loadText('scenarios: []\n').scenarios).toEqual([]);
  });

  it('drop the built-in scenarios whose services a `services` list of the file lacks', () => {
    const c = loadText('services:\n  - name: kafka\n  - name: api\n  - name: grafana\n');
    expect(c.scenarios.map((s) => s.name)).toEqual(['broker-outage', 'api-crash']);
  });
});

describe('loadConfig: scenarios with --compose', () => {
  const composeWith = (services: string[]) =>
    file(`name: k2\nservices:\n${services.map((s) => `  ${s}:\n    image: busybox\n`).join('')}`, 'docker-compose.yml');

  it('keep every built-in scenario when the compose file has all their services', () => {
    const c = load({ composePath: 'tests/fixtures/compose/k2.yml' });
    expect(c.scenarios).toEqual(DEFAULT_SCENARIOS);
  });

  it('drop the built-in scenarios naming a service the compose file lacks', () => {
    const c = load({ composePath: composeWith(['kafka', 'minio', 'schema-registry-1', 'postgres']) });
    expect(c.scenarios.map((s) => s.name)).toEqual(['broker-outage', 'registry-failover', 'storage-outage']);
  });

  it('keep none when the compose file shares no service with them', () => {
    expect(load({ composePath: composeWith(['web', 'db']) }).scenarios).toEqual([]);
  });

  it('count services the config file adds to the compose ones', () => {
    const c = load({
      composePath: composeWith(['kafka']),
      configPath: file('services:\n  - name: api\n    container: my-api\n'),
    });
    expect(c.scenarios.map((s) => s.name)).toEqual(['broker-outage', 'api-crash']);
  });

  it('a scenarios list in the file replaces the built-in ones and may name compose-only services', () => {
    const c = load({
      composePath: composeWith(['kafka', 'web']),
      configPath: file(one('key: w', 'description: the web page goes blank', 'steps: [{action: stop, service: web}]')),
    });
    expect(c.scenarios).toEqual([
      { name: 's', key: 'w', description: 'the web page goes blank', steps: [{ action: 'stop', service: 'web' }] },
    ]);
  });

  it('checks a file scenario against the compose-derived services', () => {
    const msg = errorOf(() =>
      load({
        composePath: composeWith(['kafka', 'web']),
        configPath: file(one('key: w', 'description: x', 'steps: [{action: stop, service: minio}]')),
      }),
    );
    expect(msg).toMatch(/:5: scenarios\[0\]\.steps\[0\]\.service: scenario "s", step 1 \(stop minio\): unknown service "minio"; known services: kafka, web$/);
  });
});

describe('loadConfig: a scenarios list in the file', () => {
  const FULL = `
scenarios:
  - name: stream-outage
    key: 1
    description: the trade rate falls to 0
    steps:
      - {action: pause, service: binance-stream}
    restore:
      - {action: unpause, service: binance-stream}
    autoRestoreAfter: 60s
    expect: {rateZero: true, within: 10s}
  - name: double-trouble
    key: "x"
    description: "  both registries go, then minio  "
    steps:
      - {action: stop, service: schema-registry-1, timeout: 5}
      - action: restart
        service: schema-registry-2
        timeout: 0
      - {action: kill, service: minio, signal: term}
      - {action: kill, service: api, signal: 9}
      - {action: kill, service: kafka}
      - {action: start, service: postgres}
      - {action: unpause, service: grafana}
    restore: []
    autoRestoreAfter: 2m
    expect: {service: minio, state: down, within: 1500ms}
  - name: lag
    key: L
    description: lag grows
    steps: [{action: pause, service: consumer-crypto}]
    expect: {lagGrowing: true, group: k2-iceberg-writer}
  - name: other-topic
    key: "0"
    description: quotes stop
    steps: [{action: pause, service: binance-stream}]
    autoRestoreAfter: 1.5s
    expect: {rateZero: true, topic: market.crypto.quotes.binance}
  - name: broker
    key: "!"
    description: broker gone
    steps: [{action: pause, service: kafka}]
    expect: {brokerUnreachable: true, within: 1h}
  - name: no-expect
    key: 9
    description: nothing checked
    steps: [{action: pause, service: kafka-ui}]
`;

  it('resolves every key into a Scenario', () => {
    const list: Scenario[] = loadText(FULL).scenarios;
    expect(list).toEqual([
      {
        name: 'stream-outage',
        key: '1',
        description: 'the trade rate falls to 0',
        steps: [{ action: 'pause', service: 'binance-stream' }],
        restore: [{ action: 'unpause', service: 'binance-stream' }],
        autoRestoreAfterMs: 60_000,
        expect: { kind: 'rate-zero', withinMs: 10_000 },
      },
      {
        name: 'double-trouble',
        key: 'x',
        description: 'both registries go, then minio',
        steps: [
          { action: 'stop', service: 'schema-registry-1', timeoutS: 5 },
          { action: 'restart', service: 'schema-registry-2', timeoutS: 0 },
          { action: 'kill', service: 'minio', signal: 'SIGTERM' },
          { action: 'kill', service: 'api', signal: '9' },
          { action: 'kill', service: 'kafka' },
          { action: 'start', service: 'postgres' },
          { action: 'unpause', service: 'grafana' },
        ],
        restore: [],
        autoRestoreAfterMs: 120_000,
        expect: { kind: 'service-state', service: 'minio', state: 'down', withinMs: 1500 },
      },
      {
        name: 'lag',
        key: 'L',
        description: 'lag grows',
        steps: [{ action: 'pause', service: 'consumer-crypto' }],
        expect: { kind: 'lag-growing', group: 'k2-iceberg-writer', withinMs: 15_000 },
      },
      {
        name: 'other-topic',
        key: '0',
        description: 'quotes stop',
        steps: [{ action: 'pause', service: 'binance-stream' }],
        autoRestoreAfterMs: 1500,
        expect: { kind: 'rate-zero', topic: 'market.crypto.quotes.binance', withinMs: 10_000 },
      },
      {
        name: 'broker',
        key: '!',
        description: 'broker gone',
        steps: [{ action: 'pause', service: 'kafka' }],
        expect: { kind: 'broker-unreachable', withinMs: 3_600_000 },
      },
      { name: 'no-expect', key: '9', description: 'nothing checked', steps: [{ action: 'pause', service: 'kafka-ui' }] },
    ]);
    // Optional keys left out are absent, not undefined.
    expect(Object.keys(list[5])).toEqual(['name', 'key', 'description', 'steps']);
    expect(Object.keys(list[2].steps[0])).toEqual(['action', 'service']);
  });

  it('defaults within to 15 s for lagGrowing and 10 s for the others', () => {
    const kinds = ['{rateZero: true}', '{lagGrowing: true}', '{brokerUnreachable: true}', '{service: kafka, state: paused}'];
    const got = kinds.map((k) => loadText(one('key: a', 'description: x', 'steps: [{action: pause, service: kafka}]', `expect: ${k}`)).scenarios[0].expect!.withinMs);
    expect(got).toEqual([10_000, 15_000, 10_000, 10_000]);
  });

  it('accepts every action and every state', () => {
    for (const action of ['pause', 'unpause', 'stop', 'start', 'kill', 'restart']) {
      expect(loadText(one('key: a', 'description: x', `steps: [{action: ${action}, service: kafka}]`)).scenarios[0].steps[0].action).toBe(action);
    }
    for (const state of ['paused', 'exited', 'running', 'down']) {
      const e = loadText(one('key: a', 'description: x', 'steps: [{action: pause, service: kafka}]', `expect: {service: kafka, state: ${state}}`)).scenarios[0].expect;
      expect(e).toEqual({ kind: 'service-state', service: 'kafka', state, withinMs: 10_000 });
    }
  });

  it('normalizes signal names and numbers', () => {
    const sig = (s: string) => loadText(one('key: a', 'description: x', `steps: [{action: kill, service: kafka, signal: ${s}}]`)).scenarios[0].steps[0].signal;
    expect(sig('SIGKILL')).toBe('SIGKILL');
    expect(sig('KILL')).toBe('SIGKILL');
    expect(sig('sigterm')).toBe('SIGTERM');
    expect(sig('HUP')).toBe('SIGHUP');
    expect(sig('15')).toBe('15');
    expect(sig('"SIGUSR1"')).toBe('SIGUSR1');
  });

  it('accepts keys 0-9 unquoted and any printable ASCII character not reserved', () => {
    const key = (k: string) => loadText(one(`key: ${k}`, 'description: x', 'steps: [{action: pause, service: kafka}]')).scenarios[0].key;
    expect(key('0')).toBe('0');
    expect(key('7')).toBe('7');
    expect(key('"~"')).toBe('~');
    expect(key('Q')).toBe('Q');
    expect(key('"#"')).toBe('#');
    expect(key('K')).toBe('K');
  });

  it('a scenario may name services of the file\'s own service list', () => {
    const c = loadText(
      'services:\n  - name: web\n  - name: db\nscenarios:\n  - name: db-down\n    key: d\n    description: the page errors\n    steps: [{action: stop, service: db}]\n    expect: {service: db, state: exited}\n',
    );
    expect(c.scenarios[0].steps).toEqual([{ action: 'stop', service: 'db' }]);
  });

  it('a rateZero topic may be any watched topic, and the live topic follows the file', () => {
    const c = loadText(
      'kafka:\n  topics: [a.b, c.d]\nscenarios:\n  - name: t\n    key: t\n    description: x\n    steps: [{action: pause, service: kafka}]\n    expect: {rateZero: true, topic: c.d}\n',
    );
    expect(c.scenarios[0].expect).toEqual({ kind: 'rate-zero', topic: 'c.d', withinMs: 10_000 });
  });
});

describe('scenario validation errors', () => {
  it('reports each problem of a scenario at its own line', () => {
    expect(
      problems(`platform: K2
scenarios:
  - name: Bad Name
    key: q
    description: x
    steps:
      - {action: puase, service: kafka}
      - {action: pause, service: kafka, timeout: 5}
      - {action: kill, service: kafka, signal: SIGFOO}
      - {action: stop, service: kafka, timeout: 900}
    autoRestoreAfter: 60
    expect: {rateZero: true, within: 10 sec}
`),
    ).toEqual([
      'k2mc.yaml:3: scenarios[0].name: expected a scenario name (lowercase letters, digits and "-"), got "Bad Name"',
      'k2mc.yaml:4: scenarios[0].key: expected a key the dashboard does not use (not q ? / c f r R j k or space), got "q"',
      'k2mc.yaml:7: scenarios[0].steps[0].action: unknown action "puase" (did you mean "pause"?); expected pause, unpause, stop, start, kill or restart',
      'k2mc.yaml:8: scenarios[0].steps[1].timeout: only stop and restart take a timeout (this step is pause)',
      'k2mc.yaml:9: scenarios[0].steps[2].signal: expected a signal such as SIGKILL, SIGTERM or SIGINT (or its number, 1 to 64), got "SIGFOO"',
      'k2mc.yaml:10: scenarios[0].steps[3].timeout: expected an integer from 0 to 600 (seconds), got 900',
      'k2mc.yaml:11: scenarios[0].autoRestoreAfter: expected a duration with its unit, such as 60s or 1500ms (a bare number could be either), got 60',
      'k2mc.yaml:12: scenarios[0].expect.within: expected a duration from 100 ms to 1 h, such as 90s, 2m or 1500ms, got "10 sec"',
    ]);
  });

  it('refuses every reserved key', () => {
    for (const k of ['q', '"?"', '/', 'c', 'f', 'r', 'R', 'j', 'k', '" "']) {
      expect(parseError(one(`key: ${k}`, 'description: x', 'steps: [{action: pause, service: kafka}]'))).toMatch(
        /^k2mc\.yaml:3: scenarios\[0\]\.key: expected a key the dashboard does not use \(not q \? \/ c f r R j k or space\), got ".+"$/,
      );
    }
  });

  it('refuses keys that are not one printable ASCII character', () => {
    const err = (k: string) => parseError(one(`key: ${k}`, 'description: x', 'steps: [{action: pause, service: kafka}]'));
    expect(err('12')).toBe('k2mc.yaml:3: scenarios[0].key: expected one printable character such as "1" or "x", got 12');
    expect(err('ab')).toBe('k2mc.yaml:3: scenarios[0].key: expected one printable character such as "1" or "x", got "ab"');
    expect(err('""')).toBe('k2mc.yaml:3: scenarios[0].key: expected one printable character such as "1" or "x", got ""');
    expect(err('×')).toBe('k2mc.yaml:3: scenarios[0].key: expected one printable character such as "1" or "x", got "×"');
    expect(err('"\\t"')).toBe('k2mc.yaml:3: scenarios[0].key: expected one printable character such as "1" or "x", got "\\t"');
    expect(err('1.5')).toBe('k2mc.yaml:3: scenarios[0].key: expected one printable character such as "1" or "x", got 1.5');
    expect(err('true')).toBe('k2mc.yaml:3: scenarios[0].key: expected one printable character such as "1" or "x", got true');
  });

  it('reports missing keys, wrong types and an empty step list', () => {
    expect(
      problems(`scenarios:
  -
  - name: a
  - name: b
    key: b
    description: [a]
    steps: []
  - name: c
    key: x
    description: |
      two
      lines
    steps: {action: pause}
    restore: nope
`),
    ).toEqual([
      'k2mc.yaml:2: scenarios[0]: expected a mapping describing one scenario (name, key, description, steps), got nothing',
      'k2mc.yaml:3: scenarios[1]: missing required key "key"',
      'k2mc.yaml:3: scenarios[1]: missing required key "description"',
      'k2mc.yaml:3: scenarios[1]: missing required key "steps"',
      'k2mc.yaml:6: scenarios[2].description: expected one line: what the audience should see, got a list',
      'k2mc.yaml:7: scenarios[2].steps: no steps: a scenario needs at least one',
      'k2mc.yaml:10: scenarios[3].description: expected one line: what the audience should see, got "two\\nlines\\n"',
      'k2mc.yaml:13: scenarios[3].steps: expected a list of steps ("- {action: pause, service: kafka}"), got a mapping',
      'k2mc.yaml:14: scenarios[3].restore: expected a list of steps ("- {action: unpause, service: kafka}"), got "nope"',
    ]);
  });

  it('reports a blank description', () => {
    expect(parseError(one('key: a', 'description: "  "', 'steps: [{action: pause, service: kafka}]'))).toBe(
      'k2mc.yaml:4: scenarios[0].description: expected one line: what the audience should see, got "  "',
    );
  });

  it('reports bad steps', () => {
    expect(
      problems(
        one(
          'key: a',
          'description: x',
          'steps:',
          '  - pause kafka',
          '  - {action: pause, service: kafka, sevrice: x}',
          '  - {action: 5, service: kafka}',
          '  - {action: explode, service: kafka}',
          '  - {action: pause}',
          '  - {action: pause, service: ""}',
          '  - {action: pause, service: kafka, signal: KILL}',
          '  - {action: stop, service: kafka, timeout: 1.5}',
          '  - {action: kill, service: kafka, signal: 65}',
          '  - {action: kill, service: kafka, signal: true}',
        ),
      ),
    ).toEqual([
      'k2mc.yaml:6: scenarios[0].steps[0]: expected a mapping such as {action: pause, service: kafka}, got "pause kafka"',
      'k2mc.yaml:7: scenarios[0].steps[1]: unknown key "sevrice" (did you mean "service"?)',
      'k2mc.yaml:8: scenarios[0].steps[2].action: expected pause, unpause, stop, start, kill or restart, got 5',
      'k2mc.yaml:9: scenarios[0].steps[3].action: expected pause, unpause, stop, start, kill or restart, got "explode"',
      'k2mc.yaml:10: scenarios[0].steps[4]: missing required key "service"',
      'k2mc.yaml:11: scenarios[0].steps[5].service: expected a service name, got ""',
      'k2mc.yaml:12: scenarios[0].steps[6].signal: only kill takes a signal (this step is pause)',
      'k2mc.yaml:13: scenarios[0].steps[7].timeout: expected an integer from 0 to 600 (seconds), got 1.5',
      'k2mc.yaml:14: scenarios[0].steps[8].signal: expected a signal such as SIGKILL, SIGTERM or SIGINT (or its number, 1 to 64), got 65',
      'k2mc.yaml:15: scenarios[0].steps[9].signal: expected a signal such as SIGKILL, SIGTERM or SIGINT (or its number, 1 to 64), got true',
    ]);
  });

  it('checks restore steps like steps', () => {
    expect(
      parseError(one('key: a', 'description: x', 'steps: [{action: pause, service: kafka}]', 'restore:', '  - {action: unpuase, service: kafka}')),
    ).toBe(
      'k2mc.yaml:7: scenarios[0].restore[0].action: unknown action "unpuase" (did you mean "unpause"?); expected pause, unpause, stop, start, kill or restart',
    );
  });

  it('reports bad durations', () => {
    const base = ['key: a', 'description: x', 'steps: [{action: pause, service: kafka}]'];
    const auto = (v: string) => parseError(one(...base, `autoRestoreAfter: ${v}`));
    const within = (v: string) => parseError(one(...base, `expect: {brokerUnreachable: true, within: ${v}}`));
    const AUTO = 'k2mc.yaml:6: scenarios[0].autoRestoreAfter: expected a duration from 1 s to 24 h, such as 90s, 2m or 1500ms, got';
    const WITHIN = 'k2mc.yaml:6: scenarios[0].expect.within: expected a duration from 100 ms to 1 h, such as 90s, 2m or 1500ms, got';
    expect(auto('2d')).toBe(`${AUTO} "2d"`);
    expect(auto('500ms')).toBe(`${AUTO} "500ms"`);
    expect(auto('25h')).toBe(`${AUTO} "25h"`);
    expect(auto('-5s')).toBe(`${AUTO} "-5s"`);
    expect(auto('s')).toBe(`${AUTO} "s"`);
    expect(auto('true')).toBe(`${AUTO} true`);
    expect(auto('90')).toBe(
      'k2mc.yaml:6: scenarios[0].autoRestoreAfter: expected a duration with its unit, such as 60s or 1500ms (a bare number could be either), got 90',
    );
    expect(within('2h')).toBe(`${WITHIN} "2h"`);
    expect(within('50ms')).toBe(`${WITHIN} "50ms"`);
    expect(within('[1s]')).toBe(`${WITHIN} a list`);
  });

  it('reports bad expectations', () => {
    const base = ['key: a', 'description: x', 'steps: [{action: pause, service: kafka}]'];
    const err = (e: string) => problems(one(...base, `expect: ${e}`));
    const at = 'k2mc.yaml:6: scenarios[0].expect';
    expect(err('{}')).toEqual([
      `${at}: nothing to check: give one of rateZero: true, lagGrowing: true, brokerUnreachable: true, or service: <name> with state: <state>`,
    ]);
    expect(err('rate zero')).toEqual([
      `${at}: expected a mapping such as {rateZero: true}, {lagGrowing: true}, {brokerUnreachable: true} or {service: minio, state: paused}, got "rate zero"`,
    ]);
    expect(err('{rateZero: true, lagGrowing: true}')).toEqual([`${at}.lagGrowing: one expectation per scenario: "rateZero" and "lagGrowing" are both given`]);
    expect(err('{brokerUnreachable: true, service: kafka, state: paused}')).toEqual([
      `${at}.service: one expectation per scenario: "brokerUnreachable" and "service" are both given`,
    ]);
    expect(err('{rateZero: false}')).toEqual([`${at}.rateZero: expected true (leave the key out otherwise), got false`]);
    expect(err('{service: minio}')).toEqual([`${at}: missing required key "state"`]);
    expect(err('{state: paused}')).toEqual([`${at}: missing required key "service"`]);
    expect(err('{rateZero: true, state: paused}')).toEqual([`${at}.state: state goes with service: <name>`]);
    expect(err('{service: minio, state: stopped}')).toEqual([`${at}.state: expected paused, exited, running or down, got "stopped"`]);
    expect(err('{brokerUnreachable: true, topic: a.b}')).toEqual([`${at}.topic: topic goes with rateZero: true`]);
    expect(err('{rateZero: true, group: g}')).toEqual([`${at}.group: group goes with lagGrowing: true`]);
    expect(err('{rateZero: true, topic: "not a topic"}')).toEqual([
      `${at}.topic: expected a Kafka topic name (letters, digits, ".", "_" or "-", at most 249), got "not a topic"`,
    ]);
    expect(err('{rateZero: true, stat: paused}')).toEqual([`${at}: unknown key "stat" (did you mean "state"?)`]);
    expect(err('{lag_growing: true}')).toEqual([`${at}: unknown key "lag_growing" (did you mean "lagGrowing"?)`]);
  });

  it('reports unknown scenario keys with a did-you-mean', () => {
    expect(
      problems(one('key: a', 'descripton: x', 'steps: [{action: pause, service: kafka}]', 'autoRestore: 60s', 'expects: {rateZero: true}')),
    ).toEqual([
      'k2mc.yaml:2: scenarios[0]: missing required key "description"',
      'k2mc.yaml:4: scenarios[0]: unknown key "descripton" (did you mean "description"?)',
      'k2mc.yaml:6: scenarios[0]: unknown key "autoRestore" (known keys: name, key, description, steps, restore, autoRestoreAfter, expect)',
      'k2mc.yaml:7: scenarios[0]: unknown key "expects" (did you mean "expect"?)',
    ]);
    expect(parseError('senarios: []\n')).toBe('k2mc.yaml:1: unknown key "senarios" (did you mean "scenarios"?)');
  });

  it('reports a scenarios section that is not a list', () => {
    expect(parseError('scenarios: {name: a}\n')).toBe('k2mc.yaml:1: scenarios: expected a list of scenarios ("- name: ..."), got a mapping');
    expect(parseError('scenarios: 3\n')).toBe('k2mc.yaml:1: scenarios: expected a list of scenarios ("- name: ..."), got 3');
  });

  it('reports duplicate names and keys', () => {
    expect(
      problems(`scenarios:
  - name: a
    key: 1
    description: x
    steps: [{action: pause, service: kafka}]
  - name: b
    key: "2"
    description: x
    steps: [{action: pause, service: kafka}]
  - name: a
    key: "1"
    description: y
    steps: [{action: pause, service: kafka}]
  - name: c
    key: 2
    description: y
    steps: [{action: pause, service: kafka}]
`),
    ).toEqual([
      'k2mc.yaml:10: scenarios[2].name: duplicate scenario "a" (already listed as scenarios[0])',
      'k2mc.yaml:11: scenarios[2].key: key "1" is already taken by scenario "a"',
      'k2mc.yaml:15: scenarios[3].key: key "2" is already taken by scenario "b"',
    ]);
  });

  it('treats keys as case-sensitive', () => {
    const c = loadText(
      'scenarios:\n  - {name: a, key: a, description: x, steps: [{action: pause, service: kafka}]}\n  - {name: b, key: A, description: x, steps: [{action: pause, service: kafka}]}\n',
    );
    expect(c.scenarios.map((s) => s.key)).toEqual(['a', 'A']);
  });

  it('never leaks zod wording', () => {
    const msg = parseError(one('key: [1]', 'description: 5', 'steps: [{action: {a: 1}, service: [x]}]', 'expect: {service: 5, state: 1}'));
    expect(msg).not.toMatch(/Invalid input|received|expected string|"code"/);
  });
});

describe('scenario cross-checks (loadConfig)', () => {
  const KNOWN =
    'known services: kafka, schema-registry-1, schema-registry-2, minio, postgres, iceberg-rest, prometheus, grafana, kafka-ui, binance-stream, api, consumer-crypto';

  it('names the scenario, the step and the known services for an unknown service', () => {
    const p = file(`scenarios:
  - name: a
    key: 1
    description: x
    steps:
      - {action: pause, service: kafak}
      - {action: pause, service: binance-stream}
      - {action: kill, service: zookeeper}
    restore:
      - {action: unpause, service: zzz}
    expect: {service: mini, state: paused}
  - name: b
    key: 2
    description: x
    steps: [{action: pause, service: kafka}]
`);
    expect(errorOf(() => load({ configPath: p })).split('\n')).toEqual([
      `${p}:6: scenarios[0].steps[0].service: scenario "a", step 1 (pause kafak): unknown service "kafak" (did you mean "kafka"?); ${KNOWN}`,
      `${p}:8: scenarios[0].steps[2].service: scenario "a", step 3 (kill zookeeper): unknown service "zookeeper"; ${KNOWN}`,
      `${p}:10: scenarios[0].restore[0].service: scenario "a", restore step 1 (unpause zzz): unknown service "zzz"; ${KNOWN}`,
      `${p}:11: scenarios[0].expect.service: scenario "a", expect: unknown service "mini" (did you mean "minio"?); ${KNOWN}`,
    ]);
  });

  it('says when no services are configured at all', () => {
    const p = file('services: []\nscenarios:\n  - {name: a, key: a, description: x, steps: [{action: pause, service: kafka}]}\n');
    expect(errorOf(() => load({ configPath: p }))).toBe(
      `${p}:3: scenarios[0].steps[0].service: scenario "a", step 1 (pause kafka): unknown service "kafka"; no services are configured`,
    );
  });

  it('checks against the file\'s own service list, not the built-in one', () => {
    const p = file('services:\n  - name: web\nscenarios:\n  - {name: a, key: a, description: x, steps: [{action: pause, service: kafka}]}\n');
    expect(errorOf(() => load({ configPath: p }))).toBe(
      `${p}:4: scenarios[0].steps[0].service: scenario "a", step 1 (pause kafka): unknown service "kafka"; known services: web`,
    );
  });

  it('refuses a rateZero topic that is not watched', () => {
    const p = file(one('key: a', 'description: x', 'steps: [{action: pause, service: kafka}]', 'expect: {rateZero: true, topic: foo}'));
    expect(errorOf(() => load({ configPath: p }))).toBe(
      `${p}:6: scenarios[0].expect.topic: scenario "s": topic "foo" is not watched, so its rate is never measured; watched topics: market.crypto.trades.binance, market.crypto.quotes.binance, market.crypto.reference_data.binance, market.equities.trades.asx, market.equities.quotes.asx, market.equities.reference_data.asx`,
    );
  });

  it('refuses a rateZero without a topic when there is no live topic', () => {
    const p = file(`kafka:\n  topics: []\n${one('key: a', 'description: x', 'steps: [{action: pause, service: kafka}]', 'expect: {rateZero: true}')}`);
    expect(errorOf(() => load({ configPath: p }))).toBe(
      `${p}:8: scenarios[0].expect.rateZero: scenario "s": no topic to watch; give expect.topic or set kafka.liveTopic`,
    );
  });

  it('refuses a lagGrowing group that is not watched, with a did-you-mean', () => {
    const p = file(one('key: a', 'description: x', 'steps: [{action: pause, service: kafka}]', 'expect: {lagGrowing: true, group: k2-iceberg-writer-crypto}'));
    expect(errorOf(() => load({ configPath: p }))).toBe(
      `${p}:6: scenarios[0].expect.group: scenario "s": group "k2-iceberg-writer-crypto" is not watched (did you mean "k2-iceberg-writer-crypto-v2"?); watched groups: k2-iceberg-writer-crypto-v2, k2-iceberg-writer`,
    );
  });

  it('runs only once the file itself is valid (schema errors first)', () => {
    const p = file(one('key: q', 'description: x', 'steps: [{action: pause, service: nope}]'));
    expect(errorOf(() => load({ configPath: p }))).toBe(
      `${p}:3: scenarios[0].key: expected a key the dashboard does not use (not q ? / c f r R j k or space), got "q"`,
    );
  });
});

describe('parseDuration', () => {
  it('reads a number and a unit', () => {
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('2min')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('0.5h')).toBe(1_800_000);
    expect(parseDuration(' 10 s ')).toBe(10_000);
    expect(parseDuration('0s')).toBe(0);
  });

  it('refuses anything else', () => {
    for (const t of ['', '10', 's', '10 sec', '1m30s', '-1s', '1,5s', '10S', '.5s', '1e3ms', '2d']) expect(parseDuration(t), t).toBeUndefined();
  });
});

describe('did you mean, in scenarios', () => {
  it('knows the keys of scenarios, steps and expectations', () => {
    expect(knownKeysAt(['scenarios', 0])).toEqual(['name', 'key', 'description', 'steps', 'restore', 'autoRestoreAfter', 'expect']);
    expect(knownKeysAt(['scenarios', 2, 'steps', 1])).toEqual(['action', 'service', 'timeout', 'signal']);
    expect(knownKeysAt(['scenarios', 0, 'restore', 0])).toEqual(['action', 'service', 'timeout', 'signal']);
    expect(knownKeysAt(['scenarios', 0, 'expect'])).toEqual(['rateZero', 'topic', 'lagGrowing', 'group', 'brokerUnreachable', 'service', 'state', 'within']);
    expect(didYouMean('auto_restore_after', knownKeysAt(['scenarios', 0]))).toBe('autoRestoreAfter');
    expect(didYouMean('rate_zero', knownKeysAt(['scenarios', 0, 'expect']))).toBe('rateZero');
    expect(didYouMean('timeoutS', knownKeysAt(['scenarios', 0, 'steps', 0]))).toBe('timeout');
  });
});
