/**
 * How to make each command the image ships print its version (or, for dash,
 * run at all), so a test can prove every shipped binary starts: the dynamic
 * loader maps all its libraries before main() runs, so a missing library fails
 * here even for an option that does nothing else.
 */

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

/** One command's outcome, as {@link RUN_VERSIONS_SCRIPT} reports it. */
export interface VersionRun {
  status: number | null;
  error: string | null;
  output: string;
}

/** The commands that did not start and print something, as readable lines (empty when all did). */
export function failedVersionRuns(runs: Readonly<Record<string, VersionRun>>): string[] {
  return Object.entries(runs)
    .filter(([, run]) => run.status !== 0 || run.error !== null || run.output === '')
    .map(([command, run]) => `${command}: exit ${String(run.status)} ${run.error ?? ''} ${run.output}`.trim());
}
