/**
 * The `install_coreos` deploy step: install CoreOS on the root disk with
 * coreos-installer, passing the configdrive's Ignition config.
 *
 * Port of openshift/ironic-agent-image `CoreOSInstallHardwareManager.install_coreos`.
 * Order: parse and validate the configdrive and Ignition → resolve the disk →
 * the shared-storage guard (GPFS/VMFS/GFS2, read from the disk itself) →
 * check coreos-installer exists in the host root → check the disk read by
 * path is the one the hints selected → plan the software RAID removal
 * (read-only; refuses an array in use) → stamp (stamp.ts) → write
 * `<rootMount>/tmp/ironic.ign` (0600) → re-check the disk identity → stop the
 * md arrays on the disk and zero its md superblocks (raid/remove.ts) → run the
 * installer with retries → remove the Ignition file → UEFI boot entry.
 * Nothing touches a disk before every input has been validated. Ignition
 * contents are never logged (only their sha256 and size).
 */
import type { Clock } from '../../../common/clock.js';
import { DeploymentError } from '../../../common/errors.js';
import { readFileIfExists, type Fs } from '../../../common/fs/fs.js';
import type { Runner } from '../../../common/exec/runner.js';
import type { BootStateStore } from '../../../common/state/boot-state-store.js';
import type { Logger } from '../../logger.js';
import type { SafetyCheck } from '../generic/erase/deps.js';
import type { BlockDevice, Node, StepContext, StepSpec } from '../types.js';
import { INSTALL_COREOS_ARGSINFO } from './argsinfo.js';
import { parseConfigdrive } from './configdrive.js';
import { checkSelectedDisk } from './disk-match.js';
import { stampedDiskWiped } from './disk-wiped.js';
import { addHostnameFile, chooseHostname } from './ignition-hostname.js';
import { ignitionErrors, summarizeIssues, validateIgnition } from '../../../ignition/validate/validate.js';
import { resolveInstallSettings, type InstallConfig, type InstallSettings } from './install-options.js';
import { buildInstallerArgv, IGNITION_PATH_IN_ROOT, redactUrls } from './installer-args.js';
import { createSoftwareRaid, type SoftwareRaid } from './raid/remove.js';
import { runInstaller } from './run-installer.js';
import { ignitionDigest, InstallStampStore, verifyDiskIdentity, type DiskIdentity } from './stamp.js';
import { ensureUefiBootEntry } from './uefi.js';

/** The agent options the CoreOS manager reads (a subset of AgentConfig, plus UEFI overrides). */
export interface CoreOSConfig extends InstallConfig {
  /** Host root mount (`--root-mount`, default /mnt/coreos). */
  rootMount: string;
  /** UEFI loader path to register instead of the ESP's CSV hint. Default: none. */
  uefiLoaderPath?: string | null;
  /** Label for `uefiLoaderPath`. Default: derived from the host's os-release. */
  uefiLabel?: string | null;
}

/** Everything the CoreOS manager depends on (built in the composition root). */
export interface CoreOSDeps {
  runner: Runner;
  logger: Logger;
  config: CoreOSConfig;
  /** The per-boot state directory (`--state-dir`), which keeps the install stamp. */
  stateStore: BootStateStore;
  /** The shared-storage guard, run on the chosen disk before anything is written (generic/erase/protected.ts). */
  guard: SafetyCheck;
  /** The install disk for the node (root device hints, else IPA's guess); usually dispatches getOsInstallDevice. */
  resolveRootDevice: (node: Node) => Promise<BlockDevice>;
  /** Current boot mode. */
  bootMode: () => Promise<'uefi' | 'bios'>;
  /** The agent's own hostname, the last hostname candidate. Default: none. */
  hostname?: () => Promise<string | null>;
  /** The host root (installer lookup, os-release), the state dir (stamp) and the Ignition file. */
  fs: Fs;
  /** Waits between UEFI attempts; the stamp's times; thins out installer progress in the log. */
  clock: Clock;
  /** Identity of a disk, read the same way before stamping and right before installing. Default: lsblk. */
  diskIdentity?: (device: BlockDevice) => Promise<DiskIdentity>;
  /** Software RAID removal on the install disk. Default: mdadm and /proc/mdstat through the runner. */
  softwareRaid?: SoftwareRaid;
}

/** Where coreos-installer may live inside the host root. */
const INSTALLER_LOCATIONS = ['usr/bin', 'usr/sbin', 'usr/local/bin', 'bin', 'sbin'];

/** The `install_coreos` step. */
export function createInstallCoreosStep(deps: CoreOSDeps): StepSpec {
  return {
    step: 'install_coreos',
    interface: 'deploy',
    priority: { deploy: 0 },
    rebootRequested: false,
    argsinfo: INSTALL_COREOS_ARGSINFO,
    run: async (context) => installCoreos(context, deps),
  };
}

/**
 * Run the step. Returns null (the deploy result).
 * @throws DeploymentError with a message naming what to fix
 */
export async function installCoreos(context: StepContext, deps: CoreOSDeps): Promise<null> {
  const { fs } = deps;
  const plan = await planInstall(context, deps);
  const device = await deps.resolveRootDevice(context.node);
  await deps.guard(context.node, device.name);
  await checkInstallerPresent(fs, deps.config.rootMount);
  await stampAndInstall(context, deps, fs, plan, device);
  if ((await deps.bootMode()) === 'uefi') {
    await ensureUefiBootEntry(device.name, {
      runner: deps.runner,
      logger: deps.logger,
      sleep: (ms) => deps.clock.sleep(ms),
      readFile: (path) => readFileIfExists(fs, path),
      rootMount: deps.config.rootMount,
      loaderPath: deps.config.uefiLoaderPath ?? null,
      label: deps.config.uefiLabel ?? null,
    });
  }
  return null;
}

/** What the validated inputs resolve to, before any disk is looked at. */
interface InstallPlan {
  settings: InstallSettings;
  /** The final Ignition bytes (user config + hostname file), or null. */
  bytes: string | null;
}

/** Parse and validate every input; touches nothing. */
async function planInstall(context: StepContext, deps: CoreOSDeps): Promise<InstallPlan> {
  const { node } = context;
  const { logger } = deps;
  const instanceInfo = node.instance_info ?? {};
  const { metaData, ignition } = parseConfigdrive(instanceInfo);
  if (ignition !== null) checkIgnition(ignition, logger);
  const settings = resolveInstallSettings({ instanceInfo, metaData, args: context.args, config: deps.config });
  const choice = chooseHostname(metaData, node.name, deps.hostname === undefined ? null : await deps.hostname());
  if (choice.skipped.length > 0)
    logger.warn('Skipped hostname candidates that are not valid hostnames', { skipped: choice.skipped });
  const merge = addHostnameFile(ignition, choice.hostname);
  // The final config (user config + /etc/hostname) must be valid too, e.g. a user link at /etc would break /etc/hostname.
  if (merge.config !== null) checkIgnition(merge.config, logger, 'once the agent adds /etc/hostname');
  logger.info('First-boot hostname', { action: merge.action, hostname: choice.hostname, source: choice.source });
  return { settings, bytes: merge.config === null ? null : `${JSON.stringify(merge.config)}\n` };
}

/** Stamp, write the Ignition file, re-check the disk, run the installer, clean up. */
async function stampAndInstall(
  context: StepContext,
  deps: CoreOSDeps,
  fs: Fs,
  plan: InstallPlan,
  device: BlockDevice,
): Promise<void> {
  const { logger, config } = deps;
  const { bytes } = plan;
  const identity = deps.diskIdentity ?? ((d: BlockDevice) => lsblkIdentity(deps.runner, d));
  const disk = await identity(device);
  checkSelectedDisk(device, disk);
  const raid = deps.softwareRaid ?? createSoftwareRaid(deps.runner, logger);
  const raidPlan = await raid.plan(device.name);
  const stamps = new InstallStampStore(deps.stateStore, deps.clock);
  const wiped = stampedDiskWiped(deps.runner, device, disk, identity);
  const kind = await stamps.begin({ ignitionSha256: ignitionDigest(bytes), disk, nodeUuid: context.node.uuid }, wiped);
  logger.info('Install stamp recorded', {
    stamp: stamps.path,
    kind,
    device: device.name,
    ignitionSha256: ignitionDigest(bytes),
  });
  const argv = buildInstallerArgv({
    ...plan.settings,
    rootMount: config.rootMount,
    device: device.name,
    hasIgnition: bytes !== null,
  });
  const ignitionFile = `${config.rootMount.replace(/\/+$/, '')}${IGNITION_PATH_IN_ROOT}`;
  try {
    if (bytes !== null) await writeIgnition(fs, ignitionFile, bytes);
    verifyDiskIdentity(disk, await identity(device));
    await raid.remove(raidPlan);
    logger.info('Running coreos-installer', { argv: argv.map(redactUrls), ignitionBytes: bytes?.length ?? 0 });
    await runInstaller({
      runner: deps.runner,
      logger,
      argv,
      rootMount: config.rootMount,
      progress: (p) => context.progress({ step: 'install_coreos', ...p }),
      clock: deps.clock,
    });
  } finally {
    if (bytes !== null)
      await fs
        .remove(ignitionFile)
        .catch((e: unknown) =>
          logger.warn('Could not remove the Ignition file', { file: ignitionFile, error: String(e) }),
        );
  }
  await stamps.complete();
  logger.info('Installed CoreOS', { device: device.name });
}

/**
 * Validate an Ignition config; `after` (e.g. "once the agent adds /etc/hostname")
 * marks the re-check of the final config, which logs no warnings again.
 * @throws DeploymentError naming the errors
 */
function checkIgnition(ignition: Record<string, unknown>, logger: Logger, after?: string): void {
  const issues = validateIgnition(ignition);
  for (const issue of after === undefined ? issues.filter((i) => i.severity === 'warning') : []) {
    logger.warn('Ignition config warning', { path: issue.path, problem: issue.message });
  }
  const errors = ignitionErrors(issues);
  if (errors.length > 0) {
    const where = after === undefined ? '' : ` ${after}`;
    throw new DeploymentError(
      `The Ignition config in user_data is invalid${where}: ${summarizeIssues(errors)}; nothing was written to disk`,
    );
  }
}

async function checkInstallerPresent(fs: Fs, rootMount: string): Promise<void> {
  const root = rootMount.replace(/\/+$/, '');
  for (const dir of INSTALLER_LOCATIONS) {
    const path = await resolveInRoot(fs, root, `/${dir}/coreos-installer`);
    if (path !== null && (await fs.isExecutable(`${root}${path}`))) return;
  }
  throw new DeploymentError(
    `coreos-installer not found in ${rootMount}: no executable ${INSTALLER_LOCATIONS.map((d) => `${d}/coreos-installer`).join(', ')}; ` +
      "is the CoreOS live system's root mounted there (--root-mount)?",
  );
}

/**
 * Follow symbolic links of `path` as chroot(2) would: absolute targets are
 * relative to the host root, not to the agent's root (/usr/bin/x -> /usr/lib/...).
 * @returns the resolved path inside the root, or null after too many links
 */
async function resolveInRoot(fs: Fs, root: string, path: string): Promise<string | null> {
  let current = path;
  for (let hops = 0; hops < 16; hops += 1) {
    // Not a link (EINVAL) or missing: the path resolves to itself.
    const target = await fs.readlink(`${root}${current}`).catch(() => null);
    if (target === null) return current;
    current = target.startsWith('/') ? target : `${current.slice(0, current.lastIndexOf('/'))}/${target}`;
  }
  return null;
}

async function writeIgnition(fs: Fs, path: string, bytes: string): Promise<void> {
  try {
    await fs.remove(path);
    await fs.writeNewFile(path, bytes, 0o600);
  } catch (error) {
    throw new DeploymentError(`Cannot write the Ignition config to ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Disk identity from `lsblk` (size in bytes, serial, wwn). */
export async function lsblkIdentity(runner: Runner, device: BlockDevice): Promise<DiskIdentity> {
  const { stdout } = await runner.run([
    'lsblk',
    '--json',
    '--bytes',
    '--nodeps',
    '--output',
    'SIZE,SERIAL,WWN',
    device.name,
  ]);
  const info = (
    JSON.parse(stdout) as { blockdevices?: { size?: number | string; serial?: string | null; wwn?: string | null }[] }
  ).blockdevices?.[0];
  if (info === undefined) throw new DeploymentError(`lsblk did not describe ${device.name}`);
  return { path: device.name, size: Number(info.size), serial: info.serial ?? null, wwn: info.wwn ?? null };
}
