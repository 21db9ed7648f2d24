/**
 * What "the sysroot did not change" means for the reprovision tests, as a
 * readable listing and a digest of it: a command refused for bad input must
 * leave the same fingerprint behind. Covered, per stateroot: the deployments
 * (names, `.origin` files, the immutable attribute ostree sets), the stateroot's
 * /var tree and each deployment's /etc tree (path, type, mode, owner, size,
 * mtime, sha256 of the content, symlink target, xattrs); the `boot/loader`
 * symlink and every BLS entry's text; and `boot/ignition*` (the first-boot
 * config and flag a reprovision writes). The ostree repo is left out: pruning
 * or a commit there changes nothing a node boots without a deployment.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';
import { blsEntriesDir } from './sysroot-bls.js';

/** A fingerprint: the listing (one fact per line) and the sha256 of it. */
export interface SysrootFingerprint {
  digest: string;
  listing: string[];
}

/**
 * Fingerprint the sysroot (see the module comment). Read-only; runs getfattr
 * and lsattr once each.
 * @throws Error when the sysroot has no `ostree/deploy`.
 */
export async function sysrootFingerprint(
  sysroot: string,
  runner: Runner = new ExecaRunner(),
): Promise<SysrootFingerprint> {
  const deployRoot = join(sysroot, 'ostree/deploy');
  if (!existsSync(deployRoot)) throw new Error(`${sysroot} is not an ostree sysroot (no ostree/deploy)`);
  const trees: Array<[label: string, dir: string]> = [];
  const deploymentDirs: string[] = [];
  const listing: string[] = [];
  for (const stateroot of sortedNames(deployRoot)) {
    const dir = join(deployRoot, stateroot, 'deploy');
    for (const name of sortedNames(dir)) {
      const path = join(dir, name);
      if (name.endsWith('.origin')) listing.push(`origin ${stateroot}/${name} ${JSON.stringify(readText(path))}`);
      else if (lstatSync(path).isDirectory()) {
        deploymentDirs.push(path);
        trees.push([`etc ${stateroot}/${name}`, join(path, 'etc')]);
      } else listing.push(`deploy-entry ${stateroot}/${name}`);
    }
    trees.push([`var ${stateroot}`, join(deployRoot, stateroot, 'var')]);
  }
  listing.push(...(await immutableFlags(deploymentDirs, sysroot, runner)));
  listing.push(...bootListing(sysroot));
  const boot = join(sysroot, 'boot');
  for (const name of sortedNames(boot).filter((n) => n.startsWith('ignition'))) trees.push([`boot`, join(boot, name)]);
  const existing = trees.filter(([, dir]) => existsSync(dir));
  const xattrs = await readXattrs(
    existing.map(([, dir]) => dir),
    runner,
  );
  for (const [label, dir] of existing) {
    const base = label === 'boot' ? boot : dir;
    for (const path of walk(dir)) listing.push(`${label} ${describePath(path, base, xattrs)}`);
  }
  return { digest: createHash('sha256').update(listing.join('\n')).digest('hex'), listing };
}

/** The lines only in `before` (`- `) and only in `after` (`+ `): for assertion messages. */
export function fingerprintDiff(before: SysrootFingerprint, after: SysrootFingerprint): string[] {
  const a = new Set(before.listing);
  const b = new Set(after.listing);
  return [
    ...before.listing.filter((line) => !b.has(line)).map((line) => `- ${line}`),
    ...after.listing.filter((line) => !a.has(line)).map((line) => `+ ${line}`),
  ];
}

/** `boot/loader` (the symlink ostree swaps) and the text of every BLS entry. */
function bootListing(sysroot: string): string[] {
  const loader = join(sysroot, 'boot/loader');
  if (!existsSync(loader)) return ['boot/loader missing'];
  const lines = [`boot/loader -> ${readlinkSync(loader)}`];
  const entries = blsEntriesDir(sysroot);
  for (const name of sortedNames(entries)) lines.push(`bls ${name} ${JSON.stringify(readText(join(entries, name)))}`);
  return lines;
}

/** One line per deployment directory: whether it carries the immutable attribute (`lsattr -d`). */
async function immutableFlags(dirs: readonly string[], sysroot: string, runner: Runner): Promise<string[]> {
  if (dirs.length === 0) return [];
  const { stdout } = await runner.run(['lsattr', '-d', ...dirs]);
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [flags = '', ...path] = line.split(' ');
      return `immutable ${relative(sysroot, path.join(' '))} ${String(flags.includes('i'))}`;
    });
}

/** Every xattr under `dirs` (not following symlinks), by absolute path: `name=0x...` sorted. */
async function readXattrs(dirs: readonly string[], runner: Runner): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (dirs.length === 0) return result;
  const argv = ['getfattr', '--absolute-names', '-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', ...dirs];
  const { stdout } = await runner.run(argv);
  for (const block of stdout.split(/\n\n+/)) {
    const [head = '', ...attrs] = block.split('\n').filter((line) => line !== '');
    const path = /^# file: (.*)$/.exec(head)?.[1];
    if (path !== undefined) result.set(path, attrs.sort().join(','));
  }
  return result;
}

/** The paths under `dir`, itself first, depth-first in name order (symlinks not followed). */
function walk(dir: string): string[] {
  const paths = [dir];
  if (lstatSync(dir).isDirectory()) for (const name of sortedNames(dir)) paths.push(...walk(join(dir, name)));
  return paths;
}

function describePath(path: string, base: string, xattrs: ReadonlyMap<string, string>): string {
  const stat = lstatSync(path, { bigint: true });
  const type = stat.isDirectory() ? 'dir' : stat.isSymbolicLink() ? 'symlink' : stat.isFile() ? 'file' : 'other';
  const fields = [
    relative(base, path) || '.',
    type,
    (Number(stat.mode) & 0o7777).toString(8).padStart(4, '0'),
    `${String(stat.uid)}:${String(stat.gid)}`,
    `size=${String(stat.size)}`,
    `mtime=${String(stat.mtimeNs)}`,
  ];
  if (type === 'file') fields.push(`sha256=${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
  if (type === 'symlink') fields.push(`-> ${readlinkSync(path)}`);
  const attrs = xattrs.get(path);
  if (attrs !== undefined && attrs !== '') fields.push(`xattrs=${attrs}`);
  return fields.join(' ');
}

function sortedNames(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
