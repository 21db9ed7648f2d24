/**
 * Read what coreos-installer left on an installed disk's boot filesystem
 * (the partition whose filesystem label is `boot`), without mounting it:
 * `blkid -p` finds the partition (there is no udev here) and `debugfs -D`
 * reads files and modes with direct I/O, read-only, so nothing is written and
 * no page cache from an earlier install of the same disk can be served.
 * Runs in the host namespace, where devtmpfs has the partition nodes `partx -a`
 * created.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';

/** A file read from the boot filesystem. */
export interface BootFile {
  /** The partition it was read from, e.g. /dev/loop4p3. */
  partition: string;
  text: string;
  /** Permission bits of the file, e.g. 0o600. */
  mode: number;
  /** Permission bits of its directory, e.g. 0o700. */
  dirMode: number;
}

/**
 * The partition of `device` whose filesystem label is `boot`.
 * @throws Error naming the partitions seen when there is none, or several
 */
export async function findBootPartition(device: string, runner: Runner = new ExecaRunner()): Promise<string> {
  const name = basename(device);
  const partitions = readdirSync(`/sys/class/block/${name}`)
    .filter((entry) => entry.startsWith(name) && entry !== name)
    .sort();
  const labelled: string[] = [];
  for (const partition of partitions) {
    const probe = await runner.run(['blkid', '-p', '-o', 'value', '-s', 'LABEL', `/dev/${partition}`], {
      okExitCodes: [0, 2],
    });
    if (probe.stdout.trim() === 'boot') labelled.push(`/dev/${partition}`);
  }
  if (labelled.length === 1 && labelled[0] !== undefined) return labelled[0];
  const seen = partitions.length === 0 ? 'partitions (none)' : `partitions ${partitions.join(', ')}`;
  const found = labelled.length === 0 ? 'no filesystem' : `${labelled.length} filesystems (${labelled.join(', ')})`;
  throw new Error(`${device} has ${found} labelled "boot" among its ${seen}`);
}

/**
 * Read `path` (absolute inside the filesystem) from the boot partition of `device`.
 * @throws Error when there is no boot partition or the file is missing
 */
export async function readBootFile(
  device: string,
  path: string,
  runner: Runner = new ExecaRunner(),
): Promise<BootFile> {
  const partition = await findBootPartition(device, runner);
  const debugfs = async (request: string): Promise<string> => {
    const result = await runner.run(['debugfs', '-D', '-R', request, partition]);
    const problem = result.stderr.split('\n').find((line) => / not found |Cannot |error/i.test(line));
    if (problem !== undefined) throw new Error(`debugfs ${request} on ${partition}: ${problem.trim()}`);
    return result.stdout;
  };
  const text = await debugfs(`cat ${path}`);
  const mode = statMode(await debugfs(`stat ${path}`), path);
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  const dirMode = statMode(await debugfs(`stat ${dir}`), dir);
  return { partition, text, mode, dirMode };
}

function statMode(stat: string, path: string): number {
  const match = /Mode:\s+0?([0-7]{3,4})/.exec(stat);
  if (match?.[1] === undefined) throw new Error(`debugfs stat ${path} printed no mode: ${stat.slice(0, 200)}`);
  return Number.parseInt(match[1], 8) & 0o777;
}
