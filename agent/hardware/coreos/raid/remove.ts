/**
 * Software RAID removal on the install disk, before coreos-installer runs.
 *
 * Upstream: openshift/ironic-agent-image `hardware_manager/ironic_coreos_install.py`
 * removes software RAID first (commit 780fbb0, "Erase software RAID when
 * install_coreos is used": an array holding the disk makes the install fail)
 * by dispatching IPA's `delete_configuration`, which covers every disk of the
 * node. This port stops the arrays with a member on the install disk and
 * zeroes the md superblocks only on that disk (see plan.ts); members on other
 * disks keep theirs, so their arrays are degraded, not destroyed, and the log
 * says which devices were left. The per-device steps follow IPA
 * (openstack/ironic-python-agent `hardware.py` `_delete_config_pass`):
 * `mdadm --stop`, then partitions before the disk, `mdadm --examine` and
 * `mdadm --zero-superblock` where a superblock is found.
 */
import { DeploymentError } from '../../../../common/errors.js';
import type { Runner, RunResult } from '../../../../common/exec/runner.js';
import type { Logger } from '../../../logger.js';
import { C_LOCALE } from '../../generic/erase/deps.js';
import { errorText } from '../../generic/erase/device-checks.js';
import { parseExamine, type ExamineResult } from './examine.js';
import { parseMdstat } from './mdstat.js';
import { parseDiskTree, planRaidRemoval, type RaidRemovalPlan } from './plan.js';

/** The two phases, split so the step can plan (read-only, may refuse) long before it writes. */
export interface SoftwareRaid {
  /**
   * Read the disk tree, /proc/mdstat and decide; changes nothing.
   * @throws DeploymentError when an array on the disk is in use
   */
  plan(disk: string): Promise<RaidRemovalPlan>;
  /**
   * Stop the planned arrays and zero the md superblocks found on the disk's own devices.
   * @throws DeploymentError when an array cannot be stopped or a superblock stays
   */
  remove(plan: RaidRemovalPlan): Promise<void>;
}

/** SoftwareRaid over the Runner. */
export function createSoftwareRaid(runner: Runner, logger: Logger): SoftwareRaid {
  return {
    plan: (disk) => readPlan(runner, logger, disk),
    remove: (plan) => removeRaid(runner, logger, plan),
  };
}

async function readPlan(runner: Runner, logger: Logger, disk: string): Promise<RaidRemovalPlan> {
  const { stdout } = await runner.run(
    ['lsblk', '--json', '--paths', '--output', 'NAME,KNAME,TYPE,MOUNTPOINT', disk],
    C_LOCALE,
  );
  const tree = parseDiskTree(stdout, disk);
  const plan = planRaidRemoval(disk, tree, parseMdstat(await readMdstat(runner, logger)));
  if (plan.arrays.length > 0)
    logger.info('Software RAID arrays found on the install disk', { disk, arrays: plan.arrays });
  return plan;
}

/** /proc/mdstat, or '' when the kernel has no md driver loaded (then there is no array). */
async function readMdstat(runner: Runner, logger: Logger): Promise<string> {
  try {
    return (await runner.run(['cat', '/proc/mdstat'], C_LOCALE)).stdout;
  } catch (error) {
    logger.debug('No /proc/mdstat: no md arrays are assembled', { error: errorText(error) });
    return '';
  }
}

async function removeRaid(runner: Runner, logger: Logger, plan: RaidRemovalPlan): Promise<void> {
  for (const array of plan.arrays) {
    await mdadm(runner, ['--stop', array.device], `Cannot stop software RAID array ${array.device} on ${plan.disk}`);
    logger.info('Stopped software RAID array', {
      array: array.device,
      level: array.level,
      membersOnDisk: array.onDisk,
    });
    if (array.elsewhere.length > 0) {
      logger.warn(
        'Software RAID array also has members on other disks: left intact, the array is degraded, not destroyed',
        {
          array: array.device,
          disk: plan.disk,
          leftOn: array.elsewhere,
        },
      );
    }
  }
  const zeroed = await zeroSuperblocks(runner, logger, plan);
  if (plan.arrays.length > 0 || zeroed.length > 0) await settle(runner, logger);
}

/** Examine the disk's devices (partitions first) and zero every md superblock found. */
async function zeroSuperblocks(runner: Runner, logger: Logger, plan: RaidRemovalPlan): Promise<string[]> {
  const zeroed: string[] = [];
  for (const device of plan.devices) {
    const found = await examine(runner, device, plan);
    if (found === 'no mdadm') {
      logger.warn('mdadm is not available: md superblocks on the install disk were not checked', { disk: plan.disk });
      return zeroed;
    }
    if (!found.superblock) continue;
    await mdadm(runner, ['--zero-superblock', device], `Cannot zero the md superblock on ${device}`);
    const after = await examine(runner, device, plan);
    if (after === 'no mdadm' || after.superblock)
      throw new DeploymentError(`The md superblock on ${device} is still there after mdadm --zero-superblock`);
    logger.info('Zeroed the md superblock', { device, arrayUuid: found.arrayUuid, name: found.name });
    zeroed.push(device);
  }
  return zeroed;
}

async function examine(runner: Runner, device: string, plan: RaidRemovalPlan): Promise<ExamineResult | 'no mdadm'> {
  let result: RunResult;
  try {
    result = await runner.run(['mdadm', '--examine', device], { ...C_LOCALE, okExitCodes: [0, 1] });
  } catch (error) {
    if ((error as { notFound?: unknown }).notFound === true && plan.arrays.length === 0) return 'no mdadm';
    throw new DeploymentError(`Cannot examine ${device} for an md superblock: ${errorText(error)}`, { cause: error });
  }
  const parsed = parseExamine(result.exitCode, result.stdout, result.stderr);
  if (parsed === null)
    throw new DeploymentError(
      `Cannot examine ${device} for an md superblock: ${(result.stderr || result.stdout).trim()}`,
    );
  return parsed;
}

async function mdadm(runner: Runner, args: string[], what: string): Promise<void> {
  try {
    await runner.run(['mdadm', ...args], C_LOCALE);
  } catch (error) {
    throw new DeploymentError(`${what}: ${errorText(error)}`, { cause: error });
  }
}

/** Let udev catch up with the removed arrays, as upstream does (IPA disk_utils.udev_settle); failures only logged. */
async function settle(runner: Runner, logger: Logger): Promise<void> {
  try {
    await runner.run(['udevadm', 'settle']);
  } catch (error) {
    logger.debug('udevadm settle failed', { error: errorText(error) });
  }
}
