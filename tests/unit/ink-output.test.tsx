import React from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import Output from '../../node_modules/ink/build/output.js';
import { inkOriginalGet, rowToString, installFastInkOutput } from '../../src/app/ink-fast-output.js';
import { App } from '../../src/ui/App.js';
import { StoreProvider } from '../../src/ui/store-context.js';
import { createAppStore } from '../../src/store/store.js';
import { DEFAULT_SERVICES } from '../../src/config/defaults.js';
import { container } from './helpers.js';

// The faster frame assembly must produce exactly Ink's text. Every frame rendered here is built
// both ways and compared.

type Get = (this: unknown) => { output: string; height: number };
const proto = (Output as unknown as { prototype: { get: Get } }).prototype;
let fast: Get;
const mismatches: string[] = [];
let compared = 0;

beforeAll(() => {
  expect(installFastInkOutput()).toBe(true);
  fast = proto.get;
  const original = inkOriginalGet() as unknown as Get;
  proto.get = function (this: { operations: unknown[] }) {
    const a = fast.call(this);
    const b = original.call(this);
    compared++;
    if (a.output !== b.output || a.height !== b.height) mismatches.push(`${JSON.stringify(a.output)}\n≠\n${JSON.stringify(b.output)}`);
    return a;
  };
});

afterAll(() => {
  proto.get = fast;
});

const tick = () => new Promise((r) => setTimeout(r, 30));

describe('fast Ink frame assembly', () => {
  it('gives the same text as Ink for every frame of a session', async () => {
    const store = createAppStore({ platform: 'K2', project: 'k2', dockerUrl: 'x', readOnly: false, refreshMs: 1000, services: DEFAULT_SERVICES }, 'live', Date.UTC(2026, 0, 14, 10));
    store.getState().resize(160, 45);
    const { stdin, rerender } = render(
      <StoreProvider store={store}>
        <App />
      </StoreProvider>,
    );
    const containers = DEFAULT_SERVICES.map((s) => container(s.name, { name: s.container }));
    store.getState().applyDocker({ engine: { url: 'x' }, containers }, Date.now());
    await tick();
    store.getState().applyStats(Object.fromEntries(containers.map((c, i) => [c.id, { cpuPercent: i * 1.7, memBytes: i * 1e7, at: 1 }])), Date.now());
    await tick();
    store.getState().applyDocker({ engine: { url: 'x' }, containers: containers.map((c, i) => (i === 2 ? { ...c, state: 'paused' as const } : i === 4 ? { ...c, state: 'exited' as const, exitCode: 137 } : c)) }, Date.now());
    await tick();
    for (const key of ['\u001B[B', '\u001B[B', '?', '?', '\t', '\r', '\u001B']) {
      stdin.write(key);
      await tick();
    }
    store.getState().resize(80, 24);
    await tick();
    store.getState().dockerFailed('Docker engine unreachable at x: connect ENOENT — is dockerd running?', Date.now());
    await tick();
    rerender(
      <StoreProvider store={store}>
        <App />
      </StoreProvider>,
    );
    await tick();
    expect(compared).toBeGreaterThan(8);
    expect(mismatches).toEqual([]);
  });

  it('diffs styles only where they change, with the same codes as Ink', () => {
    const red = [{ type: 'ansi', code: '\x1b[31m', endCode: '\x1b[39m' }] as never[];
    const red2 = [{ type: 'ansi', code: '\x1b[31m', endCode: '\x1b[39m' }] as never[];
    const chars = [
      { type: 'char', value: 'a', fullWidth: false, styles: red },
      { type: 'char', value: 'b', fullWidth: false, styles: red2 },
      { type: 'char', value: 'c', fullWidth: false, styles: [] },
    ] as never[];
    expect(rowToString(chars)).toBe('\x1b[31mab\x1b[39mc');
  });
});
