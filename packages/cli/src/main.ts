/**
 * @module main
 * Command dispatch for `pushwire`: global `--help` / `--version`, one sub-command per word, and
 * the mapping of failures to exit codes (0 ok, 1 failure, 2 usage error).
 */
import { readFileSync } from 'node:fs';
import { type CliIo, ExitCode } from './cli-io';
import type { Command } from './command';
import { appsCommand } from './commands/apps';
import { authCommand } from './commands/auth';
import { channelCommand } from './commands/channel';
import { channelsCommand } from './commands/channels';
import { serveCommand } from './commands/serve';
import { tailCommand } from './commands/tail';
import { triggerCommand } from './commands/trigger';
import { usersCommand } from './commands/users';
import { printError } from './output';
import { UsageError } from './usage-error';

/** Every sub-command, in the order `pushwire --help` lists them. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  appsCommand,
  triggerCommand,
  channelsCommand,
  channelCommand,
  usersCommand,
  authCommand,
  tailCommand,
];

/**
 * Set at build time by a bundler that leaves package.json behind (the single-file executable of
 * scripts/build-exe.mjs); undeclared otherwise.
 */
declare const __PUSHWIRE_VERSION__: string | undefined;

/** The CLI's version, read from its package.json (next to `src/` and `dist/`). */
export function readVersion(): string {
  if (typeof __PUSHWIRE_VERSION__ === 'string') return __PUSHWIRE_VERSION__;
  const packageJson: unknown = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  );
  const version =
    typeof packageJson === 'object' && packageJson !== null && 'version' in packageJson
      ? packageJson.version
      : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const list = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: pushwire <command> [arguments] [options]

A Pusher Channels toolkit: run a compatible server, publish events, inspect channels, sign auth.

Commands:
${list.join('\n')}

Run "pushwire <command> --help" for a command's arguments and options.
Global options: -h, --help   -v, --version

Exit codes: 0 ok, 1 failure (API or network error), 2 usage error.`;
}

/** Run the CLI with `argv` (without `node` and the script) and resolve to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    const command = COMMANDS.find((candidate) => candidate.name === topic);
    io.stdout.write(`${command === undefined ? globalHelp() : command.help}\n`);
    return first === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${readVersion()}\n`);
    return ExitCode.Ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === first);
  try {
    if (command === undefined) {
      throw new UsageError(`unknown command "${first}"`);
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const where = error.command === undefined ? '' : ` ${error.command}`;
      io.stderr.write(
        `pushwire${where}: ${error.message}\nRun "pushwire${where} --help" for usage.\n`,
      );
      return ExitCode.Usage;
    }
    printError(io, { json: argv.includes('--json') }, error);
    return ExitCode.Failure;
  }
}
