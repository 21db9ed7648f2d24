/**
 * A recent ostree for the reprovision tests. Debian 12's ostree is 2022.7: it
 * has no `admin set-default` and no `admin status --json` (added in 2025.3),
 * which the product relies on (as on Fedora CoreOS, which ships a recent one).
 * forky's ostree (2026.x) is installed in the forky root the test bed already
 * builds for Ironic (testbed/ironic-roots.ts, testbed/ironic-suites.ts); a
 * small wrapper script runs it there through testbed/in-root.sh, so a test can
 * hand the product `--ostree <wrapper>`.
 *
 * Inside the root the machine's /tmp and /var/tmp are at the same paths, so a
 * sysroot under either is seen where the caller has it; anything else must be
 * passed in `binds`. Paths given to the wrapper must be absolute: chroot starts
 * the command in the root's `/`.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';
import { ensureIronicRoot, inRootArgv, isRootReady, rootPath, rootUnavailableReason } from './ironic-roots.js';

/** The suite whose root provides the recent ostree. */
export const RECENT_OSTREE_SUITE = 'forky';

/** A wrapper script (`path`) or why none can be had here (`reason`). */
export type RecentOstree = { path: string; reason?: undefined } | { path?: undefined; reason: string };

/** Options of {@link recentOstree}. */
export interface RecentOstreeOptions {
  /** Build the forky root when it is not cached (minutes). Default true. */
  build?: boolean;
  /** Directories outside /tmp and /var/tmp the wrapped ostree must see. */
  binds?: readonly string[];
  rootsDir?: string;
  runner?: Runner;
}

/**
 * Write `<dir>/ostree`, an executable script running forky's ostree in the
 * forky root (`exec in-root.sh <root> -- ostree "$@"`), and return its path;
 * or the reason it cannot be had: not root (chroot and mounts need it), or the
 * root is neither built nor buildable here (see rootUnavailableReason).
 * @throws Error when building the root was attempted and failed.
 */
export async function recentOstree(dir: string, options: RecentOstreeOptions = {}): Promise<RecentOstree> {
  if (process.getuid?.() !== 0) return { reason: "running forky's ostree needs root (chroot, mount namespace)" };
  const root = rootPath(RECENT_OSTREE_SUITE, options.rootsDir);
  if (!isRootReady(root)) {
    if (options.build === false) return { reason: `the ${RECENT_OSTREE_SUITE} root ${root} is not built` };
    const why = await rootUnavailableReason(RECENT_OSTREE_SUITE, options.rootsDir);
    if (why !== undefined) return { reason: why };
    await ensureIronicRoot(RECENT_OSTREE_SUITE, {
      ...(options.rootsDir === undefined ? {} : { rootsDir: options.rootsDir }),
      ...(options.runner === undefined ? {} : { runner: options.runner }),
    });
  }
  if (!existsSync(join(root, 'usr/bin/ostree'))) return { reason: `${root} has no usr/bin/ostree` };
  const path = join(dir, 'ostree');
  writeFileSync(path, wrapperScript(root, options.binds ?? []));
  chmodSync(path, 0o755);
  return { path };
}

/** The text of the wrapper script (pure). */
export function wrapperScript(root: string, binds: readonly string[]): string {
  const argv = inRootArgv(root, binds, ['ostree']).map(shellQuote).join(' ');
  return `#!/bin/sh\n# forky's ostree, run in ${root} (testbed/ostree-tools.ts)\nexec ${argv} "$@"\n`;
}

/**
 * The libostree version an ostree binary reports (`--version` prints
 * `Version: '2026.4'`), e.g. `2026.4`.
 * @throws Error when the output carries no version.
 */
export async function ostreeVersion(binary: string, runner: Runner = new ExecaRunner()): Promise<string> {
  const { stdout } = await runner.run([binary, '--version']);
  const version = /Version:\s*'?([0-9][0-9.]*)'?/.exec(stdout)?.[1];
  if (version === undefined) throw new Error(`${binary} --version printed no version:\n${stdout}`);
  return version;
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:,@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
