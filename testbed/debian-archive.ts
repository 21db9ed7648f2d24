/**
 * One .deb from a Debian archive mirror, authenticated the way apt does it
 * without touching the machine's apt: the suite's `InRelease` is checked with
 * `gpgv` against the Debian archive keyring, the Packages index is checked
 * against the SHA256 the signed Release text gives for it, and the .deb against
 * the SHA256 the index gives for it (Debian wiki SecureApt; the file layout of
 * `dists/` and `pool/` is the archive's, as debootstrap reads it).
 *
 * The wanted package is pinned (version and SHA256 in the caller's source), so
 * what a build gets is fixed by the repository, not by the day it ran; when the
 * mirror no longer serves the pinned version, the error names what it serves.
 * Valid-Until is not checked: the machine's mirror may be a snapshot past it
 * (as testbed/build-root.sh notes for forky); signatures and hashes are.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Runner } from '../common/exec/runner.js';

/** The keyring of debian-archive-keyring, which signs every suite's Release. */
export const DEBIAN_ARCHIVE_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** A package pinned to one build of it. */
export interface PinnedDeb {
  suite: string;
  /** `main/binary-<arch>` is where its index is read. */
  arch: string;
  name: string;
  version: string;
  /** SHA256 of the .deb, as the suite's Packages index gives it. */
  sha256: string;
}

/** What the Packages index says of one package. */
export interface PackageRecord {
  version: string;
  /** Path under the mirror, e.g. pool/main/g/grub2/grub-efi-amd64-bin_2.14-4_amd64.deb. */
  filename: string;
  sha256: string;
}

/**
 * The SHA256 and size a Release text gives for `path` (e.g. main/binary-amd64/Packages.xz).
 * @throws Error when the Release text lists no SHA256 for it.
 */
export function releaseEntry(release: string, path: string): { sha256: string; size: number } {
  const section = /^SHA256:\n((?:[ \t].*\n?)*)/m.exec(release)?.[1] ?? '';
  for (const line of section.split('\n')) {
    const [sha256, size, name] = line.trim().split(/\s+/);
    if (name === path && sha256 !== undefined && /^[0-9a-f]{64}$/.test(sha256)) return { sha256, size: Number(size) };
  }
  throw new Error(`The signed Release file lists no SHA256 for ${path}`);
}

/**
 * The stanza of package `name` in a Packages index (the first one, as each name appears once per index).
 * @throws Error when the index has no such package or its stanza lacks Version, Filename or SHA256.
 */
export function packageRecord(packages: string, name: string): PackageRecord {
  const text = `\n${packages}`;
  const at = text.indexOf(`\nPackage: ${name}\n`);
  if (at === -1) throw new Error(`The Packages index has no package ${name}`);
  const end = text.indexOf('\n\n', at + 1);
  const stanza = text.slice(at + 1, end === -1 ? undefined : end);
  const field = (key: string): string => new RegExp(`^${key}: (.+)$`, 'm').exec(stanza)?.[1]?.trim() ?? '';
  const record = { version: field('Version'), filename: field('Filename'), sha256: field('SHA256') };
  if (record.version === '' || !record.filename.startsWith('pool/') || !/^[0-9a-f]{64}$/.test(record.sha256))
    throw new Error(`The Packages index's stanza of ${name} lacks Version, Filename or SHA256`);
  return record;
}

/** The file name a pinned package is cached under. */
export function debFileName(pin: PinnedDeb): string {
  return `${pin.name}_${pin.version.replace(/^\d+:/, '')}_${pin.arch}.deb`;
}

/** SHA256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Downloads the pinned package from `mirror` into `destDir` (as {@link debFileName}),
 * authenticated as described above, and returns its path. Nothing lands in
 * `destDir` unless every check passed.
 * @throws Error naming the failed check (signature, index hash, pin, .deb hash) or the failed download.
 */
export async function fetchPinnedDeb(pin: PinnedDeb, mirror: string, destDir: string, runner: Runner): Promise<string> {
  const base = mirror.replace(/\/+$/, '');
  mkdirSync(destDir, { recursive: true });
  const tmp = mkdtempSync(join(destDir, '.fetch-'));
  try {
    const get = async (path: string): Promise<string> => {
      const file = join(tmp, basename(path));
      await runner.run(['curl', '-fsSL', '--retry', '3', '-o', file, `${base}/${path}`], { timeoutMs: 10 * 60_000 });
      return file;
    };
    const inRelease = await get(`dists/${pin.suite}/InRelease`);
    const release = join(tmp, 'Release');
    // gpgv --output writes only the signed text: nothing unsigned is parsed below
    await runner
      .run(['gpgv', '--keyring', DEBIAN_ARCHIVE_KEYRING, '--output', release, inRelease])
      .catch((error: unknown) => {
        throw new Error(
          `${base}/dists/${pin.suite}/InRelease is not signed by a key of ${DEBIAN_ARCHIVE_KEYRING} (is debian-archive-keyring up to date, is the mirror genuine?)`,
          { cause: error },
        );
      });
    const indexPath = `main/binary-${pin.arch}/Packages.xz`;
    const index = await get(`dists/${pin.suite}/${indexPath}`);
    await expectSha256(
      index,
      releaseEntry(readFileSync(release, 'utf8'), indexPath).sha256,
      `${base}/dists/${pin.suite}/${indexPath}`,
      'the signed Release',
    );
    await runner.run(['xz', '-d', index]);
    const record = packageRecord(readFileSync(index.replace(/\.xz$/, ''), 'utf8'), pin.name);
    if (record.version !== pin.version || record.sha256 !== pin.sha256)
      throw new Error(
        `${pin.suite}'s ${pin.name} on ${base} is ${record.version} (SHA256 ${record.sha256}), not the pinned ${pin.version} (SHA256 ${pin.sha256}): update the pin in the source after checking the new version`,
      );
    const deb = await get(record.filename);
    await expectSha256(deb, pin.sha256, `${base}/${record.filename}`, 'the signed index');
    const dest = join(destDir, debFileName(pin));
    renameSync(deb, dest);
    return dest;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function expectSha256(file: string, sha256: string, what: string, source: string): Promise<void> {
  const actual = await sha256File(file);
  if (actual !== sha256) throw new Error(`${what} has SHA256 ${actual}, ${source} says ${sha256}`);
}
