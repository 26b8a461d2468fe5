import React from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import chalk from 'chalk';
import Output from '../../node_modules/ink/build/output.js';
import { styledCharsFromTokens, tokenize } from '@alcalzone/ansi-tokenize';
import { inkOriginalGet, narrowStyledChars, rowToString, installFastInkOutput } from '../../src/app/ink-fast-output.js';
import { App } from '../../src/ui/App.js';
import { StoreProvider } from '../../src/ui/store-context.js';
import { createAppStore } from '../../src/store/store.js';
import { DEFAULT_KAFKA, DEFAULT_SERVICES } from '../../src/config/defaults.js';
import { container } from './helpers.js';

// The faster frame assembly must produce exactly Ink's text. Every frame rendered here is built
// both ways and compared.

type Get = (this: unknown) => { output: string; height: number };
const proto = (Output as unknown as { prototype: { get: Get } }).prototype;
let fast: Get;
const mismatches: string[] = [];
let compared = 0;
let styled = 0;

let chalkLevel: typeof chalk.level;

beforeAll(() => {
  // Colour, as in a real terminal (a test has no TTY, so chalk would otherwise emit none).
  chalkLevel = chalk.level;
  chalk.level = 3;
  expect(installFastInkOutput()).toBe(true);
  fast = proto.get;
  const original = inkOriginalGet() as unknown as Get;
  proto.get = function (this: { operations: unknown[] }) {
    const a = fast.call(this);
    const b = original.call(this);
    compared++;
    if (a.output.includes('\x1b[')) styled++;
    if (a.output !== b.output || a.height !== b.height) mismatches.push(`${JSON.stringify(a.output)}\n≠\n${JSON.stringify(b.output)}`);
    return a;
  };
});

afterAll(() => {
  chalk.level = chalkLevel;
  proto.get = fast;
});

const tick = () => new Promise((r) => setTimeout(r, 30));

describe('fast Ink frame assembly', () => {
  it('gives the same text as Ink for every frame of a session', async () => {
    const store = createAppStore({ platform: 'K2', project: 'k2', dockerUrl: 'x', readOnly: false, refreshMs: 1000, services: DEFAULT_SERVICES, kafka: DEFAULT_KAFKA }, 'live', Date.UTC(2026, 0, 14, 10));
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
    expect(styled, 'frames with colour codes, so the styled path is compared too').toBeGreaterThan(4);
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

  it('splits narrow lines into the same styled characters as Ink', () => {
    const lines = [
      '',
      'plain text',
      '\x1b[36m╭─\x1b[39m\x1b[1m\x1b[36m Services 12/12 up · project k2 \x1b[39m\x1b[22m\x1b[36m───╮\x1b[39m',
      '\x1b[31m○ \x1b[39m\x1b[1mk2-kafka   \x1b[22m\x1b[31mmissing \x1b[39m\x1b[90m– \x1b[39m',
      '\x1b[1m\x1b[2mbold and dim\x1b[22m plain \x1b[0m reset',
      '\x1b[38;5;208morange\x1b[39m \x1b[48;2;1;2;3mbg\x1b[49m',
      '\x1b[1;31mcompound\x1b[0m after',
      '\x1b[32mgreen \x1b[33myellow\x1b[39m none',
      '\x1b[7m inverse \x1b[27m\x1b[4munder\x1b[24m\x1b[9mstrike\x1b[29m',
      '\x1b[mempty reset',
      'trailing open \x1b[35m',
    ];
    for (const line of lines) {
      expect(JSON.stringify(narrowStyledChars(line)), line).toBe(JSON.stringify(styledCharsFromTokens(tokenize(line))));
    }
    // Wide, combining and other escapes are left to Ink.
    for (const line of ['✅ done', '日本', 'e\u0301', '\x1b]8;;http://x\x07link\x1b]8;;\x07', '\x1b[2Kx']) {
      expect(narrowStyledChars(line), line).toBeUndefined();
    }
  });

  it('builds the same rows as Ink from any writes: gaps, overlaps, unordered, past the edge, wide (randomized)', () => {
    const words = ['running', 'paused', '●', '‖', '│', '─', '╭─', '12.5%', ' ', '   ', 'healthy', '✅', '日本', 'x'];
    const styles = ['', '\x1b[32m', '\x1b[31m', '\x1b[1m', '\x1b[2m', '\x1b[36m\x1b[1m', '\x1b[0m', '\x1b[7m'];
    const ends = ['', '\x1b[39m', '\x1b[22m', '\x1b[0m', '\x1b[27m'];
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const text = () => {
      let t = '';
      for (let k = 1 + rand(4); k > 0; k--) t += styles[rand(styles.length)]! + words[rand(words.length)]! + ends[rand(ends.length)]!;
      return t;
    };
    const before = compared;
    let viaRuns = 0;
    for (let frame = 0; frame < 400; frame++) {
      const width = 10 + rand(50);
      const out = new (Output as unknown as new (o: { width: number; height: number }) => { write(x: number, y: number, t: string, o: { transformers: [] }): void; get(): { output: string } })({ width, height: 4 });
      const visible = (t: string) => t.split('\n')[0]!.replace(/\x1b\[[0-9;]*m/g, '').length;
      if (rand(2) === 0) {
        // Laid out like a panel row: pieces left to right with gaps, the last one often at the edge.
        for (let y = 0; y < 4; y++) {
          let x = rand(3);
          for (let k = rand(5); k > 0; k--) {
            let t = text();
            if (k === 1 && rand(2) === 0) {
              t = styles[1 + rand(styles.length - 1)]! + words[rand(3)]!; // an open style at the very end
              if (visible(t) <= width - x) x = width - visible(t);
            }
            out.write(x, y, t, { transformers: [] });
            x += visible(t) + rand(3);
          }
        }
      } else {
        for (let w = rand(9); w > 0; w--) {
          const t = rand(5) === 0 ? `${text()}\n${text()}` : text();
          out.write(rand(width + 4), rand(4), t, { transformers: [] });
        }
      }
      out.get(); // compared with Ink's own by the hook installed in beforeAll
      if (!/✅|日本/.test(JSON.stringify(out))) viaRuns++;
    }
    expect(compared - before).toBe(400);
    expect(viaRuns, 'frames of narrow text only (built from runs where pieces do not overlap)').toBeGreaterThan(50);
    expect(mismatches).toEqual([]);
  });
});
