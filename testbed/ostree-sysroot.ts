/**
 * A real ostree sysroot shaped like an installed Fedora CoreOS node, built the
 * way ostree's own tests build theirs (ostreedev/ostree tests/libtest.sh
 * setup_os_repository, tests/test-admin-deploy-nomerge.sh): a small bootable
 * commit, `admin init-fs`, `admin os-init`, `admin deploy` with Fedora CoreOS'
 * kernel arguments, then a /var with a node's state. Nothing boots it; the
 * reprovision tests run the product against it (`--sysroot`).
 *
 * It lives in a fresh directory under /var/tmp, which testbed/in-root.sh shares
 * with the forky root, so forky's ostree (testbed/ostree-tools.ts) sees it at
 * the same path.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';
import { readBlsEntries } from './sysroot-bls.js';
import { commitTree, defaultVarEntries, writeTree, type TreeEntry } from './sysroot-tree.js';

/** The stateroot (ostree "os") of Fedora CoreOS. */
export const FCOS_STATEROOT = 'fedora-coreos';

/** The ref the test commits go to. */
export const FCOS_REF = 'fcos/stable';

/** The filesystem UUID of the `root=` karg (fixed: nothing mounts it). */
export const ROOT_UUID = '910678ff-f77e-4a7d-8d53-86f2ac47a823';

/** The filesystem UUID of the `boot=` karg (fixed: nothing mounts it). */
export const BOOT_UUID = '96d15588-3596-4b3c-adca-a2ff7279ea63';

/**
 * Fedora CoreOS' kernel arguments in the order its BLS entries have them (the
 * literal `$ignition_firstboot` included: GRUB expands it), without `ostree=`,
 * which `admin deploy` appends.
 */
export const FCOS_KARGS: readonly string[] = [
  'mitigations=auto,nosmt',
  'ignition.platform.id=metal',
  '$ignition_firstboot',
  `root=UUID=${ROOT_UUID}`,
  'rw',
  'rootflags=prjquota',
  `boot=UUID=${BOOT_UUID}`,
  'console=tty0',
  'console=ttyS0,115200n8',
];

/** Options of {@link buildCoreosSysroot}. */
export interface CoreosSysrootOptions {
  /** The ostree program that builds it. Default `ostree` (the machine's, Debian 12's 2022.7). */
  ostree?: string;
  runner?: Runner;
  /** Appended after {@link FCOS_KARGS}. */
  extraKargs?: readonly string[];
  /**
   * Deploy a second commit (version 2) as an upgrade would: merged from the
   * first, made the default, the first kept as the rollback. Default false.
   */
  secondDeployment?: boolean;
  /**
   * Give the commit Fedora CoreOS' SELinux config (with a one-line stand-in
   * policy): Ignition's files stage needs it to relabel. Default false: with it,
   * a merging deploy runs semodule, which this machine lacks.
   */
  selinux?: boolean;
  /** The stateroot's /var content. Default defaultVarEntries() (testbed/sysroot-tree.ts). */
  varEntries?: readonly TreeEntry[];
  /** Where the fresh directory is made. Default /var/tmp. */
  parent?: string;
}

/** A built sysroot. */
export interface CoreosSysroot {
  /** The sysroot (holds `boot/` and `ostree/`): pass as `--sysroot`. */
  sysroot: string;
  stateroot: string;
  /** The default deployment, `<checksum>.<serial>`. */
  deployment: string;
  /** Every deployment, default first (BLS order). */
  deployments: string[];
  /** The commit checksum of each version deployed, oldest first. */
  commits: string[];
  /** The `options` line of the default deployment's BLS entry (without `options `). */
  blsOptions: string;
  /** `<sysroot>/ostree/deploy/<stateroot>/var`. */
  varDir: string;
  /** Remove everything (clears the immutable attribute ostree sets on deployments first). */
  cleanup(): Promise<void>;
}

/** Programs building and fingerprinting a sysroot needs, with the Debian package of each. */
export const SYSROOT_PROGRAMS: ReadonlyArray<readonly [name: string, pkg: string]> = [
  ['ostree', 'ostree'],
  ['setfattr', 'attr'],
  ['getfattr', 'attr'],
  ['chattr', 'e2fsprogs'],
  ['lsattr', 'e2fsprogs'],
];

/**
 * Why sysroots cannot be built here, or undefined: deployments are owned by
 * root and marked immutable, /var holds files of another user (root needed),
 * and the programs of {@link SYSROOT_PROGRAMS} must be installed.
 */
export function sysrootUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'building an ostree sysroot needs root (chown, chattr)';
  const dirs = (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').filter((d) => d !== '');
  const missing = SYSROOT_PROGRAMS.filter(([name]) => !dirs.some((dir) => existsSync(join(dir, name))));
  if (missing.length === 0) return undefined;
  return `missing ${missing.map(([name]) => name).join(', ')}: apt-get install ${[...new Set(missing.map(([, pkg]) => pkg))].join(' ')}`;
}

/** The `admin deploy` arguments that give exactly `kargs`, in order (ostree keeps the order of `--karg-append`). */
export function kargArguments(kargs: readonly string[]): string[] {
  return ['--karg-none', ...kargs.map((karg) => `--karg-append=${karg}`)];
}

/**
 * Build the sysroot (see the module comment). Takes about a second.
 * @throws ProcessError when an ostree command fails (the directory is removed).
 */
export async function buildCoreosSysroot(options: CoreosSysrootOptions = {}): Promise<CoreosSysroot> {
  const runner = options.runner ?? new ExecaRunner();
  const ostree = options.ostree ?? 'ostree';
  const dir = mkdtempSync(join(options.parent ?? '/var/tmp', 'ica-sysroot-'));
  // Searchable by every user, like / on a node: Ignition creates users' ~/.ssh as the user.
  chmodSync(dir, 0o755);
  const sysroot = join(dir, 'sysroot');
  const varDir = join(sysroot, 'ostree/deploy', FCOS_STATEROOT, 'var');
  const cleanup = (): Promise<void> => removeSysrootDir(dir, runner);
  try {
    mkdirSync(sysroot);
    await runner.run([ostree, 'admin', 'init-fs', sysroot]);
    await runner.run([ostree, 'admin', 'os-init', `--sysroot=${sysroot}`, FCOS_STATEROOT]);
    const versions = options.secondDeployment === true ? ['40.20240416.3.1', '40.20240504.3.0'] : ['40.20240416.3.1'];
    const commits: string[] = [];
    for (const [index, version] of versions.entries()) {
      // the first deployment gets the kargs; the upgrade merges them (and /etc) from it
      const kargs = index === 0 ? kargArguments([...FCOS_KARGS, ...(options.extraKargs ?? [])]) : ['--retain'];
      commits.push(
        await commitAndDeploy(
          { runner, ostree, dir, sysroot, selinux: options.selinux === true },
          index,
          version,
          kargs,
        ),
      );
    }
    await writeTree(varDir, options.varEntries ?? defaultVarEntries(), runner);
    const entries = readBlsEntries(sysroot);
    const deployments = entries.map((entry) => entry.deployment);
    return {
      sysroot,
      stateroot: FCOS_STATEROOT,
      deployment: deployments[0] ?? '',
      deployments,
      commits,
      blsOptions: entries[0]?.options ?? '',
      varDir,
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Commit the tree of `version` to {@link FCOS_REF} and deploy it; returns the commit checksum. */
async function commitAndDeploy(
  at: { runner: Runner; ostree: string; dir: string; sysroot: string; selinux: boolean },
  index: number,
  version: string,
  deployArguments: readonly string[],
): Promise<string> {
  const tree = join(at.dir, `tree-${index}`);
  await writeTree(tree, commitTree(version, at.selinux), at.runner);
  const repo = `--repo=${join(at.sysroot, 'ostree/repo')}`;
  const metadata = [`--add-metadata-string=version=${version}`, `--subject=Fedora CoreOS ${version}`];
  const { stdout } = await at.runner.run([
    at.ostree,
    repo,
    'commit',
    '-b',
    FCOS_REF,
    `--tree=dir=${tree}`,
    ...metadata,
  ]);
  const deploy = [at.ostree, 'admin', 'deploy', `--sysroot=${at.sysroot}`, `--os=${FCOS_STATEROOT}`];
  await at.runner.run([...deploy, ...deployArguments, FCOS_REF]);
  return stdout.trim();
}

/**
 * `rm -rf` a directory holding ostree sysroots: `chattr -i` on every
 * deployment first (ostree marks them immutable; ostreedev/ostree
 * src/libostree/ostree-sysroot-deploy.c), including those added after the build.
 */
export async function removeSysrootDir(dir: string, runner: Runner = new ExecaRunner()): Promise<void> {
  const deployments: string[] = [];
  for (const sysroot of [dir, ...subdirs(dir).map((name) => join(dir, name))]) {
    const deployRoot = join(sysroot, 'ostree/deploy');
    for (const stateroot of subdirs(deployRoot))
      for (const name of subdirs(join(deployRoot, stateroot, 'deploy')))
        deployments.push(join(deployRoot, stateroot, 'deploy', name));
  }
  if (deployments.length > 0) await runner.run(['chattr', '-i', ...deployments]);
  rmSync(dir, { recursive: true, force: true });
}

function subdirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}
