import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import { ConfigError, loadConfig } from './config/load.js';
import { parseBrokerList } from './config/schema.js';
import type { Config } from './config/types.js';

// The command line. Every mistake in it ends in one line naming the problem and exit code 2;
// nothing here prints a stack trace.

const require = createRequire(import.meta.url);
const VERSION = (require('../package.json') as { version: string }).version;

export const EXIT_USAGE = 2;

export interface GlobalOptions {
  config?: string;
  compose?: string;
  project?: string;
  dockerHost?: string;
  refresh?: number;
  readOnly?: boolean;
  kafkaBrokers?: string;
  plans?: string;
  /** --record DIR, or false for --no-record. */
  record?: string | false;
}

export function parseRefresh(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number of milliseconds, e.g. 1000.');
  const n = Number(value);
  if (n < 200 || n > 60000) throw new InvalidArgumentError('expected milliseconds from 200 to 60000.');
  return n;
}

export function parseProject(value: string): string {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(value)) {
    throw new InvalidArgumentError('expected a compose project name: lower-case letters, digits, "-" and "_".');
  }
  return value;
}

export function parseDockerHost(value: string): string {
  if (!/^(unix:\/\/\/|\/|tcp:\/\/|https?:\/\/)/.test(value)) {
    throw new InvalidArgumentError('expected unix:///path/to/docker.sock or tcp://host:port.');
  }
  return value;
}

export function parseSpeed(value: string): number {
  const n = Number(value.trim().replace(/x$/i, ''));
  if (value.trim() === '' || !Number.isFinite(n) || n < 0.25 || n > 100) throw new InvalidArgumentError('expected a speed from 0.25 to 100, e.g. 10 (ten simulated seconds per second).');
  return n;
}

export function parseSeed(value: string): number {
  if (!/^\d{1,9}$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number, e.g. 7.');
  return Number(value);
}

export function parseKafkaBrokers(value: string): string {
  const list = parseBrokerList(value);
  if (typeof list === 'string') throw new InvalidArgumentError(`${list}.`);
  return list.join(',');
}

export function resolveConfig(opts: GlobalOptions): Config {
  return loadConfig({
    configPath: opts.config,
    composePath: opts.compose,
    flags: { project: opts.project, dockerHost: opts.dockerHost, refreshMs: opts.refresh, readOnly: opts.readOnly, kafkaBrokers: opts.kafkaBrokers, plans: opts.plans },
  });
}

export interface Runners {
  dashboard(opts: GlobalOptions): Promise<number>;
  check(opts: GlobalOptions & { json?: boolean }): Promise<number>;
  plan(path: string | undefined, opts: GlobalOptions & { json?: boolean }): Promise<number>;
  scenarios(opts: GlobalOptions): Promise<number>;
  scenarioRun(name: string, opts: GlobalOptions): Promise<number>;
  scenarioRestore(name: string | undefined, opts: GlobalOptions & { all?: boolean }): Promise<number>;
  demo(opts: GlobalOptions & { speed: number; seed?: number }): Promise<number>;
  replay(file: string, opts: GlobalOptions): Promise<number>;
}

/** commander's message as one line; its "(Did you mean …?)" second line is kept. */
function oneLine(text: string): string {
  const [first, ...rest] = text.trim().split('\n');
  const hint = rest.map((l) => /^\(Did you mean (.+)\?\)$/.exec(l.trim())).find((m) => m);
  return `${first!.replace(/^error: /, 'k2mc: ')}${hint ? ` (did you mean ${hint[1]}?)` : ''} (see k2mc --help)\n`;
}

export function buildProgram(run: Runners): Command {
  const program = new Command('k2mc')
    .description('Mission control for the live demo of the K2 market-data platform')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .addOption(new Option('--config <file>', 'YAML config file (see README: Configuration)'))
    .addOption(new Option('--compose <file>', 'derive the expected services from a docker-compose file'))
    .addOption(new Option('--project <name>', 'compose project label to watch (default: k2)').argParser(parseProject))
    .addOption(new Option('--docker-host <url>', 'Docker engine URL (default: $DOCKER_HOST or unix:///var/run/docker.sock)').argParser(parseDockerHost))
    .addOption(new Option('--refresh <ms>', 'refresh period in milliseconds (default: 1000)').argParser(parseRefresh))
    .addOption(new Option('--kafka-brokers <list>', 'Kafka brokers host:port,... (default: $K2MC_KAFKA_BROKERS or localhost:9092)').argParser(parseKafkaBrokers))
    .addOption(new Option('--read-only', 'never act on containers (nor edit plans)'))
    .addOption(new Option('--plans <dir>', 'plans directory (default: ./plans, else the one k2mc ships)'))
    .addOption(new Option('--record <dir>', 'record the session into this folder (default: ~/.local/state/k2mc/recordings)'))
    .addOption(new Option('--no-record', 'do not record the session'))
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(oneLine(text)),
    })
    .action(async (opts: GlobalOptions) => {
      process.exitCode = await run.dashboard(opts);
    });
  const output = {
    writeErr: (text: string) => process.stderr.write(text),
    outputError: (text: string, write: (t: string) => void) => write(oneLine(text)),
  };
  program
    .command('check')
    .description('pre-demo check without a screen: PASS / WARN / FAIL per item, then GO or NO-GO (exit 0 GO, 1 NO-GO, 2 usage)')
    .option('--json', 'print the report as JSON')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput(output)
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      process.exitCode = await run.check({ ...(cmd.optsWithGlobals() as GlobalOptions), json: opts.json });
    });
  program
    .command('plan')
    .argument('[path]', 'a plan document, or a plans directory')
    .description("print a plan's steps, computed and claimed scores and discrepancies")
    .option('--json', 'print the plan as JSON (shape documented in the README)')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput(output)
    .action(async (path: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      process.exitCode = await run.plan(path, { ...(cmd.optsWithGlobals() as GlobalOptions), json: opts.json });
    });
  program
    .command('scenarios')
    .description('list the failure scenarios (key, name, what the audience sees, steps)')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput(output)
    .action(async (_opts: unknown, cmd: Command) => {
      process.exitCode = await run.scenarios(cmd.optsWithGlobals() as GlobalOptions);
    });
  program
    .command('demo')
    .description('the whole dashboard on a built-in simulated K2 platform: no Docker, Kafka or network needed')
    .addOption(new Option('--speed <n>', 'simulated seconds per real second, 0.25 to 100 (default: 1)').argParser(parseSpeed).default(1))
    .addOption(new Option('--seed <n>', 'the same seed gives the same simulated platform (default: 1)').argParser(parseSeed))
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput(output)
    .action(async (opts: { speed: number; seed?: number }, cmd: Command) => {
      process.exitCode = await run.demo({ ...(cmd.optsWithGlobals() as GlobalOptions), speed: opts.speed, seed: opts.seed });
    });
  program
    .command('replay')
    .argument('<file>', 'a session recording (.jsonl, see k2mc --help: --record)')
    .description('the dashboard on a recording: Space pause, ←/→ seek 10 s, +/- speed (0.25× to 16×)')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput(output)
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      process.exitCode = await run.replay(file, cmd.optsWithGlobals() as GlobalOptions);
    });
  const scenario = program.command('scenario').description('fire or restore a failure scenario without the dashboard').exitOverride().configureOutput(output);
  scenario
    .command('run')
    .argument('<name>', 'scenario name (see k2mc scenarios)')
    .description('fire a scenario (real faults through the Docker API); recorded in the fault journal')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput(output)
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      process.exitCode = await run.scenarioRun(name, cmd.optsWithGlobals() as GlobalOptions);
    });
  scenario
    .command('restore')
    .argument('[name]', 'the scenario to restore')
    .option('--all', 'restore every active fault')
    .description('put back every container a scenario touched, as it was before')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput(output)
    .action(async (name: string | undefined, opts: { all?: boolean }, cmd: Command) => {
      process.exitCode = await run.scenarioRestore(name, { ...(cmd.optsWithGlobals() as GlobalOptions), all: opts.all });
    });
  return program;
}

/** The config, or undefined after printing why not (the caller exits with code 2). */
function configOrExplain(opts: GlobalOptions): Config | undefined {
  try {
    return resolveConfig(opts);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`k2mc: ${e.message}\n`);
      return undefined;
    }
    throw e;
  }
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

function interactive(): boolean {
  if (process.stdout.isTTY && process.stdin.isTTY) return true;
  process.stderr.write('k2mc: the dashboard needs an interactive terminal (stdin and stdout must be a TTY).\n');
  return false;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram({
    async check(opts) {
      const config = configOrExplain(opts);
      if (!config) return EXIT_USAGE;
      const { runCheck, formatCheck } = await import('./app/check.js');
      const report = await runCheck(config);
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatCheck(report, Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env)));
      return report.go ? 0 : 1;
    },
    async plan(path, opts) {
      const config = configOrExplain(opts);
      if (!config) return EXIT_USAGE;
      const { planCommand } = await import('./app/plan-command.js');
      return planCommand(path, config, Boolean(opts.json));
    },
    async scenarios(opts) {
      const config = configOrExplain(opts);
      if (!config) return EXIT_USAGE;
      return (await import('./app/scenario-command.js')).listScenarios(config);
    },
    async scenarioRun(name, opts) {
      const config = configOrExplain(opts);
      if (!config) return EXIT_USAGE;
      return (await import('./app/scenario-command.js')).runScenario(config, name);
    },
    async scenarioRestore(name, opts) {
      const config = configOrExplain(opts);
      if (!config) return EXIT_USAGE;
      return (await import('./app/scenario-command.js')).restoreScenarios(config, name, Boolean(opts.all));
    },
    async demo(opts) {
      const config = configOrExplain(opts);
      if (!config) return EXIT_USAGE;
      if (!interactive()) return EXIT_USAGE;
      const { runDashboard } = await import('./app/dashboard.js');
      // A demo is recorded only when asked (--record DIR): it is no rehearsal of the real platform.
      return runDashboard(config, { recordDir: typeof opts.record === 'string' ? opts.record : undefined, demo: { speed: opts.speed, seed: opts.seed } });
    },
    async replay(file, opts) {
      const config = configOrExplain(opts);
      if (!config) return EXIT_USAGE;
      const { readRecording } = await import('./control/recording.js');
      let recording;
      try {
        recording = readRecording(file);
      } catch (e) {
        process.stderr.write(`k2mc: cannot replay ${(e as Error).message}\n`);
        return EXIT_USAGE;
      }
      if (!interactive()) return EXIT_USAGE;
      const { runDashboard } = await import('./app/dashboard.js');
      return runDashboard(config, { replay: { file, recording } });
    },
    async dashboard(opts) {
      const config = configOrExplain(opts);
      if (!config) return EXIT_USAGE;
      if (!interactive()) return EXIT_USAGE;
      const { runDashboard } = await import('./app/dashboard.js');
      const { stateDir } = await import('./app/paths.js');
      const { join } = await import('node:path');
      const dir = (typeof opts.record === 'string' ? opts.record : undefined) ?? config.recording?.dir ?? join(stateDir(), 'recordings');
      // --no-record stops this session's recording; backup mode still plays earlier ones.
      return runDashboard(config, { recordDir: opts.record === false ? undefined : dir, backup: { dir, golden: config.recording?.golden } });
    },
  });
  // A word where the dashboard takes none is a command that does not exist, not "too many arguments".
  const word = argv[2];
  const commands = program.commands.map((c) => c.name());
  if (word === 'help') {
    program.outputHelp();
    return 0;
  }
  if (word !== undefined && !word.startsWith('-') && !commands.includes(word)) {
    const close = commands.find((c) => editDistance(c, word) <= 2);
    process.stderr.write(`k2mc: unknown command '${word}'${close ? ` (did you mean ${close}?)` : ''} (see k2mc --help)\n`);
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    throw e;
  }
}
