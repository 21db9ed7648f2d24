/**
 * `ironic-coreos-agent` entry point: picks the subcommand and maps errors to
 * exit codes (0 success, 1 runtime error, 2 usage error).
 */
import { subcommands } from './registry.js';
import { UsageError, type CliIO } from './types.js';

/** Top-level usage text. */
export function usage(): string {
  const width = Math.max(...subcommands.map((s) => s.name.length), 8);
  const lines = subcommands.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`);
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
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout.write(`${await packageVersion()}\n`);
    return 0;
  }
  const command = subcommands.find((s) => s.name === name);
  if (command === undefined) {
    io.stderr.write(`ironic-coreos-agent: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`ironic-coreos-agent ${name}: ${error.message}\nRun "ironic-coreos-agent ${name} --help" for usage.\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`ironic-coreos-agent ${name}: error: ${message}\n`);
    return 1;
  }
}

/** The package version from package.json. */
export async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const url = new URL('../../package.json', import.meta.url);
  const fallback = new URL('../package.json', import.meta.url);
  for (const candidate of [url, fallback]) {
    try {
      const pkg = JSON.parse(await readFile(candidate, 'utf8')) as { version?: string };
      if (typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next location (dist/cli vs cli)
    }
  }
  return '0.0.0';
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  const io: CliIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
  main(process.argv.slice(2), io).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => { process.stderr.write(`${String(error)}\n`); process.exitCode = 1; },
  );
}
