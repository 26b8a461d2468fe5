import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tmux } from './tmux.js';
import { KEYS } from '../../src/ui/keys.js';

// `k2mc demo` in a real terminal (tmux), on the simulated platform (no Docker, broker or network):
// resizes leave no ghost lines and lose no state, also while the screen is busy; with NO_COLOR or
// a terminal without colour, no colour is sent and every state is still written in words.

const bin = resolve('bin/k2mc.js');
const sessions: Tmux[] = [];
const stateDirs: string[] = [];
afterAll(() => {
  for (const t of sessions) t.kill();
  for (const d of stateDirs) rmSync(d, { recursive: true, force: true });
});

function session(name: string): Tmux {
  const t = new Tmux(name);
  sessions.push(t);
  return t;
}

/** The environment of a demo that can reach nothing. */
function demoEnv(extra: Record<string, string> = {}): Record<string, string> {
  const state = mkdtempSync(join(tmpdir(), 'k2mc-e2e-terminal-'));
  stateDirs.push(state);
  return {
    K2MC_STATE_DIR: state,
    DOCKER_HOST: 'unix:///tmp/k2mc-none.sock',
    K2MC_KAFKA_BROKERS: '127.0.0.1:1',
    ...extra,
  };
}

/** tmux itself, on the session's own server (what the Tmux helper does not offer). */
function tmuxRun(t: Tmux, ...args: string[]): string {
  return execFileSync('tmux', ['-L', t.session, ...args], { encoding: 'utf8' });
}

/** The visible screen with its attributes as escape sequences (capture-pane -e). */
function screenWithAttributes(t: Tmux): string {
  try {
    return tmuxRun(t, 'capture-pane', '-p', '-e', '-t', t.session);
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The frame as it must be: every line of the pane is part of the current frame or blank.

const HOST_WIDTH = 36;

/** Characters of a line (the dashboard draws only one-column characters). */
const cells = (line: string) => Array.from(line);

/** Lines of a capture: exactly `rows` of them. */
function linesOf(screen: string): string[] {
  const lines = screen.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

interface Box {
  title: string;
  /** Index of the line after the box's bottom border. */
  end: number;
  /** The lines between the borders, without them. */
  inner: string[];
}

/**
 * One bordered box starting at `lines[start]`, `width` cells wide: ╭─ title ─╮, lines │…│, ╰──╯.
 * Anything else (a fragment of an earlier frame, a line too long or too short) is a problem.
 */
function parseBox(lines: string[], start: number, width: number, where: string, problems: string[]): Box | undefined {
  const top = lines[start];
  if (top === undefined) {
    problems.push(`${where}: expected a box at line ${start + 1}, found the end of the screen`);
    return undefined;
  }
  const m = /^╭─ (.+?) ─*╮$/.exec(top);
  if (!m || cells(top).length !== width) {
    problems.push(`${where}: line ${start + 1} is not the top of a ${width}-wide box: ${JSON.stringify(top)}`);
    return undefined;
  }
  const inner: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    const c = cells(l);
    if (/^╰─*╯$/.test(l) && c.length === width) return { title: m[1]!, end: i + 1, inner };
    if (c.length !== width || c[0] !== '│' || c[width - 1] !== '│') {
      problems.push(`${where} "${m[1]}": line ${i + 1} is not a ${width}-wide line of the box: ${JSON.stringify(l)}`);
      return undefined;
    }
    const body = c.slice(1, -1).join('');
    if (/[│─╭╮╰╯]/.test(body)) problems.push(`${where} "${m[1]}": a piece of a border inside the box at line ${i + 1}: ${JSON.stringify(l)}`);
    inner.push(body);
  }
  problems.push(`${where} "${m[1]}": the box has no bottom border`);
  return undefined;
}

interface Frame {
  header: string;
  banner: string;
  services: Box;
  host?: Box;
  hostLine?: string;
  kafka: Box;
  events: Box;
  footer: string;
}

/**
 * Checks a capture of the whole dashboard (no overlay) at `columns`×`rows`, line by line, and
 * returns what is wrong (nothing when every line belongs to the current frame or is blank).
 */
function checkDashboard(screen: string, columns: number, rows: number): { problems: string[]; frame?: Frame } {
  const problems: string[] = [];
  const lines = linesOf(screen);
  if (lines.length !== rows) problems.push(`${lines.length} lines captured, the pane has ${rows}`);
  lines.forEach((l, i) => {
    if (cells(l).length > columns) problems.push(`line ${i + 1} is ${cells(l).length} cells wide, the terminal ${columns}`);
  });
  // The frame is one line shorter than the terminal: the last line is blank.
  if ((lines[rows - 1] ?? '').trim() !== '') problems.push(`the last line is not blank: ${JSON.stringify(lines[rows - 1])}`);
  const header = lines[0] ?? '';
  if (!/^ K2 .* SIMULATED /.test(header) || !/(● ALL GO|▲ DEGRADED|✕ DOWN|… CONNECTING)/.test(header)) problems.push(`line 1 is not the header: ${JSON.stringify(header)}`);
  const banner = lines[1] ?? '';
  if (!banner.startsWith(' SIMULATED — a built-in simulation')) problems.push(`line 2 is not the banner: ${JSON.stringify(banner)}`);
  const footer = lines[rows - 2] ?? '';
  if (!footer.startsWith(' q quit  ? help') && !footer.startsWith('/ filter: ')) problems.push(`line ${rows - 1} is not the footer: ${JSON.stringify(footer)}`);
  // Exactly one of each: a second header, banner, footer or panel title is a ghost.
  const once = (what: string, test: (l: string) => boolean) => {
    const n = lines.filter(test).length;
    if (n !== 1) problems.push(`${n} lines with ${what}`);
  };
  once('the header', (l) => l.startsWith(' K2 '));
  once('the banner', (l) => l.includes('SIMULATED — a built-in simulation'));
  once('the footer', (l) => l.includes(' q quit  ? help') || l.startsWith('/ filter: '));
  once('the services table heading', (l) => /│ {2}SERVICE +STATE +HEALTH/.test(l));
  for (const title of ['Services', 'Kafka', 'Events']) once(`the ${title} title`, (l) => l.includes(`╭─ ${title} `));
  if (problems.length) return { problems };

  const wide = columns >= 120;
  let services: Box | undefined;
  let host: Box | undefined;
  let hostLine: string | undefined;
  let at = 2;
  if (wide) {
    // Services and host side by side: two boxes of the same height.
    const split = columns - HOST_WIDTH;
    const left = lines.map((l) => cells(l).slice(0, split).join(''));
    const right = lines.map((l) => cells(l).slice(split).join(''));
    services = parseBox(left, at, split, 'services', problems);
    host = parseBox(right, at, HOST_WIDTH, 'host', problems);
    if (!services || !host) return { problems };
    if (services.end !== host.end) problems.push(`the services box ends at line ${services.end}, the host box at ${host.end}`);
    if (host.title !== 'Host') problems.push(`the box beside the services is "${host.title}"`);
    at = services.end;
  } else {
    services = parseBox(lines, at, columns, 'services', problems);
    if (!services) return { problems };
    at = services.end;
    hostLine = lines[at] ?? '';
    if (!/^ Host  CPU /.test(hostLine)) problems.push(`line ${at + 1} is not the host line: ${JSON.stringify(hostLine)}`);
    at++;
  }
  const kafka = parseBox(lines, at, columns, 'kafka', problems);
  if (!kafka) return { problems };
  const events = parseBox(lines, kafka.end, columns, 'events', problems);
  if (!events) return { problems };
  if (events.end !== rows - 2) problems.push(`the events box ends at line ${events.end}, the footer is line ${rows - 1}`);
  if (!services.title.startsWith('Services ')) problems.push(`the first box is "${services.title}"`);
  if (!kafka.title.startsWith('Kafka · ')) problems.push(`the box under the services is "${kafka.title}"`);
  if (!events.title.startsWith('Events ')) problems.push(`the last box is "${events.title}"`);

  // Inside the boxes: the services are one contiguous run of rows (blank lines only after them),
  // the events one contiguous run, newest first.
  const serviceRows = services.inner.slice(1);
  if (!/^ {2}SERVICE /.test(services.inner[0] ?? '')) problems.push(`the services box does not start with its heading: ${JSON.stringify(services.inner[0])}`);
  contiguous('services', serviceRows, (l) => /^[●◆‖↻◌✕■○?] k2-\S+/.test(l), problems);
  contiguous('events', events.inner, (l) => /^\d\d:\d\d:\d\d [·✓!✕] \S/.test(l), problems);
  contiguous('kafka', kafka.inner, (l) => KAFKA_LINE.test(l), problems);
  if (host) contiguous('host', host.inner, (l) => /^(CPU |Mem |Disk |Net | {6}\/)/.test(l), problems);
  return { problems, frame: { header, banner, services, host, hostLine, kafka, events, footer } };
}

/** The lines the Kafka panel draws: headings, topics, groups (a group's further topics indented), notes. */
const KAFKA_LINE = /^(topic +msg\/s |group +|market\.\S+ +([\d.,]+|–) |missing on the broker: |k2-iceberg-writer\S* +\S| {20,}market\.|Kafka broker unreachable |rates unknown until |waiting for the first answer )/;

/** Lines of a box: rows that pass `row`, then blank lines only. */
function contiguous(what: string, lines: string[], row: (l: string) => boolean, problems: string[]): void {
  let blank = false;
  for (const l of lines) {
    if (l.trim() === '') {
      blank = true;
      continue;
    }
    if (blank) problems.push(`${what}: a line after a blank one: ${JSON.stringify(l)}`);
    else if (!row(l)) problems.push(`${what}: not a ${what} line: ${JSON.stringify(l)}`);
  }
}

/**
 * Waits until the pane shows a clean dashboard at `columns`×`rows` for which `wanted` holds, and
 * then until it still does a moment later (so a frame that was clean only in passing, before
 * a change landed, does not count). Fails with the problems and the screen.
 */
async function settled(t: Tmux, columns: number, rows: number, what: string, wanted: (s: string, f: Frame) => boolean = () => true, timeoutMs = 30_000): Promise<{ screen: string; frame: Frame }> {
  const end = Date.now() + timeoutMs;
  let last: { screen: string; problems: string[] } = { screen: '', problems: [] };
  let good = 0;
  while (Date.now() < end) {
    const screen = t.screen();
    const { problems, frame } = checkDashboard(screen, columns, rows);
    if (frame && problems.length === 0 && wanted(screen, frame)) {
      if (++good >= 3) return { screen, frame };
      await sleep(400);
      continue;
    }
    good = 0;
    last = { screen, problems: problems.length ? problems : ['the expected content is missing'] };
    await sleep(150);
  }
  throw new Error(`timed out waiting for a clean ${columns}×${rows} dashboard with ${what}:\n  ${last.problems.join('\n  ')}\nscreen was:\n${last.screen}`);
}

/**
 * Checks a capture of an overlay (help, scenario menu) at `columns`×`rows`: header, banner, one
 * box filling the body, the short footer, and nothing else.
 */
function checkOverlay(screen: string, columns: number, rows: number): { problems: string[]; box?: Box } {
  const problems: string[] = [];
  const lines = linesOf(screen);
  if (lines.length !== rows) problems.push(`${lines.length} lines captured, the pane has ${rows}`);
  lines.forEach((l, i) => {
    if (cells(l).length > columns) problems.push(`line ${i + 1} is ${cells(l).length} cells wide, the terminal ${columns}`);
  });
  if ((lines[rows - 1] ?? '').trim() !== '') problems.push(`the last line is not blank: ${JSON.stringify(lines[rows - 1])}`);
  if (!/^ K2 .* SIMULATED /.test(lines[0] ?? '')) problems.push(`line 1 is not the header: ${JSON.stringify(lines[0])}`);
  if (!(lines[1] ?? '').startsWith(' SIMULATED — a built-in simulation')) problems.push(`line 2 is not the banner: ${JSON.stringify(lines[1])}`);
  if ((lines[rows - 2] ?? '').trimEnd() !== ' q quit  ? help  Esc back') problems.push(`line ${rows - 1} is not the footer: ${JSON.stringify(lines[rows - 2])}`);
  const box = parseBox(lines, 2, columns, 'overlay', problems);
  if (box && box.end !== rows - 2) problems.push(`the box ends at line ${box.end}, the footer is line ${rows - 1}`);
  return { problems, box };
}

/** Waits until the pane shows a clean overlay whose box passes `wanted`. */
async function overlaySettled(t: Tmux, columns: number, rows: number, what: string, wanted: (box: Box) => string[]): Promise<Box> {
  const end = Date.now() + 30_000;
  let last = { screen: '', problems: [] as string[] };
  while (Date.now() < end) {
    const screen = t.screen();
    const { problems, box } = checkOverlay(screen, columns, rows);
    if (box && problems.length === 0) {
      const wrong = wanted(box);
      if (wrong.length === 0) return box;
      problems.push(...wrong);
    }
    last = { screen, problems };
    await sleep(150);
  }
  throw new Error(`timed out waiting for a clean ${columns}×${rows} ${what}:\n  ${last.problems.join('\n  ')}\nscreen was:\n${last.screen}`);
}

/** What is wrong with the help box: each line one key and its action, in order, cut at most. */
function helpProblems(box: Box, width: number, legend: boolean): string[] {
  const problems: string[] = [];
  const inner = width - 2;
  const shown = box.inner.map((l) => l.trimEnd());
  const room = Math.min(shown.length, KEYS.length);
  for (let i = 0; i < room; i++) {
    const want = `${KEYS[i]!.key.padEnd(18)} ${KEYS[i]!.action}`;
    const cut = cells(want).length > inner ? `${cells(want).slice(0, inner - 1).join('')}…` : want;
    if (shown[i] !== cut.trimEnd()) problems.push(`help line ${i + 1} is ${JSON.stringify(shown[i])}, not ${JSON.stringify(cut)}`);
  }
  if (legend) {
    if (shown.length < KEYS.length + 3) problems.push(`the help box holds ${shown.length} lines, not all ${KEYS.length + 3}`);
    else {
      if (shown[KEYS.length] !== '') problems.push(`no gap before the legend: ${JSON.stringify(shown[KEYS.length])}`);
      if (!shown[KEYS.length + 1]!.startsWith('Glyphs: ● running  ‖ paused')) problems.push(`no glyph legend: ${JSON.stringify(shown[KEYS.length + 1])}`);
      if (!shown[KEYS.length + 2]!.startsWith('Verdict: ALL GO = ')) problems.push(`no verdict legend: ${JSON.stringify(shown[KEYS.length + 2])}`);
    }
  }
  return problems;
}

/** The demo timer's value in seconds, from the header. */
function timerSeconds(screen: string): number | undefined {
  const m = /⏱ (\d+):(\d\d)\/12:00/.exec(screen);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** Index of the line shown in inverse video (the selected row), from a capture with attributes. */
function inverseLines(t: Tmux): number[] {
  return linesOf(screenWithAttributes(t)).flatMap((l, i) => (/\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m/.test(l) ? [i] : []));
}

// ---------------------------------------------------------------------------------------------

describe('k2mc in a real terminal: resizes', () => {
  it('160×45 → 80×24 → 40×10 → 200×60: compact, too small, full again; no ghost lines; selection, timer, fault and filter kept', async () => {
    const tmux = session('k2mc-e2e-terminal-resize');
    tmux.start(`${bin} demo --speed 10; echo "k2mc exited with $?"`, 160, 45, demoEnv());
    await settled(tmux, 160, 45, 'a green dashboard', (s) => s.includes('● ALL GO') && s.includes('Services 12/12 up'), 60_000);

    // The state to keep: a fault, a filter, a selection and the running timer.
    tmux.keys('f');
    await tmux.waitFor((x) => x.includes('consumer-stall'), 'the scenario menu');
    tmux.keys('2', 'Enter');
    await tmux.waitFor((x) => x.includes('FAULT consumer-stall: k2-consumer-crypto') && /‖ k2-consumer-crypto[\s·]+paused/.test(x), 'the fault');
    tmux.keys('/', 'a', 'Enter');
    // "a": kafka, both registries, grafana, kafka-ui, binance-stream, api, and the paused consumer.
    await tmux.waitFor((x) => x.includes('filter "a" 8') && x.includes(' q quit'), 'the filter kept');
    tmux.keys('Down', 'Down', 't');
    let { screen: s, frame } = await settled(tmux, 160, 45, 'the timer and the third row selected', (x) => timerSeconds(x) !== undefined);
    expect(frame.services.inner[3]).toMatch(/^● k2-schema-registry-2 ·/);
    await tmux.waitFor(() => inverseLines(tmux).length === 1, 'one selected row');
    expect(linesOf(tmux.screen())[inverseLines(tmux)[0]!]).toContain('k2-schema-registry-2');
    const timerBefore = timerSeconds(s)!;

    // 80×24: every panel, compact columns, the host figures on one line.
    tmux.resize(80, 24);
    ({ screen: s, frame } = await settled(tmux, 80, 24, 'the compact layout', (x) => x.includes(' Host  CPU') && x.includes('filter "a" 8')));
    expect(frame.header).toMatch(/^ K2 {2}SIMULATED {3}FAULT consumer-sta.*▲ DEGRADED/);
    expect(timerSeconds(frame.header)).toBeGreaterThanOrEqual(timerBefore);
    expect(frame.banner).toMatch(/^ SIMULATED — a built-in simulation of the K2 platform at 10× speed/);
    expect(frame.services.title).toBe('Services 11/12 up · project k2 · filter "a" 8');
    // Compact columns (state 9, health 9, uptime 6, restarts 3), the names cut to fit.
    expect(frame.services.inner[0]).toMatch(/^ {2}SERVICE {8}STATE {5}HEALTH {4}UPTIME RST {4}CPU {6}MEM PROBE/);
    expect(frame.services.inner[1]).toMatch(/^● k2-kafka +running +healthy +\S+/);
    expect(frame.services.inner[3]).toMatch(/^● k2-schema-reg… running +healthy /);
    expect(frame.services.inner[8]).toMatch(/^‖ k2-consumer-c… paused +– /);
    expect(frame.hostLine).toMatch(/^ Host {2}CPU [\d.]+% {2}Mem .* {2}Disk .* {2}Net ↓/);
    // Kafka compact: no headings, the live topic and one line per group.
    expect(frame.kafka.inner[0]).toMatch(/^market\.crypto\.trades\.binance +[\d.,]+ /);
    expect(frame.kafka.inner.join('\n')).toMatch(/k2-iceberg-writer-crypt… +[\d,]+ (↑ growing|→ steady)/);
    expect(frame.kafka.inner.join('\n')).not.toContain('topic ');
    expect(frame.events.inner[0]).toMatch(/^\d\d:\d\d:\d\d [·✓!✕] /);
    expect(frame.footer).toMatch(/^ q quit {2}\? help {2}Tab panel/);
    // Still the third row selected.
    await tmux.waitFor(() => inverseLines(tmux).length === 1, 'one selected row at 80×24');
    expect(inverseLines(tmux)).toEqual([2 + 1 + 1 + 2]); // header, banner, box top, heading, rows 1-2

    // 40×10: one line, nothing else anywhere on the screen.
    tmux.resize(40, 10);
    s = await tmux.waitFor((x) => {
      const l = linesOf(x);
      return l.length === 10 && l[0]!.startsWith('terminal too small (40×10)') && l.slice(1).every((r) => r.trim() === '');
    }, 'the too-small line alone', 30_000);
    // The banner takes a line: the demo needs 60×17. The whole line is 48 cells; a 40-column
    // terminal shows it cut at the edge.
    expect(linesOf(s)[0]).toMatch(/^terminal too small \(40×10\): need 60×17 (· q quits|…)$/);

    // 200×60: the whole dashboard again, every line of it clean, and the state as it was.
    tmux.resize(200, 60);
    ({ screen: s, frame } = await settled(tmux, 200, 60, 'the wide layout again', (x) => x.includes('╭─ Host') && x.includes('filter "a" 8')));
    expect(frame.header).toMatch(/^ K2 MISSION CONTROL {2}SIMULATED {3}FAULT consumer-stall: k2-consumer-crypto since \d\d:\d\d:\d\d · r restores {2}▲ DEGRADED /);
    expect(frame.services.title).toBe('Services 11/12 up · project k2 · filter "a" 8');
    expect(frame.services.inner[0]).toMatch(/^ {2}SERVICE +STATE {8}HEALTH {7}UPTIME {2}RST {5}CPU {8}MEM PROBE/);
    expect(frame.services.inner.slice(1, 9).map((l) => /^. (\S+)/.exec(l)?.[1])).toEqual([
      'k2-kafka',
      'k2-schema-registry-1',
      'k2-schema-registry-2',
      'k2-grafana',
      'k2-kafka-ui',
      'k2-binance-stream',
      'k2-api',
      'k2-consumer-crypto',
    ]);
    expect(frame.host!.inner.join('\n')).toMatch(/^CPU .*\nMem .*\nDisk /);
    expect(frame.kafka.inner[0]).toMatch(/^topic +msg\/s last 60 s/);
    expect(frame.events.inner.join('\n')).toContain('scenario consumer-stall fired');
    // The timer kept running through the resizes.
    const timerAfter = timerSeconds(frame.header)!;
    expect(timerAfter).toBeGreaterThan(timerBefore);
    await tmux.waitFor((x) => (timerSeconds(x) ?? 0) > timerAfter, 'the timer still running');
    // The selection: the same row, highlighted, and Enter opens its details.
    await tmux.waitFor(() => inverseLines(tmux).length === 1, 'one selected row at 200×60');
    expect(linesOf(tmux.screen())[inverseLines(tmux)[0]!]).toMatch(/^│● k2-schema-registry-2 · +running/);
    tmux.keys('Enter');
    await tmux.waitFor((x) => x.includes('Details — k2-schema-registry-2 (Esc back)') && x.includes('log lines'), 'the details of the selected service');
    tmux.keys('Escape');
    await settled(tmux, 200, 60, 'the dashboard after the details', (x) => x.includes('filter "a" 8'));

    // Quitting restores the fault and leaves a normal screen.
    tmux.keys('q');
    await tmux.waitFor((x) => x.includes('restore 1 active fault before quitting? [Y/n]'), 'the quit question');
    tmux.keys('Enter');
    await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit', 30_000, true);
  }, 240_000);

  it('resizes in the middle of a burst of changes leave no ghost lines', async () => {
    const tmux = session('k2mc-e2e-terminal-burst');
    tmux.start(`${bin} demo --speed 10; echo "k2mc exited with $?"`, 160, 45, demoEnv());
    await settled(tmux, 160, 45, 'a green dashboard', (s) => s.includes('● ALL GO') && s.includes('Services 12/12 up'), 60_000);

    // The broker goes away: header, services, the whole Kafka panel and the events change at once,
    // while the terminal shrinks.
    tmux.keys('f', '3', 'Enter');
    tmux.resize(100, 30);
    let { frame } = await settled(tmux, 100, 30, 'the broker outage', (x) => x.includes('✕ DOWN') && x.includes('Kafka · broker unreachable at simulated') && x.includes('FAULT broker-outage'), 60_000);
    expect(frame.services.inner.join('\n')).toMatch(/‖ k2-kafka +paused/);

    // Restored, while the terminal grows, shrinks and grows again in quick succession.
    tmux.keys('r');
    tmux.resize(200, 60);
    tmux.resize(70, 20);
    tmux.resize(130, 40);
    ({ frame } = await settled(tmux, 130, 40, 'the broker back', (x) => !x.includes('FAULT') && /Kafka · simulated · 1 broker/.test(x) && /● k2-kafka +running/.test(x), 60_000));
    expect(frame.events.inner.join('\n')).toContain('restore broker-outage');

    // A stall and a resize in the same instant, then a second resize before the first repaint.
    tmux.keys('f', '2', 'Enter');
    tmux.resize(90, 26);
    tmux.resize(160, 45);
    ({ frame } = await settled(tmux, 160, 45, 'the stalled consumer', (x) => x.includes('FAULT consumer-stall') && /‖ k2-consumer-crypto[\s·]+paused/.test(x) && x.includes('↑ growing'), 60_000));

    // Through the too-small screen and back while the lag climbs.
    tmux.resize(50, 12);
    await tmux.waitFor((x) => linesOf(x)[0]!.startsWith('terminal too small (50×12)') && linesOf(x).slice(1).every((r) => r.trim() === ''), 'too small alone', 30_000);
    tmux.keys('r');
    tmux.resize(120, 36);
    ({ frame } = await settled(tmux, 120, 36, 'the consumer restored', (x) => !x.includes('FAULT') && /● k2-consumer-crypt\S*[\s·]+running/.test(x), 60_000));
    expect(frame.host?.title).toBe('Host');

    tmux.keys('q');
    await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit', 30_000, true);
  }, 240_000);
});

// ---------------------------------------------------------------------------------------------
// Without colour.

/** The SGR parameters of every `ESC [ … m` in `text`. */
function sgrParams(text: string): string[][] {
  return [...text.matchAll(/\x1b\[([0-9;:]*)m/g)].map((m) => (m[1] === '' ? ['0'] : m[1]!.split(/[;:]/)));
}

/**
 * Colour parameters among SGR sequences: foreground and background (30-39, 40-49, 90-97,
 * 100-107, 38;5;n / 48;5;n / 38;2;r;g;b). With `defaults` false, 39 and 49 (the default colours,
 * which tmux's capture-pane writes between cells in any case) are not counted.
 */
function colourCodes(text: string, defaults = true): string[] {
  const found: string[] = [];
  for (const params of sgrParams(text)) {
    for (const p of params) {
      const n = Number(p);
      if ((n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) || (defaults && (n === 39 || n === 49))) {
        found.push(`\\e[${params.join(';')}m`);
        break;
      }
    }
  }
  return [...new Set(found)];
}

/** Starts the demo with the pane's output also written, byte for byte, to a file. */
function startRecorded(tmux: Tmux, command: string, env: Record<string, string>): string {
  const raw = join(env.K2MC_STATE_DIR!, 'pane.raw');
  // The short sleep lets pipe-pane attach before k2mc writes its first byte.
  tmux.start(`sleep 1; ${command}; echo "k2mc exited with $?"`, 160, 45, env);
  tmuxRun(tmux, 'pipe-pane', '-t', tmux.session, '-o', `cat >> ${raw}`);
  return raw;
}

function rawOutput(file: string): string {
  return existsSync(file) ? readFileSync(file, 'latin1') : '';
}

describe('k2mc in a real terminal: overlays and the smallest screen', () => {
  it('the help and the scenario menu stay whole through resizes; 60×17 is the demo\'s smallest dashboard', async () => {
    const tmux = session('k2mc-e2e-terminal-overlay');
    tmux.start(`${bin} demo --speed 10; echo "k2mc exited with $?"`, 160, 45, demoEnv());
    await settled(tmux, 160, 45, 'a green dashboard', (s) => s.includes('● ALL GO') && s.includes('Services 12/12 up'), 60_000);

    // Help: every key and the legend; at 80×24 and 60×17 the lines that fit, each whole or cut
    // at the edge, never two drawn over one another.
    tmux.keys('?');
    let box = await overlaySettled(tmux, 160, 45, 'help', (b) => (b.title === 'Help — keys' ? helpProblems(b, 160, true) : [`the box is "${b.title}"`]));
    expect(box.inner.length).toBeGreaterThanOrEqual(KEYS.length + 3);
    tmux.resize(80, 24);
    box = await overlaySettled(tmux, 80, 24, 'help', (b) => (b.title === 'Help — keys' ? helpProblems(b, 80, false) : [`the box is "${b.title}"`]));
    expect(box.inner).toHaveLength(18);
    tmux.resize(60, 17);
    box = await overlaySettled(tmux, 60, 17, 'help', (b) => (b.title === 'Help — keys' ? helpProblems(b, 60, false) : [`the box is "${b.title}"`]));
    expect(box.inner).toHaveLength(11);
    tmux.resize(200, 60);
    await overlaySettled(tmux, 200, 60, 'help', (b) => (b.title === 'Help — keys' ? helpProblems(b, 200, true) : [`the box is "${b.title}"`]));
    tmux.keys('Escape');
    await settled(tmux, 200, 60, 'the dashboard after the help', (s) => s.includes('Services 12/12 up'));

    // The scenario menu: the six scenarios in order, then the hint.
    tmux.keys('f');
    const menu = (b: Box) => {
      if (!b.title.startsWith('Failure scenarios')) return [`the box is "${b.title}"`];
      const keys = b.inner.slice(0, 6).map((l) => /^ (\d) {2}[a-z-]+ /.exec(l)?.[1]);
      const wrong = keys.join(',') === '1,2,3,4,5,6' ? [] : [`scenario lines: ${JSON.stringify(b.inner.slice(0, 6))}`];
      if (b.inner[6]!.trim() !== '' || !b.inner[7]!.startsWith('press a scenario key to arm it')) wrong.push(`no hint under the scenarios: ${JSON.stringify(b.inner.slice(6, 8))}`);
      if (b.inner.slice(8).some((l) => l.trim() !== '')) wrong.push(`lines under the hint: ${JSON.stringify(b.inner.slice(8))}`);
      return wrong;
    };
    await overlaySettled(tmux, 200, 60, 'scenario menu', menu);
    tmux.resize(80, 24);
    await overlaySettled(tmux, 80, 24, 'scenario menu', menu);
    tmux.keys('Escape');

    // 60×16 is too small for the demo (its banner takes a line), and the line says what is needed.
    tmux.resize(60, 16);
    const s = await tmux.waitFor((x) => linesOf(x)[0]!.startsWith('terminal too small (60×16)') && linesOf(x).slice(1).every((r) => r.trim() === ''), 'too small alone', 30_000);
    expect(linesOf(s)[0]).toBe('terminal too small (60×16): need 60×17 · q quits');
    tmux.resize(60, 17);
    const { frame } = await settled(tmux, 60, 17, 'the smallest dashboard', (x) => x.includes(' Host  CPU'));
    expect(frame.services.title).toMatch(/^Services 12\/12 up · project k2 · 1-\d of 12$/);

    tmux.keys('q');
    await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit', 30_000, true);
  }, 240_000);
});

describe('k2mc without colour', () => {
  it('NO_COLOR=1: no colour sequence is sent, and every state is written in words', async () => {
    const tmux = session('k2mc-e2e-terminal-nocolor');
    const env = demoEnv({ NO_COLOR: '1' });
    const raw = startRecorded(tmux, `${bin} demo --speed 10`, env);
    const trend = /k2-iceberg-writer-crypto-v2 market\.crypto\.trades\.binance +[\d,]+ .*(→ steady|↑ growing|↓ drains in).* NORMAL/;
    let s = await tmux.waitFor((x) => x.includes('● ALL GO') && x.includes('Services 12/12 up') && trend.test(x), 'a green dashboard with a lag trend', 60_000);
    // Green, in words: the verdict, running and healthy, the mode, the level and the trend.
    expect(s).toMatch(/^ K2 MISSION CONTROL {2}SIMULATED {2}● ALL GO/);
    expect(s).toContain(' SIMULATED — a built-in simulation of the K2 platform at 10× speed, no live system is shown');
    expect(s).toMatch(/● k2-kafka +running +healthy/);

    // Amber: the consumer stalls; paused, DEGRADED, the fault, the lag growing.
    tmux.keys('f');
    await tmux.waitFor((x) => x.includes('consumer-stall'), 'the scenario menu');
    tmux.keys('2', 'Enter');
    s = await tmux.waitFor((x) => x.includes('FAULT consumer-stall') && /‖ k2-consumer-crypto ·\s+paused/.test(x) && x.includes('↑ growing'), 'the stalled consumer', 30_000);
    expect(s).toMatch(/▲ DEGRADED k2-api reports degraded/);
    expect(s).toMatch(/k2-api +running +– .* degraded/);

    // A service stopped and started again: exited, then starting (in the row or, once it has
    // passed, in the event log), then healthy.
    tmux.keys('f');
    await tmux.waitFor((x) => x.includes('registry-failover'), 'the scenario menu');
    tmux.keys('4', 'Enter');
    s = await tmux.waitFor((x) => /■ k2-schema-registry-1 +exited\(143\)/.test(x), 'the stopped registry', 30_000);
    expect(s).toContain('FAULT registry-failover: k2-schema-registry-1');
    tmux.keys('r');
    s = await tmux.waitFor((x) => /k2-schema-registry-1 +running +starting/.test(x) || x.includes('k2-schema-registry-1 starting → healthy'), 'the registry starting', 30_000);
    await tmux.waitFor((x) => /● k2-schema-registry-1 +running +healthy/.test(x), 'the registry healthy', 30_000);

    // The lag passes the first threshold: the level in words, in the Kafka panel and the events.
    s = await tmux.waitFor((x) => /k2-iceberg-writer-crypto-v2 .*↑ growing .*SOFT/.test(x), 'the level SOFT', 180_000);
    expect(s).toMatch(/degradation NORMAL → SOFT \(lag [\d,]+ ≥ 100,000\)/);
    // Restored: the lag drains.
    tmux.keys('r');
    s = await tmux.waitFor((x) => /● k2-consumer-crypto ·\s+running/.test(x) && /↓ drains in \d/.test(x), 'the lag draining', 60_000);

    // Red: the broker goes away.
    tmux.keys('f');
    await tmux.waitFor((x) => x.includes('broker-outage'), 'the scenario menu');
    tmux.keys('3', 'Enter');
    s = await tmux.waitFor((x) => x.includes('✕ DOWN') && x.includes('FAULT broker-outage') && /‖ k2-kafka +paused/.test(x) && x.includes('Kafka · broker unreachable at simulated'), 'the broker down', 30_000);
    expect(s).toContain('rates unknown until the broker answers');
    tmux.keys('r');
    await tmux.waitFor((x) => !x.includes('FAULT') && /● k2-kafka +running/.test(x), 'the broker back', 30_000);

    // Storage away: the API answers 503 and says unhealthy.
    tmux.keys('f');
    await tmux.waitFor((x) => x.includes('storage-outage'), 'the scenario menu');
    tmux.keys('5', 'Enter');
    s = await tmux.waitFor((x) => x.includes('FAULT storage-outage') && /‖ k2-minio +paused/.test(x) && /k2-api +running .* 503 .*unhealthy/.test(x), 'the API unhealthy', 30_000);
    expect(s).toContain('✕ DOWN');
    tmux.keys('r');
    await tmux.waitFor((x) => !x.includes('FAULT') && /● k2-minio +running/.test(x), 'the storage back', 30_000);

    // Through all of it: no colour on the wire, and none in the terminal's cells. Bold, dim and
    // inverse (the selection) are not colour and stay.
    const bytes = rawOutput(raw);
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(bytes).toContain('\x1b[?1049h');
    expect(colourCodes(bytes)).toEqual([]);
    expect(colourCodes(screenWithAttributes(tmux), false)).toEqual([]);
    expect(screenWithAttributes(tmux)).toMatch(/\x1b\[[0-9;]*7[0-9;]*m/);

    tmux.keys('q');
    await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit', 30_000, true);
  }, 420_000);

  it('TERM=dumb: no colour either, and the states still in words', async () => {
    const tmux = session('k2mc-e2e-terminal-dumb');
    const env = demoEnv();
    const raw = startRecorded(tmux, `TERM=dumb ${bin} demo --speed 10`, env);
    let s = await tmux.waitFor((x) => x.includes('● ALL GO') && x.includes('Services 12/12 up') && x.includes('NORMAL'), 'a green dashboard', 60_000);
    expect(s).toMatch(/● k2-kafka +running +healthy/);
    expect(s).toContain(' SIMULATED — a built-in simulation of the K2 platform');
    tmux.keys('f');
    await tmux.waitFor((x) => x.includes('broker-outage'), 'the scenario menu');
    tmux.keys('3', 'Enter');
    s = await tmux.waitFor((x) => x.includes('✕ DOWN') && x.includes('FAULT broker-outage') && /‖ k2-kafka +paused/.test(x) && x.includes('Kafka · broker unreachable at simulated'), 'the broker down', 30_000);
    tmux.keys('r');
    await tmux.waitFor((x) => !x.includes('FAULT') && /● k2-kafka +running/.test(x), 'the broker back', 30_000);
    const bytes = rawOutput(raw);
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(colourCodes(bytes)).toEqual([]);
    expect(colourCodes(screenWithAttributes(tmux), false)).toEqual([]);
    tmux.keys('q');
    await tmux.waitFor((x) => x.includes('k2mc exited with 0'), 'exit', 30_000, true);
  }, 180_000);
});
