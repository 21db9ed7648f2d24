/**
 * Read `mdadm --examine <device>` results: does the device carry an md
 * superblock, and of which array.
 *
 * IPA decides the same way (openstack/ironic-python-agent `hardware.py`
 * `get_component_devices` and `_delete_config_pass`): a failure whose text
 * contains "No md superblock detected" means the device is not a member; any
 * other failure is an error.
 */

/** What `mdadm --examine` found on one device. */
export type ExamineResult =
  | { superblock: false }
  | {
      superblock: true;
      /** `Array UUID` (1.x metadata) or `UUID` (0.90), null when not printed (e.g. container formats). */
      arrayUuid: string | null;
      /** The array's `Name` field without the `(local to host ...)` comment, null when absent. */
      name: string | null;
    };

/** A metadata `Magic` line (md 0.90/1.x `a92b4efc`, DDF `de11de11`, IMSM `Intel Raid ISM Cfg Sig.`), not `MBR Magic`. */
const MD_MAGIC = /^\s*Magic\s*:\s*\S/m;

/** The text mdadm prints (on stderr, exit code 1) for a device without any md superblock. */
export const NO_SUPERBLOCK = 'No md superblock detected';

/**
 * Interpret one `mdadm --examine` run.
 * @param exitCode - mdadm's exit code (0 found, 1 not found or failed)
 * @returns null when the run failed for another reason than a missing superblock
 */
export function parseExamine(exitCode: number | null, stdout: string, stderr: string): ExamineResult | null {
  // On a partitioned disk mdadm exits 0 and prints only the (protective) MBR: "MBR Magic : aa55", "Partition[0] : ...".
  if (exitCode === 0 && !MD_MAGIC.test(stdout)) return { superblock: false };
  if (exitCode === 0)
    return {
      superblock: true,
      arrayUuid: field(stdout, /^\s*(?:Array UUID|UUID)\s*:\s*(\S+)/m),
      name: field(stdout, /^\s*Name\s*:\s*(\S+)/m),
    };
  if (`${stdout}\n${stderr}`.includes(NO_SUPERBLOCK)) return { superblock: false };
  return null;
}

function field(text: string, pattern: RegExp): string | null {
  return pattern.exec(text)?.[1] ?? null;
}
