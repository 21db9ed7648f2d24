/**
 * The Boot Loader Specification entries of an ostree sysroot, read from the
 * files: `boot/loader` is a symlink to `loader.0` or `loader.1` (ostree swaps
 * it to switch atomically), whose `entries/ostree-<n>-<stateroot>.conf` carry
 * `version` (the highest is the default) and `options` ending in
 * `ostree=/ostree/boot.N/<stateroot>/<bootcsum>/<i>`, a symlink to the
 * deployment (ostreedev/ostree src/libostree/ostree-sysroot-deploy.c).
 * Needs no ostree program, so it reads any version's sysroot the same way.
 */
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';

/** One BLS entry. */
export interface BlsEntry {
  /** The file name, e.g. `ostree-1-fedora-coreos.conf`. */
  file: string;
  /** The whole text. */
  text: string;
  title: string;
  version: number;
  /** The `options` value (the kernel arguments). */
  options: string;
  /** The stateroot the `ostree=` karg points into. */
  stateroot: string;
  /** The deployment the `ostree=` karg points to, `<checksum>.<serial>`. */
  deployment: string;
}

/** The directory holding the entries: `boot/loader/entries` through the symlink. */
export function blsEntriesDir(sysroot: string): string {
  return join(sysroot, 'boot', readlinkSync(join(sysroot, 'boot/loader')), 'entries');
}

/** The value of `key` in a BLS entry's text, or ''. */
export function blsField(text: string, key: string): string {
  for (const line of text.split('\n')) {
    const match = /^(\S+)\s+(.*)$/.exec(line);
    if (match?.[1] === key) return match[2] ?? '';
  }
  return '';
}

/**
 * The sysroot's BLS entries, default first (descending `version`).
 * @throws Error when `boot/loader` is missing or an `ostree=` link is broken.
 */
export function readBlsEntries(sysroot: string): BlsEntry[] {
  const dir = blsEntriesDir(sysroot);
  if (!existsSync(dir)) return [];
  const entries = readdirSync(dir)
    .filter((name) => name.endsWith('.conf'))
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const options = blsField(text, 'options');
      const ostreeKarg = /(?:^|\s)ostree=(\S+)/.exec(options)?.[1] ?? '';
      const target = ostreeKarg === '' ? '' : readlinkSync(join(sysroot, ostreeKarg));
      const parts = target.split('/');
      return {
        file,
        text,
        title: blsField(text, 'title'),
        version: Number(blsField(text, 'version')),
        options,
        stateroot: parts.at(-3) ?? '',
        deployment: basename(target),
      };
    });
  return entries.sort((a, b) => b.version - a.version);
}
