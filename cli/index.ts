/**
 * `ironic-coreos-agent` entry point: picks the subcommand and maps errors to
 * exit codes (0 success, 1 runtime error, 2 usage error or invalid option
 * value, wherever the value came from).
 */
import { subcommands } from './registry.js';
import { isUsageError, isValueError, type CliIO } from '../common/cli/types.js';
import { packageVersion } from '../common/cli/version.js';

/** Top-level usage text (loads every subcommand for its summary). */
export async function usage(): Promise<string> {
  const loaded = await Promise.all(subcommands.map((entry) => entry.load()));
  const width = Math.max(...loaded.map((s) => s.name.length), 8);
  const lines = loaded.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`);
  return [
    'Usage: ironic-coreos-agent <command> [options]',
    '',
    'A deploy agent for OpenStack Ironic that installs Fedora CoreOS / RHCOS.',
    '',
    'Commands:',
    ...lines,
    '',
    'Run "ironic-coreos-agent <command> --help" for the options of a command.',
    '',
  ].join('\n');
}

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(await usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout.write(`${await packageVersion()}\n`);
    return 0;
  }
  const entry = subcommands.find((s) => s.name === name);
  if (entry === undefined) {
    io.stderr.write(`ironic-coreos-agent: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command.run(rest, io);
  } catch (error) {
    if (isUsageError(error) || isValueError(error)) {
      io.stderr.write(
        `ironic-coreos-agent ${name}: ${error.message}\nRun "ironic-coreos-agent ${name} --help" for usage.\n`,
      );
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`ironic-coreos-agent ${name}: error: ${message}\n`);
    return 1;
  }
}

export { packageVersion } from '../common/cli/version.js';

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  const io: CliIO = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
