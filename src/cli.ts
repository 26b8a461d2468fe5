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

export function parseKafkaBrokers(value: string): string {
  const list = parseBrokerList(value);
  if (typeof list === 'string') throw new InvalidArgumentError(`${list}.`);
  return list.join(',');
}

export function resolveConfig(opts: GlobalOptions): Config {
  return loadConfig({
    configPath: opts.config,
    composePath: opts.compose,
    flags: { project: opts.project, dockerHost: opts.dockerHost, refreshMs: opts.refresh, readOnly: opts.readOnly, kafkaBrokers: opts.kafkaBrokers },
  });
}

export function buildProgram(run: { dashboard(opts: GlobalOptions): Promise<number> }): Command {
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
    .addOption(new Option('--read-only', 'never act on containers'))
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(text.split('\n')[0]!.replace(/^error: /, 'k2mc: ') + ' (see k2mc --help)\n'),
    })
    .action(async (opts: GlobalOptions) => {
      process.exitCode = await run.dashboard(opts);
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram({
    async dashboard(opts) {
      let config: Config;
      try {
        config = resolveConfig(opts);
      } catch (e) {
        if (e instanceof ConfigError) {
          process.stderr.write(`k2mc: ${e.message}\n`);
          return EXIT_USAGE;
        }
        throw e;
      }
      if (!process.stdout.isTTY || !process.stdin.isTTY) {
        process.stderr.write('k2mc: the dashboard needs an interactive terminal (stdin and stdout must be a TTY).\n');
        return EXIT_USAGE;
      }
      const { runDashboard } = await import('./app/dashboard.js');
      return runDashboard(config);
    },
  });
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
