/**
 * Interrupted-install safety for install_coreos.
 *
 * Design after coreos/ignition-dracut PR 137 ("Ignition must run once even if
 * interrupted; never mix two configs"): before the first destructive write,
 * the agent records what it is about to install (sha256 of the final Ignition
 * bytes) and where (the target disk's identity) in
 * `<stateDir>/install-stamp.json`, a document of the per-boot state store
 * (mode 0600, ignored after a reboot). If this agent is asked again in the
 * same boot, it proceeds only for the same config on
 * the same disk (a retry); a different config or disk is refused, because a
 * half-written disk plus a second config could yield a machine provisioned by
 * a mix of both. After success the stamp is kept, marked complete. A
 * different stamp counts as stale, and is replaced, only when the caller's
 * `isWiped` check finds the stamped disk wiped (cleaned since), see disk-wiped.ts.
 */
import { createHash } from 'node:crypto';
import { DeploymentError } from '../../../common/errors.js';
import type { Clock } from '../../../common/clock.js';
import type { BootStateStore, Parsed, StateDocument } from '../../../common/state/boot-state-store.js';

/** The stamp's file name inside the state dir. */
export const STAMP_FILE = 'install-stamp.json';

/** What identifies the target disk. */
export interface DiskIdentity {
  /** Device path (`/dev/sda`). */
  path: string;
  /** Size in bytes. */
  size: number;
  serial: string | null;
  wwn: string | null;
}

/** The stamp file's content. */
export interface InstallStamp {
  format: 1;
  state: 'started' | 'complete';
  /** sha256 (hex) of the Ignition bytes handed to coreos-installer; null when installing without Ignition. */
  ignitionSha256: string | null;
  disk: DiskIdentity;
  nodeUuid: string;
  startedAt: string;
  /** How many times install_coreos started with this config and disk. */
  attempts: number;
  completedAt: string | null;
}

/** What an install is about to do. */
export interface PlannedInstall {
  ignitionSha256: string | null;
  disk: DiskIdentity;
  nodeUuid: string;
}

/** sha256 hex of the Ignition bytes, or null without Ignition. */
export function ignitionDigest(bytes: string | null): string | null {
  return bytes === null ? null : createHash('sha256').update(bytes, 'utf8').digest('hex');
}

/** `/dev/sda (10737418240 bytes, serial S1, wwn none)` */
export function describeDisk(disk: DiskIdentity): string {
  return `${disk.path} (${disk.size} bytes, serial ${disk.serial ?? 'none'}, wwn ${disk.wwn ?? 'none'})`;
}

/** True when both identities name the same disk: equal path, size, serial and wwn. */
export function sameDisk(a: DiskIdentity, b: DiskIdentity): boolean {
  return a.path === b.path && a.size === b.size && a.serial === b.serial && a.wwn === b.wwn;
}

/**
 * Re-check, immediately before coreos-installer runs, that the device path
 * still names the disk that was stamped (device names can move, e.g. after a
 * hot-plug or a rescan).
 * @throws DeploymentError when it does not
 */
export function verifyDiskIdentity(expected: DiskIdentity, actual: DiskIdentity): void {
  if (sameDisk(expected, actual)) return;
  throw new DeploymentError(
    `The target disk changed before installing: expected ${describeDisk(expected)}, found ${describeDisk(actual)}; ` +
      'nothing was written. Check the root device hints and retry the deployment',
  );
}

/** True when the stamp is for another disk or another config than the plan. */
function differs(previous: InstallStamp, plan: PlannedInstall): boolean {
  return !sameDisk(previous.disk, plan.disk) || previous.ignitionSha256 !== plan.ignitionSha256;
}

/** The stamp's document in the per-boot state store. */
const STAMP_DOCUMENT: StateDocument<InstallStamp> = { name: STAMP_FILE, parse: parseStamp };

/** Only what tells a stamp from another file is checked: the stamp is the agent's own. */
function parseStamp(fields: Record<string, unknown>): Parsed<InstallStamp> {
  const stamp = fields as Partial<InstallStamp>;
  return stamp.format === 1 && typeof stamp.disk?.path === 'string'
    ? { ok: true, value: fields as unknown as InstallStamp }
    : { ok: false, problem: 'not an install stamp' };
}

/** Reads and writes the install stamp. */
export class InstallStampStore {
  /** Path of the stamp file. */
  readonly path: string;

  constructor(
    private readonly state: BootStateStore,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.path = state.path(STAMP_FILE);
  }

  /**
   * This boot's stamp, or null.
   * @throws DeploymentError when the file exists but is not a stamp (or this boot's id is unknown)
   */
  async read(): Promise<InstallStamp | null> {
    const read = this.state.read(STAMP_DOCUMENT);
    if (read.kind === 'found') return read.value;
    if (read.kind === 'absent' || read.kind === 'other-boot') return null;
    throw new DeploymentError(
      `The install stamp ${this.path} is unreadable; remove it only if the target disk was wiped or cleaned`,
    );
  }

  /**
   * Record the install about to start. Allowed when there is no stamp, the
   * stamp is for the same config and disk, or `isWiped` says the stamped disk
   * no longer carries anything (then the stale stamp is replaced).
   * @returns 'new' for a first install, 'rerun' for a repeat of the same one,
   *   'replaced' when a stale stamp was replaced
   * @throws DeploymentError for a different config or disk on a disk not wiped
   */
  async begin(
    plan: PlannedInstall,
    isWiped?: (stamped: DiskIdentity) => Promise<boolean>,
  ): Promise<'new' | 'rerun' | 'replaced'> {
    let previous = await this.read();
    let kind: 'new' | 'rerun' | 'replaced' = previous === null ? 'new' : 'rerun';
    if (previous !== null && differs(previous, plan)) {
      if (isWiped === undefined || !(await isWiped(previous.disk)))
        this.refuseIfDifferent(previous, plan, isWiped !== undefined);
      previous = null;
      kind = 'replaced';
    }
    const stamp: InstallStamp = {
      format: 1,
      state: 'started',
      ignitionSha256: plan.ignitionSha256,
      disk: plan.disk,
      nodeUuid: plan.nodeUuid,
      startedAt: previous?.startedAt ?? this.timestamp(),
      attempts: (previous?.attempts ?? 0) + 1,
      completedAt: null,
    };
    this.state.write(STAMP_DOCUMENT, stamp);
    return kind;
  }

  /** Mark the stamped install complete (kept for later checks). */
  async complete(): Promise<void> {
    const stamp = await this.read();
    if (stamp === null) throw new DeploymentError(`The install stamp ${this.path} disappeared during the install`);
    const done: InstallStamp = { ...stamp, state: 'complete', completedAt: this.timestamp() };
    this.state.write(STAMP_DOCUMENT, done);
  }

  /** Now, as the stamp records times (ISO 8601, UTC). */
  private timestamp(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** @param probed whether the stamped disk was probed (and found not wiped) */
  private refuseIfDifferent(previous: InstallStamp, plan: PlannedInstall, probed: boolean): never {
    const what = previous.state === 'complete' ? 'completed' : 'started (and possibly interrupted)';
    const state = probed
      ? `${previous.disk.path} still carries a partition table or filesystem signature, or is no longer the stamped disk. `
      : '';
    const advice =
      `${state}Installing over it could leave the machine provisioned with a mix of two configurations. ` +
      'Clean the node (erasing the disk metadata) and deploy again, or reboot it into the agent, to start over; ' +
      `remove ${this.path} only if you know the disk has been wiped`;
    if (!sameDisk(previous.disk, plan.disk)) {
      throw new DeploymentError(
        `An install was already ${what} on another disk, ${describeDisk(previous.disk)}, at ${previous.startedAt}. ${advice}`,
      );
    }
    throw new DeploymentError(
      `An install of a different Ignition config was already ${what} on ${previous.disk.path} at ${previous.startedAt}. ${advice}`,
    );
  }
}
