/**
 * A local Debian base image built without any container registry:
 * `debootstrap --variant=minbase` from the machine's own apt mirror, then
 * `podman import`. The image is cached by tag, so only the first run pays
 * for debootstrap (about 30 s plus download).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import { findMirror, readAptSources } from './apt-sources.js';
import type { Podman } from './podman.js';

/** The cached base image tag (kept between runs on purpose). */
export const DEBIAN_BASE_TAG = 'localhost/ironic-coreos-agent-test/debian:bookworm-minbase';

/** What the official debian image sets, so Dockerfiles behave the same on this base. */
const IMAGE_CHANGES = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["bash"]'];

/** Why the base image cannot be built here, or null when it can (or is cached). */
export async function debianBaseUnavailableReason(podman: Podman, tag = DEBIAN_BASE_TAG): Promise<string | null> {
  if (await podman.imageExists(tag)) return null;
  try {
    await new ExecaRunner().run(['sh', '-c', 'command -v debootstrap']);
  } catch {
    return 'debootstrap is not installed (apt-get install -y debootstrap) and the base image is not cached';
  }
  if (findMirror(await readAptSources(), 'bookworm') === null)
    return 'no Debian bookworm mirror in /etc/apt/sources.list(.d)';
  return null;
}

/**
 * Make sure `tag` exists, building it with debootstrap when it does not.
 * @param podman - the podman to import into
 * @param tmpRoot - where the temporary rootfs goes (needs about 250 MB)
 * @returns the tag
 * @throws ProcessError when debootstrap, tar or podman import fails
 */
export async function ensureDebianBase(podman: Podman, tmpRoot: string, tag = DEBIAN_BASE_TAG): Promise<string> {
  if (await podman.imageExists(tag)) return tag;
  const mirror = findMirror(await readAptSources(), 'bookworm');
  if (mirror === null) throw new Error('no Debian bookworm mirror in /etc/apt/sources.list(.d)');
  const work = await mkdtemp(join(tmpRoot, 'ign-debian-base-'));
  const runner = new ExecaRunner();
  try {
    const rootfs = join(work, 'rootfs');
    await runner.run(['debootstrap', '--variant=minbase', 'bookworm', rootfs, mirror], { timeoutMs: 15 * 60_000 });
    await runner.run([
      'sh',
      '-c',
      'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/*',
      'sh',
      rootfs,
    ]);
    const tarball = join(work, 'rootfs.tar');
    await runner.run(['tar', '-C', rootfs, '--numeric-owner', '-cf', tarball, '.']);
    await podman.run(['import', ...IMAGE_CHANGES.flatMap((c) => ['--change', c]), tarball, tag]);
    return tag;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
