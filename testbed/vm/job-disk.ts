/**
 * A job disk: how a VM test runs commands in the booted guest without a
 * network. An ext4 filesystem labelled `ica-job` (made with `mkfs.ext4 -d`
 * from a directory: no mount on the host) holding shell steps and files; the
 * image's `ica-vm-job.service` (guest-tree/usr/lib/ica-vm/run-job) mounts it
 * and runs one step per boot, writing each step's log and exit code back onto
 * it, and says `ICA-VM-JOB step=<n> rc=<code>` on the completion port. After
 * the VM is gone, {@link readJobOutput} copies the results out with debugfs.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import type { Runner } from '../../common/exec/runner.js';

/** The filesystem label run-job looks for. */
export const JOB_LABEL = 'ica-job';

/** Where the guest mounts the job disk (run-job). */
export const JOB_MOUNT = '/run/ica-job';

/** One file put on the job disk: copied from `source` on the host, or with `content`. */
export interface JobFile {
  /** Path on the disk, relative (e.g. `bin/node`). */
  path: string;
  source?: string;
  content?: string;
  /** Default 0644 for content, the source's mode for a copy. */
  mode?: number;
}

/** What the disk holds. */
export interface JobSpec {
  /** Shell scripts, run in order, one per boot (`sh -x`, in `/out/<n>`, the disk's `bin/` first in PATH). */
  steps: readonly string[];
  files?: readonly JobFile[];
}

/** A step's result as the guest left it. */
export interface StepResult {
  /** Exit code, or null when the step never finished (it rebooted the machine, or power was cut). */
  rc: number | null;
  log: string;
  /** The step's working directory (`out/<n>`), copied to the host. */
  dir: string;
}

/**
 * Checks a relative path on the disk.
 * @throws Error for an absolute path, `..`, or an empty path
 */
export function checkJobPath(path: string): string {
  const clean = normalize(path);
  if (path === '' || isAbsolute(path) || clean === '..' || clean.startsWith('../') || clean === '.')
    throw new Error(`job disk path ${JSON.stringify(path)} must be relative and stay inside the disk`);
  return clean;
}

/** The filesystem's size in MiB for `bytes` of content: a third more, plus room for the steps' output. */
export function jobDiskSizeMiB(bytes: number, outputMiB = 64): number {
  return Math.ceil((bytes * 4) / 3 / 1048576) + outputMiB;
}

/** `mkfs.ext4` argv making `image` from `tree` (no journal needed for the host side, but the guest's power cuts want one). */
export function mkfsArgv(image: string, tree: string, sizeMiB: number): string[] {
  return ['mkfs.ext4', '-q', '-F', '-L', JOB_LABEL, '-d', tree, image, `${sizeMiB}M`];
}

/**
 * Lays `spec` out in `dir/tree` and makes `dir/job.img` from it.
 * @throws Error when there is no step, a path is invalid, or mkfs fails (its message)
 */
export async function buildJobDisk(spec: JobSpec, dir: string, runner: Runner): Promise<string> {
  if (spec.steps.length === 0) throw new Error('a job disk needs at least one step');
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'steps'), { recursive: true });
  mkdirSync(join(tree, 'out'), { recursive: true });
  spec.steps.forEach((text, i) => writeFileSync(join(tree, 'steps', String(i + 1)), text, { mode: 0o755 }));
  let bytes = 0;
  for (const file of spec.files ?? []) {
    const target = join(tree, checkJobPath(file.path));
    mkdirSync(dirname(target), { recursive: true });
    if (file.source !== undefined) {
      await runner.run(['cp', '-a', '--reflink=auto', file.source, target]);
      bytes += statSync(file.source).isDirectory() ? await duBytes(file.source, runner) : statSync(file.source).size;
    } else writeFileSync(target, file.content ?? '', { mode: file.mode ?? 0o644 });
    if (file.mode !== undefined) await runner.run(['chmod', file.mode.toString(8), target]);
  }
  const image = join(dir, 'job.img');
  await runner.run(mkfsArgv(image, tree, jobDiskSizeMiB(bytes)));
  return image;
}

async function duBytes(path: string, runner: Runner): Promise<number> {
  const { stdout } = await runner.run(['du', '-sb', path]);
  return Number(stdout.split('\t')[0]);
}

/**
 * Copies the steps' results off `image` (debugfs rdump: no mount) into `dest`
 * and returns them by step number (1-based; a step that never started has no entry).
 */
export async function readJobOutput(image: string, dest: string, runner: Runner): Promise<Map<number, StepResult>> {
  mkdirSync(dest, { recursive: true });
  await runner.run(['debugfs', '-R', `rdump /out ${dest}`, image]);
  const results = new Map<number, StepResult>();
  for (let n = 1; existsSync(join(dest, 'out', String(n))); n++) {
    const stepDir = join(dest, 'out', String(n));
    const rcFile = join(stepDir, 'rc');
    const rcText = existsSync(rcFile) ? readFileSync(rcFile, 'utf8').trim() : '';
    const log = existsSync(join(stepDir, 'log')) ? readFileSync(join(stepDir, 'log'), 'utf8') : '';
    results.set(n, { rc: /^\d+$/.test(rcText) ? Number(rcText) : null, log, dir: stepDir });
  }
  return results;
}
