/**
 * GRUB's EFI modules from Debian forky (2.14), whose `blsuki` module is
 * upstream GRUB's Boot Loader Specification support (the `blscfg` command,
 * grub-core/commands/blsuki.c): the CoreOS-like image's GRUB reads ostree's BLS
 * entries at boot, as Fedora CoreOS's does. bookworm's GRUB 2.06 has no
 * `blscfg` (Fedora carries it as a patch), so a deploy made after the image
 * was built would stay invisible to it.
 *
 * Only `grub-efi-amd64-bin` is needed (`usr/lib/grub/x86_64-efi`: kernel.img,
 * the modules, moddep.lst); the image root's own grub-mkstandalone (2.06)
 * assembles them with `-d` (checked: the result boots under OVMF and runs
 * `blscfg`). forky's tools (grub2-common) need glibc 2.38 and do not run on
 * bookworm. The .deb is fetched from the machine's own mirror, authenticated
 * (testbed/debian-archive.ts), and cached under the image cache directory.
 * This file's text is part of the image recipe hash (testbed/vm/coreos-image.ts),
 * so changing the pin builds a new image.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '../../common/exec/runner.js';
import { findArchiveMirror, readAptSources } from '../apt-sources.js';
import { debFileName, fetchPinnedDeb, sha256File, type PinnedDeb } from '../debian-archive.js';

/** forky's grub-efi-amd64-bin, as dists/forky/main/binary-amd64/Packages lists it. */
export const FORKY_GRUB_EFI: PinnedDeb = {
  suite: 'forky',
  arch: 'amd64',
  name: 'grub-efi-amd64-bin',
  version: '2.14-4',
  sha256: '950ac43320dcd7c7b6c5235631724dbbdae2a9351060f4e09b2637bf7fc55905',
};

/** Where the package's modules are once the .deb is unpacked (`dpkg-deb -x`). */
export const GRUB_EFI_MODULES_DIR = 'usr/lib/grub/x86_64-efi';

/** Where fetched .debs are cached: `debs/` beside the images. */
export function debCacheDirectory(imageDir: string): string {
  return join(imageDir, 'debs');
}

/** Why the .deb can be neither found under `imageDir` nor fetched, or undefined. */
export async function grubDebUnavailableReason(imageDir: string): Promise<string | undefined> {
  if (existsSync(join(debCacheDirectory(imageDir), debFileName(FORKY_GRUB_EFI)))) return undefined;
  if (findArchiveMirror(await readAptSources(), FORKY_GRUB_EFI.suite) === null)
    return `forky's ${FORKY_GRUB_EFI.name} is not cached and /etc/apt/sources.list(.d) names no http(s) Debian mirror`;
  return undefined;
}

/**
 * The path of the .deb cached under `imageDir`, fetched first when missing.
 * A cached file whose SHA256 is not the pinned one is refetched.
 * @throws Error when no mirror is configured or a check of the fetch fails.
 */
export async function ensureGrubDeb(imageDir: string, runner: Runner): Promise<string> {
  const cacheDir = debCacheDirectory(imageDir);
  const deb = join(cacheDir, debFileName(FORKY_GRUB_EFI));
  if (existsSync(deb) && (await sha256File(deb)) === FORKY_GRUB_EFI.sha256) return deb;
  const mirror = findArchiveMirror(await readAptSources(), FORKY_GRUB_EFI.suite);
  if (mirror === null)
    throw new Error(
      `Cannot fetch forky's ${FORKY_GRUB_EFI.name}: /etc/apt/sources.list(.d) names no http(s) Debian mirror`,
    );
  return fetchPinnedDeb(FORKY_GRUB_EFI, mirror, cacheDir, runner);
}
