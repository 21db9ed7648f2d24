/**
 * The deployments of an ostree sysroot, read from the sysroot itself as
 * libostree does (ostreedev/ostree src/libostree/ostree-sysroot.c
 * `list_deployments_process_one_boot_entry`): each loader entry's `ostree=`
 * path is a symlink under `ostree/boot.N/<stateroot>/<bootcsum>/<bootserial>`
 * to `../../../deploy/<stateroot>/deploy/<checksum>.<serial>`, and the entry
 * with the highest `version` is deployment 0, the default. Reading the files
 * instead of `ostree admin status` works with every ostree release (its
 * `--json` output only exists since 2025.3).
 */
import { basename, join } from 'node:path';
import type { FsReader } from '../../common/fs/fs-reader.js';
import { bootOrder, parseBlsEntry, type BlsEntry } from './bls.js';
import { splitKargs } from './kargs.js';
import { backingRootIdentity } from './ostree-booted.js';
import { ReprovisionError } from '../errors.js';

/** One deployment, as its loader entry names it. */
export interface Deployment {
  /** Position in boot order: 0 is the default. */
  readonly index: number;
  readonly stateroot: string;
  readonly checksum: string;
  readonly serial: number;
  /** `<checksum>.<serial>`, the deployment directory's name. */
  readonly id: string;
  /** Its loader entry. */
  readonly entry: BlsEntry;
}

/** The deployment directory of `deployment` under the physical sysroot `physical`. */
export function deploymentDir(physical: string, deployment: Pick<Deployment, 'stateroot' | 'id'>): string {
  return join(physical, 'ostree', 'deploy', deployment.stateroot, 'deploy', deployment.id);
}

/** `deploy/<stateroot>/deploy/<checksum>.<serial>` out of a boot symlink's target. */
export function parseDeployLink(target: string): { stateroot: string; checksum: string; serial: number } | null {
  const match = /(?:^|\/)deploy\/([^/]+)\/deploy\/([0-9a-f]{64})\.(\d+)\/?$/.exec(target);
  if (match === null) return null;
  return { stateroot: match[1]!, checksum: match[2]!, serial: Number(match[3]) };
}

/** Where a sysroot's two halves are: `ostree/` under `physical`, the loader entries under `boot`. */
export interface SysrootPaths {
  /** The directory holding `ostree/` (`/sysroot` on a booted node; the sysroot itself offline). */
  readonly physical: string;
  /** The directory holding `loader/` (`/boot`, its own partition on Fedora CoreOS). */
  readonly boot: string;
}

/**
 * Every deployment of a sysroot, default first.
 * @throws ReprovisionError when it is not an ostree sysroot or an entry cannot be resolved
 */
export async function readDeployments(fs: FsReader, paths: SysrootPaths): Promise<Deployment[]> {
  const { physical } = paths;
  const entriesDir = join(paths.boot, 'loader', 'entries');
  let names: string[];
  try {
    names = (await fs.readdir(entriesDir)).filter((name) => name.endsWith('.conf'));
  } catch {
    throw new ReprovisionError(
      `${physical} is not an ostree system: ${entriesDir} cannot be read`,
      'Run this on an installed Fedora CoreOS node, or point --sysroot at its root.',
    );
  }
  const entries: BlsEntry[] = [];
  for (const name of names) entries.push(parseBlsEntry(name, await fs.readFile(join(entriesDir, name))));
  const ostreeEntries = bootOrder(entries).filter((entry) => entry.ostreePath !== undefined);
  if (ostreeEntries.length === 0) {
    throw new ReprovisionError(
      `${physical} is not an ostree system: no loader entry under ${entriesDir} has an ostree= argument`,
      'Run this on an installed Fedora CoreOS node, or point --sysroot at its root.',
    );
  }
  const deployments: Deployment[] = [];
  for (const entry of ostreeEntries) {
    const target = await resolveBootLink(fs, physical, entry.ostreePath!);
    deployments.push({ index: deployments.length, ...target, id: `${target.checksum}.${target.serial}`, entry });
  }
  return deployments;
}

/** The deployment an `ostree=` path names. @throws ReprovisionError */
async function resolveBootLink(
  fs: FsReader,
  physical: string,
  ostreePath: string,
): Promise<{ stateroot: string; checksum: string; serial: number }> {
  let target: string;
  try {
    target = await fs.readlink(join(physical, ostreePath));
  } catch (error) {
    throw new ReprovisionError(
      `the loader entry's ostree=${ostreePath} is not a link under ${physical}: ${(error as Error).message}`,
      'The sysroot looks damaged; check `ostree admin status` before reprovisioning.',
    );
  }
  const parsed = parseDeployLink(target);
  if (parsed === null) {
    throw new ReprovisionError(
      `ostree=${ostreePath} points at ${target}, not at a deployment`,
      'The sysroot looks damaged; check `ostree admin status` before reprovisioning.',
    );
  }
  return parsed;
}

/**
 * The booted deployment, or undefined when the sysroot is not the booted one
 * (no `ostree=` on the running kernel's command line). As ostree itself does
 * (ostreedev/ostree src/libostree/ostree-sysroot.c: the booted deployment is
 * the one whose directory is the running root), the deployment whose
 * directory has the identity (device and inode) of `root`, or the one
 * `root/run/ostree-booted` records (ostree-booted.ts), wins. The `ostree=`
 * path is only the fallback, when neither can tell: it goes through
 * `/ostree/boot.N`, which every change of the deployments replaces, so after
 * a deploy on the running node it no longer resolves, and after two it can
 * name another deployment.
 */
export async function bootedDeployment(
  fs: FsReader,
  physical: string,
  deployments: readonly Deployment[],
  cmdline: string,
  root?: string,
): Promise<Deployment | undefined> {
  const arg = splitKargs(cmdline).find((a) => a.startsWith('ostree='));
  if (arg === undefined) return undefined;
  const same = root === undefined ? undefined : await deploymentAt(fs, physical, deployments, root);
  if (same !== undefined) return same;
  let target: string;
  try {
    target = await fs.readlink(join(physical, arg.slice('ostree='.length)));
  } catch {
    return undefined;
  }
  const parsed = parseDeployLink(target);
  return parsed === null
    ? undefined
    : deployments.find((d) => d.id === basename(target) && d.stateroot === parsed.stateroot);
}

/**
 * The deployment whose directory is the running root: the same device and
 * inode as `root`, or as `root/run/ostree-booted` records (a composefs root);
 * undefined when the reader cannot tell.
 */
async function deploymentAt(
  fs: FsReader,
  physical: string,
  deployments: readonly Deployment[],
  root: string,
): Promise<Deployment | undefined> {
  const { identity, readBytes } = fs;
  if (identity === undefined) return undefined;
  const idOf = (path: string) => identity.call(fs, path).catch(() => undefined);
  const recorded =
    readBytes === undefined
      ? undefined
      : await readBytes.call(fs, join(root, 'run', 'ostree-booted')).then(backingRootIdentity, () => null);
  const running = new Set([await idOf(root), recorded ?? undefined].filter((id) => id !== undefined));
  if (running.size === 0) return undefined;
  for (const d of deployments) {
    const id = await idOf(deploymentDir(physical, d));
    if (id !== undefined && running.has(id)) return d;
  }
  return undefined;
}
