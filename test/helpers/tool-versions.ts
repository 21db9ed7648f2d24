/**
 * How to make each command the image ships print its version (or, for dash,
 * run at all), so a test can prove every shipped binary starts: the dynamic
 * loader maps all its libraries before main() runs, so a missing library fails
 * here even for an option that does nothing else.
 */
import type { Podman } from '../../testbed/podman.js';

/** Argv (after the command) that prints the command's version and exits 0. */
export const VERSION_ARGS: Readonly<Record<string, readonly string[]>> = {
  lsblk: ['--version'],
  blkid: ['--version'],
  wipefs: ['--version'],
  blockdev: ['--version'],
  lscpu: ['--version'],
  dmesg: ['--version'],
  unshare: ['--version'],
  mount: ['--version'],
  sed: ['--version'],
  grep: ['--version'],
  sgdisk: ['--version'],
  chroot: ['--version'],
  dd: ['--version'],
  shred: ['--version'],
  sync: ['--version'],
  df: ['--version'],
  cat: ['--version'],
  mknod: ['--version'],
  mv: ['--version'],
  mkdir: ['--version'],
  rmdir: ['--version'],
  rm: ['--version'],
  chown: ['--version'],
  chmod: ['--version'],
  readlink: ['--version'],
  dirname: ['--version'],
  sort: ['--version'],
  cut: ['--version'],
  tr: ['--version'],
  head: ['--version'],
  efibootmgr: ['--version'],
  ip: ['-V'],
  nvme: ['version'],
  hdparm: ['-V'],
  smartctl: ['--version'],
  dmidecode: ['--version'],
  // Debian's lshw prints an empty -version; -help prints its usage and exits 0
  lshw: ['-help'],
  ipmitool: ['-V'],
  ps: ['--version'],
  tar: ['--version'],
  gzip: ['--version'],
  // dash has no version option
  sh: ['-c', 'echo dash'],
  'stress-ng': ['--version'],
  mdadm: ['--version'],
  fuser: ['--version'],
  mdir: ['-V'],
  mcopy: ['-V'],
  node: ['--version'],
};

/**
 * A script for the image's own node (the image has no shell to loop with): it
 * runs each command of the JSON table in its first argument and prints
 * `{command: {status, error, output}}` as JSON, output being the first
 * non-empty line of stdout and stderr together.
 */
export const RUN_VERSIONS_SCRIPT = [
  "const { spawnSync } = require('node:child_process');",
  'const result = {};',
  'for (const [command, args] of Object.entries(JSON.parse(process.argv[1]))) {',
  "  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 30000 });",
  "  const output = `${run.stdout ?? ''}\\n${run.stderr ?? ''}`.split('\\n').find((l) => l.trim() !== '') ?? '';",
  '  result[command] = { status: run.status, error: run.error?.code ?? null, output: output.trim() };',
  '}',
  'console.log(JSON.stringify(result));',
].join('\n');

/** stdout of the image's own node running `args` (`-e SCRIPT ...`, `--version`): the image has no shell. */
export async function nodeInImage(podman: Podman, image: string, args: readonly string[]): Promise<string> {
  return (await podman.run(['run', '--rm', '--entrypoint', '/usr/local/bin/node', image, ...args])).stdout;
}

/** Run {@link RUN_VERSIONS_SCRIPT} for `commands` (keys of {@link VERSION_ARGS}) with the image's own node. */
export async function versionRuns(
  podman: Podman,
  image: string,
  commands: readonly string[],
): Promise<Record<string, VersionRun>> {
  const table = Object.fromEntries(commands.map((c) => [c, VERSION_ARGS[c] ?? []]));
  const stdout = await nodeInImage(podman, image, ['-e', RUN_VERSIONS_SCRIPT, JSON.stringify(table)]);
  return JSON.parse(stdout) as Record<string, VersionRun>;
}

/** The executables on the image's PATH, listed by its own node (the image has no shell nor ls), sorted. */
export async function commandsOnPath(podman: Podman, image: string): Promise<string[]> {
  const script =
    "const fs = require('node:fs'); const seen = new Set();" +
    "for (const dir of process.env.PATH.split(':')) { let names = []; try { names = fs.readdirSync(dir); } catch {}" +
    ' for (const n of names) { try { fs.accessSync(dir + "/" + n, fs.constants.X_OK);' +
    ' if (fs.statSync(dir + "/" + n).isFile()) seen.add(n); } catch {} } }' +
    'console.log(JSON.stringify([...seen].sort()))';
  return JSON.parse(await nodeInImage(podman, image, ['-e', script])) as string[];
}

/** One command's outcome, as {@link RUN_VERSIONS_SCRIPT} reports it. */
export interface VersionRun {
  status: number | null;
  error: string | null;
  output: string;
}

/**
 * The commands that did not start and print something, as readable lines (empty when all did).
 * @param only - look at these commands only (default: every command run)
 */
export function failedVersionRuns(runs: Readonly<Record<string, VersionRun>>, only?: readonly string[]): string[] {
  return Object.entries(runs)
    .filter(([command]) => only === undefined || only.includes(command))
    .filter(([, run]) => run.status !== 0 || run.error !== null || run.output === '')
    .map(([command, run]) => `${command}: exit ${String(run.status)} ${run.error ?? ''} ${run.output}`.trim());
}
