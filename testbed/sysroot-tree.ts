/**
 * The content of the small Fedora CoreOS-like sysroot the reprovision tests
 * use (testbed/ostree-sysroot.ts): the tree of an ostree commit (a kernel and
 * an initramfs where ostree looks for them, /usr/etc with users and
 * os-release) and the state a node accumulates in its stateroot's /var. Real
 * programs are not needed: nothing in the tree is executed.
 */
import { chmodSync, lchownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Runner } from '../common/exec/runner.js';

/** The kernel version of the test commits (the `usr/lib/modules/<kver>` directory). */
export const TEST_KERNEL_VERSION = '6.9.7-200.fc40.x86_64';

/** The uid and gid of the `core` user, as on Fedora CoreOS. */
export const CORE_UID = 1000;

/** A /var path (relative to the stateroot's var) holding data a test keeps with `--keep`. */
export const KEEP_PATH = 'lib/keep-me';

/** One entry to create under a directory; `path` is relative to it. Parents are created 0755 root:root. */
export type TreeEntry =
  | { type: 'dir'; path: string; mode?: number; uid?: number; gid?: number }
  | {
      type: 'file';
      path: string;
      content: string;
      mode?: number;
      uid?: number;
      gid?: number;
      /** Extended attributes, set with setfattr (package attr). */
      xattrs?: Readonly<Record<string, string>>;
    }
  | { type: 'symlink'; path: string; target: string; uid?: number; gid?: number };

/** The os-release of a commit of the given version, as Fedora CoreOS writes it. */
export function osRelease(version: string): string {
  return [
    'NAME="Fedora Linux"',
    `VERSION="${version} (CoreOS)"`,
    'ID=fedora',
    'VERSION_ID=40',
    'VARIANT="CoreOS"',
    'VARIANT_ID=coreos',
    `PRETTY_NAME="Fedora CoreOS ${version}"`,
    `OSTREE_VERSION='${version}'`,
    '',
  ].join('\n');
}

/**
 * The tree of a bootable commit, as ostree's own tests build one (ostreedev/ostree
 * tests/libtest.sh setup_os_repository: `usr/lib/modules/<kver>/{vmlinuz,initramfs.img}`
 * with small text content, `usr/etc/os-release`), with the /usr/etc files Fedora
 * CoreOS has for its users (root and core) and its top-level directories and links.
 */
export function commitTree(version: string, selinux = false): TreeEntry[] {
  const modules = `usr/lib/modules/${TEST_KERNEL_VERSION}`;
  const file = (path: string, content: string, mode = 0o644): TreeEntry => ({ type: 'file', path, content, mode });
  return [
    file(`${modules}/vmlinuz`, 'a kernel\n', 0o755),
    file(`${modules}/initramfs.img`, 'an initramfs\n'),
    file('usr/etc/os-release', osRelease(version)),
    file('usr/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ncore:x:1000:1000:CoreOS Admin:/var/home/core:/bin/bash\n'),
    file('usr/etc/group', 'root:x:0:\nwheel:x:10:core\ncore:x:1000:\n'),
    file('usr/etc/shadow', 'root:!locked::0:99999:7:::\ncore:*:19900:0:99999:7:::\n', 0o000),
    file('usr/etc/gshadow', 'root:::\nwheel:::core\ncore:!::\n', 0o000),
    file('usr/etc/hostname', 'localhost\n'),
    // SELinux as Fedora CoreOS configures it, with a one-line policy: ostree labels /etc
    // from it at deploy time, and Ignition's files stage reads the config to relabel.
    ...(selinux
      ? [
          file('usr/etc/selinux/config', 'SELINUX=enforcing\nSELINUXTYPE=targeted\n'),
          file('usr/etc/selinux/targeted/contexts/files/file_contexts', '/.*\tsystem_u:object_r:default_t:s0\n'),
          file('usr/etc/selinux/targeted/policy/policy.33', 'not a real policy: only hashed\n'),
        ]
      : []),
    { type: 'dir', path: 'usr/etc/systemd/system' },
    { type: 'dir', path: 'usr/lib/systemd/system' },
    file('usr/lib/systemd/system/zincati.service', `[Unit]\nDescription=version ${version}\n`),
    // What rpm-ostree generates for the /var directories of the image's packages
    // (coreos/rpm-ostree rust/src/composepost.rs, rpm-ostree-1-autovar.conf).
    file(
      'usr/lib/tmpfiles.d/rpm-ostree-1-autovar.conf',
      [
        'd /var/home 0755 root root -',
        'd /var/roothome 0700 root root -',
        'd /var/opt 0755 root root -',
        'd /var/srv 0755 root root -',
        'd /var/usrlocal 0755 root root -',
        'd /var/mnt 0755 root root -',
        '',
      ].join('\n'),
    ),
    { type: 'dir', path: 'usr/bin' },
    { type: 'dir', path: 'usr/sbin' },
    { type: 'symlink', path: 'bin', target: 'usr/bin' },
    { type: 'symlink', path: 'sbin', target: 'usr/sbin' },
    { type: 'symlink', path: 'lib', target: 'usr/lib' },
    // The top level of a Fedora CoreOS deployment: mount points (the stateroot's /var is
    // bind-mounted on `var` at boot) and the links into /var and /sysroot.
    ...['var', 'sysroot', 'boot', 'proc', 'sys', 'dev', 'run', 'tmp'].map((path): TreeEntry => ({ type: 'dir', path })),
    { type: 'symlink', path: 'home', target: 'var/home' },
    { type: 'symlink', path: 'root', target: 'var/roothome' },
    { type: 'symlink', path: 'mnt', target: 'var/mnt' },
    { type: 'symlink', path: 'opt', target: 'var/opt' },
    { type: 'symlink', path: 'srv', target: 'var/srv' },
    { type: 'symlink', path: 'ostree', target: 'sysroot/ostree' },
  ];
}

/**
 * The /var of a node that has been running for a while: container storage, a
 * journal, core's SSH key (0600, core's), a file with a `user.test` xattr, a
 * symlink, an empty directory and {@link KEEP_PATH}/data.
 */
export function defaultVarEntries(): TreeEntry[] {
  const core = { uid: CORE_UID, gid: CORE_UID };
  return [
    { type: 'dir', path: 'lib/containers/storage', mode: 0o700 },
    { type: 'file', path: 'lib/containers/storage/x', content: 'a container layer\n', mode: 0o600 },
    { type: 'dir', path: 'log/journal/0123456789abcdef0123456789abcdef', mode: 0o2755 },
    {
      type: 'file',
      path: 'log/journal/0123456789abcdef0123456789abcdef/system.journal',
      content: 'journal data\n',
      mode: 0o640,
    },
    { type: 'dir', path: 'home/core', mode: 0o700, ...core },
    { type: 'dir', path: 'home/core/.ssh', mode: 0o700, ...core },
    {
      type: 'file',
      path: 'home/core/.ssh/authorized_keys',
      content: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0 core@test\n',
      mode: 0o600,
      ...core,
    },
    { type: 'file', path: 'lib/xattr-test/file', content: 'has an xattr\n', xattrs: { 'user.test': 'kept' } },
    { type: 'symlink', path: 'lib/alternatives/editor', target: '/usr/bin/vi' },
    { type: 'dir', path: 'lib/empty' },
    { type: 'file', path: `${KEEP_PATH}/data`, content: 'keep me across a reprovision\n', mode: 0o640 },
  ];
}

/**
 * Create `entries` under `base` (in order), with their modes, owners and xattrs.
 * @throws Error when a path exists already or setfattr fails.
 */
export async function writeTree(base: string, entries: readonly TreeEntry[], runner: Runner): Promise<void> {
  for (const entry of entries) {
    const path = join(base, entry.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    if (entry.type === 'dir') mkdirSync(path, { recursive: true });
    else if (entry.type === 'symlink') symlinkSync(entry.target, path);
    else writeFileSync(path, entry.content, { flag: 'wx' });
    if (entry.type !== 'symlink') chmodSync(path, entry.mode ?? (entry.type === 'dir' ? 0o755 : 0o644));
    if (entry.uid !== undefined || entry.gid !== undefined) lchownSync(path, entry.uid ?? 0, entry.gid ?? 0);
    if (entry.type !== 'file') continue;
    for (const [name, value] of Object.entries(entry.xattrs ?? {}))
      await runner.run(['setfattr', '-h', '-n', name, '-v', value, path]);
  }
}
