/**
 * The CoreOS-like bootable disk image (issue 15 §1), built by the test bed
 * from Debian packages and cached under /var/cache/ironic-coreos-agent/vm:
 * first a Debian root (testbed/vm/build-image-root.sh, debootstrap from the
 * machine's own mirror, never touching its apt sources), then the image
 * (testbed/vm/image-build.ts) with the root's own ostree and GRUB. Both names
 * carry a hash of their recipe, so a
 * changed recipe builds anew instead of reusing a stale entry.
 *
 * Run this file to build ahead of the tests: `tsx testbed/vm/coreos-image.ts`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import type { Runner } from '../../common/exec/runner.js';
import { findArchiveMirror, readAptSources } from '../apt-sources.js';
import { removeSysrootDir } from '../ostree-sysroot.js';
import { buildImage } from './image-build.js';
import { GUEST_TREE } from './image-tree.js';

/** Where roots and images are cached unless ICA_VM_IMAGE_DIR says otherwise. */
export const DEFAULT_IMAGE_DIR = '/var/cache/ironic-coreos-agent/vm';

/**
 * The Debian suite the image is made of: forky, for a recent ostree (2026.x) in the guest,
 * with `admin set-default` and `admin status --json` (ostree >= 2025.3, as Fedora CoreOS
 * ships), and GRUB 2.14 with `blscfg`. bookworm's ostree is 2022.7, its GRUB 2.06.
 */
export const IMAGE_SUITE = 'forky';

/** The packages of the image's root. */
export const IMAGE_PACKAGES: readonly string[] = [
  'linux-image-cloud-amd64',
  'dracut',
  'systemd',
  'systemd-sysv',
  'udev',
  'kmod',
  'e2fsprogs',
  'ostree',
  'ostree-boot',
  'grub-efi-amd64-bin',
  'grub-common',
  // Ignition 2.14 as a dracut module; its module needs url-lib and network (dracut-network,
  // curl for url-lib, procps for network-legacy's pgrep, dbus for systemd-networkd's module)
  'ignition',
  'dracut-network',
  'curl',
  'procps',
  'dbus',
  'openssh-server',
];

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT_SCRIPT = join(HERE, 'build-image-root.sh');
/** The dracut module the root's initramfs includes (build-image-root.sh copies it in). */
const DRACUT_MODULE = join(HERE, 'dracut/99ica-coreos');
/** The sources whose text is the image recipe (with the root's). */
const IMAGE_SOURCES = ['image-build.ts', 'image-tree.ts', 'grub-config.ts', 'disk-layout.ts'].map((f) => join(HERE, f));

/** The cache directory in effect. */
export function imageDirectory(): string {
  return process.env['ICA_VM_IMAGE_DIR'] ?? DEFAULT_IMAGE_DIR;
}

/** Hash naming the root: suite, packages, build script, dracut module. */
export function rootRecipeHash(
  script = readFileSync(ROOT_SCRIPT, 'utf8'),
  dracutModule = treeFiles(DRACUT_MODULE),
): string {
  return hash({ suite: IMAGE_SUITE, packages: IMAGE_PACKAGES, script, dracutModule });
}

/** Hash naming the image: the root's hash, the image builder's sources and the guest tree. */
export function imageRecipeHash(
  sources = IMAGE_SOURCES.map((f) => readFileSync(f, 'utf8')),
  guestTree = treeFiles(GUEST_TREE),
): string {
  return hash({ root: rootRecipeHash(), sources, guestTree });
}

/** Every file below `dir` as [relative path, executable, text], sorted: what a hash of a directory needs. */
export function treeFiles(dir: string): Array<[string, boolean, string]> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e): [string, boolean, string] => {
      const path = join(e.parentPath, e.name);
      return [relative(dir, path), (statSync(path).mode & 0o100) !== 0, readFileSync(path, 'utf8')];
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Why the image can be neither found nor built here, or undefined. */
export async function imageUnavailableReason(dir = imageDirectory()): Promise<string | undefined> {
  if (existsSync(join(dir, `coreos-${imageRecipeHash()}.img`))) return undefined;
  if (process.getuid?.() !== 0) return 'the CoreOS-like image is not built and building it needs root (debootstrap)';
  for (const tool of ['debootstrap', 'sgdisk', 'mkfs.vfat', 'mcopy', 'mkfs.ext4'])
    if (!['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, tool))))
      return `the CoreOS-like image is not built and ${tool} is missing (see .ci/install-debian-deps)`;
  if (!existsSync(`/usr/share/debootstrap/scripts/sid`))
    return `the CoreOS-like image is not built and debootstrap has no 'sid' script (for ${IMAGE_SUITE})`;
  if (findArchiveMirror(await readAptSources(), IMAGE_SUITE) === null)
    return 'the CoreOS-like image is not built and /etc/apt/sources.list(.d) names no http(s) Debian mirror';
  return undefined;
}

/**
 * The path of the cached image, building the root and the image first when needed.
 * Callers boot copies (or qcow2 overlays) of it, never the file itself.
 * @throws Error when a build step fails (with the command's output).
 */
export async function ensureCoreosImage(runner: Runner = new ExecaRunner(), dir = imageDirectory()): Promise<string> {
  const image = join(dir, `coreos-${imageRecipeHash()}.img`);
  if (existsSync(image)) return image;
  const reason = await imageUnavailableReason(dir);
  if (reason !== undefined) throw new Error(`Cannot build the CoreOS-like image: ${reason}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const root = join(dir, `root-${rootRecipeHash()}`);
  if (!existsSync(join(root, '.ica-root-ready'))) {
    const mirror = findArchiveMirror(await readAptSources(), IMAGE_SUITE) ?? '';
    const argv = ['flock', `${root}.lock`, 'bash', ROOT_SCRIPT, IMAGE_SUITE, root, mirror, ...IMAGE_PACKAGES];
    const lines: string[] = [];
    await runner
      .run(argv, { timeoutMs: 60 * 60_000, onLine: (line) => lines.push(line) })
      .finally(() => writeFileSync(`${root}.log`, `$ ${argv.join(' ')}\n${lines.join('\n')}\n`));
  }
  // /var/tmp: in-root.sh shares it with the root, where grub-mkstandalone runs
  const work = mkdtempSync('/var/tmp/ica-image-');
  try {
    const report = await buildImage(root, work, `${image}.partial`, runner);
    await runner.run(['mv', '-T', `${image}.partial`, image]);
    writeFileSync(`${image}.json`, `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await removeSysrootDir(work, runner);
  }
  return image;
}

function hash(recipe: unknown): string {
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  ensureCoreosImage().then(
    (image) => console.log(`${image} (${Math.round((Date.now() - started) / 1000)} s)`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
