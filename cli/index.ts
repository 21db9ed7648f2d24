/**
 * `ironic-coreos-agent` entry point: a command group over the registry, plus
 * `--version`. Help, usage errors and exit codes follow the convention every
 * subcommand shares (common/cli/report.ts): 0 success, 1 runtime error,
 * 2 usage error or invalid option value, wherever the value came from.
 */
import { subcommands } from './registry.js';
import { groupCommand } from '../common/cli/command.js';
import { PROGRAM } from '../common/cli/report.js';
import type { CliIO } from '../common/cli/types.js';
import { packageVersion } from '../common/cli/version.js';
import { prepareRuntime } from '../common/cli/runtime.js';

export { prepareRuntime };

/** The top-level command: `ironic-coreos-agent <command>`; commands load only when they run (or for help). */
const program = groupCommand({
  name: PROGRAM,
  summary: 'A deploy agent for OpenStack Ironic that installs Fedora CoreOS / RHCOS',
  commands: subcommands,
});

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  if (argv[0] === '--version') {
    io.stdout.write(`${await packageVersion()}\n`);
    return 0;
  }
  return program.run(argv, io, PROGRAM);
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  // The container image runs this file directly (no bin/ironic-coreos-agent).
  prepareRuntime();
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
