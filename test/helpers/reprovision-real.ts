/**
 * Running `ironic-coreos-agent reprovision` for real, as a separate process
 * (so a test can SIGKILL it), against a real ostree sysroot built by
 * testbed/ostree-sysroot.ts with forky's ostree (testbed/ostree-tools.ts), and
 * the facts the tests compare: the default deployment, the /var listing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCoreosSysroot, sysrootUnavailableReason, type CoreosSysroot } from '../../testbed/ostree-sysroot.js';
import { recentOstree } from '../../testbed/ostree-tools.js';
import { readBlsEntries } from '../../testbed/sysroot-bls.js';
import { sysrootFingerprint } from '../../testbed/sysroot-fingerprint.js';

const CLI = fileURLToPath(new URL('../../cli/index.ts', import.meta.url));

/** What a CLI run gave. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI with `args` (and optional stdin), never rejecting. */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { env: { ...process.env, ...options.env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolve({
          code: e === null ? 0 : typeof e.code === 'number' ? e.code : null,
          signal: e?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Why the real tests cannot run here, or the recent ostree's wrapper path. */
export async function realOstree(dir: string): Promise<{ path?: string | undefined; reason?: string | undefined }> {
  const reason = sysrootUnavailableReason();
  if (reason !== undefined) return { reason };
  mkdirSync(dir, { recursive: true });
  return recentOstree(dir);
}

/**
 * In a mocha `before`: the recent ostree's wrapper (written in `work`), or a
 * skip of the suite with the reason printed.
 */
export async function ostreeOrSkip(context: Mocha.Context, work: string): Promise<string> {
  const found = await realOstree(work);
  if (found.path === undefined) {
    console.log(`      (skipping: ${found.reason})`);
    context.skip();
  }
  return found.path;
}

/** A fresh sysroot (with an /etc file the deployment has but /usr/etc has not, to prove /etc is fresh). */
export async function freshSysroot(options: { selinux?: boolean } = {}): Promise<CoreosSysroot> {
  const sysroot = await buildCoreosSysroot({ selinux: options.selinux === true });
  const etc = join(sysroot.sysroot, 'ostree/deploy', sysroot.stateroot, 'deploy', sysroot.deployment, 'etc');
  await import('node:fs/promises').then((fs) => fs.writeFile(join(etc, 'stale-local-change'), 'old\n'));
  return sysroot;
}

/** The default deployment's id and whether its directory exists (a complete deployment with its entry). */
export function defaultDeployment(sysroot: string): { id: string; complete: boolean; options: string } {
  const entry = readBlsEntries(sysroot)[0]!;
  const id = entry.deployment;
  const dir = join(sysroot, 'ostree/deploy/fedora-coreos/deploy', id);
  return { id, complete: existsSync(join(dir, 'usr')) && existsSync(join(dir, 'etc')), options: entry.options };
}

/**
 * The stateroot's /var as the tests compare it: every path with type, mode,
 * owner, size, content hash, link target and xattrs, without the reprovision
 * state directory and without times (moving entries changes directory times).
 */
export async function varListing(sysroot: string): Promise<string[]> {
  const fingerprint = await sysrootFingerprint(sysroot);
  return fingerprint.listing
    .filter((line) => line.startsWith('var ') && !/^var \S+ \.ironic-coreos-agent/.test(line))
    .filter((line) => !/^var \S+ \. dir/.test(line))
    .map((line) => line.replace(/ mtime=\d+/, ''));
}

/** Where a symlink points, or null. */
export function linkTarget(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}
