/**
 * Which qemu the VM runner (machine.ts) starts. Debian 12's qemu 7.2 works,
 * but the forky root the test bed already builds for Ironic 35 and a recent
 * ostree (testbed/ironic-suites.ts) also gets forky's qemu-system-x86, whose
 * TCG boots the same guests faster (measured in the VM tier; testbed/vm/README.md).
 *
 * forky's binaries need forky's C library, so its qemu is started through the
 * root's own dynamic loader (`ld.so --library-path <root's lib dirs> <qemu>`)
 * on the host's paths: the VM's disks, sockets, firmware and network namespace
 * stay where the test made them, with no chroot or bind mount. Three things
 * qemu would otherwise look up on the host are pointed into the root: its
 * data directory (`-L`: option ROMs, keymaps), its loadable modules
 * (`QEMU_MODULE_DIR`, read before the built-in module directory; a module of
 * the host's qemu 7.2 must never be loaded) and `argv[0]` (ld.so `--argv0`,
 * so that `ps` shows qemu). The firmware stays the host's OVMF (firmware.ts).
 * forky is Debian's testing suite and moves: a root's qemu that cannot even
 * print its version is not used, and the label of the fallback says why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isRootReady, rootPath } from '../ironic-roots.js';
import { QEMU } from './run.js';

/** The suite whose root may provide qemu. */
export const QEMU_SUITE = 'forky';

/** `ICA_VM_QEMU=host` runs the machine's own qemu even when the root has one. */
export const QEMU_ENV = 'ICA_VM_QEMU';

/** The start of qemu's argv (the options follow) and what it is, for messages. */
export interface QemuCommand {
  argv: readonly string[];
  label: string;
}

/** The machine's own `qemu-system-x86_64` from PATH. */
export function hostQemu(): QemuCommand {
  return { argv: [QEMU], label: `the machine's ${QEMU}` };
}

/** The paths inside a root that running its qemu needs. */
export function rootQemuFiles(root: string): {
  loader: string;
  qemu: string;
  libDirs: string[];
  moduleDir: string;
  dataDir: string;
} {
  return {
    loader: join(root, 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'),
    qemu: join(root, 'usr/bin', QEMU),
    libDirs: [join(root, 'usr/lib/x86_64-linux-gnu'), join(root, 'usr/lib')],
    moduleDir: join(root, 'usr/lib/x86_64-linux-gnu/qemu'),
    dataDir: join(root, 'usr/share/qemu'),
  };
}

/** The argv that starts the root's qemu with the root's loader and libraries (pure). */
export function rootQemu(root: string): QemuCommand {
  const f = rootQemuFiles(root);
  return {
    argv: [
      'env',
      `QEMU_MODULE_DIR=${f.moduleDir}`,
      f.loader,
      ...['--library-path', f.libDirs.join(':'), '--argv0', QEMU],
      f.qemu,
      ...['-L', f.dataDir],
    ],
    label: `${QEMU_SUITE}'s ${QEMU} in ${root}`,
  };
}

/** Runs `argv --version`: undefined when it prints qemu's version, else why not (forky moves; its qemu may break). */
export function probeQemu(argv: readonly string[]): string | undefined {
  const [file = '', ...args] = argv;
  const r = spawnSync(file, [...args, '--version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0 && r.stdout.startsWith('QEMU emulator version')) return undefined;
  const why =
    r.error?.message ??
    (r.status === 0
      ? `printed no qemu version: ${JSON.stringify(r.stdout.trim().slice(0, 80))}`
      : r.stderr.trim() || `exit status ${String(r.status)}`);
  return why.split('\n')[0]?.slice(0, 300);
}

/**
 * The root's qemu when the root is built, holds it and it runs (and {@link QEMU_ENV} is not `host`), else the
 * host's; when the root's qemu does not run, the label says so. Never builds the root: CI builds it ahead
 * (.ci/build-ironic-roots); without it the host's qemu runs.
 */
export function findQemu(
  env: NodeJS.ProcessEnv = process.env,
  root = rootPath(QEMU_SUITE),
  probe: (argv: readonly string[]) => string | undefined = probeQemu,
): QemuCommand {
  if (env[QEMU_ENV] === 'host' || !isRootReady(root)) return hostQemu();
  const f = rootQemuFiles(root);
  if (!existsSync(f.loader) || !existsSync(f.qemu)) return hostQemu();
  const candidate = rootQemu(root);
  const broken = probe(candidate.argv);
  if (broken === undefined) return candidate;
  const host = hostQemu();
  return { ...host, label: `${host.label} (${candidate.label} did not run: ${broken})` };
}
