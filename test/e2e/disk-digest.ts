/**
 * Content digests of sparse loop disks, cheap enough to take before and after
 * every deploy of a 5 + 8 + 12 GiB node.
 *
 * Choice: hash the BACKING IMAGE FILE's allocated extents, found with
 * lseek(SEEK_DATA)/lseek(SEEK_HOLE), each as "offset length" plus its bytes,
 * after the apparent size. Holes read as zeros and cannot change without a
 * write (which allocates) or a discard (which punches a hole and changes the
 * extent list), so equal digests mean equal disk contents and no write or
 * discard reached the disk, while only the few MiB actually in use are read.
 * Node has no SEEK_DATA, so the walk runs in the system python3 (present
 * wherever the Ironic test bed runs). Dirty pages of the loop device are
 * flushed into the image first (`blockdev --flushbufs`), so the file is current.
 */
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import type { Runner } from '../../common/exec/runner.js';
import type { LoopDisk } from '../../testbed/loop-disks.js';

/** Digest of one disk. */
export interface DiskDigest {
  device: string;
  /** sha256 over the size and every allocated extent (offset, length, bytes). */
  sha256: string;
  /** Bytes allocated in the image (how much was hashed). */
  allocated: number;
}

const WALK_EXTENTS = `
import hashlib, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
size = os.fstat(fd).st_size
digest = hashlib.sha256(b"size %d\\n" % size)
offset = allocated = 0
while offset < size:
    try:
        start = os.lseek(fd, offset, os.SEEK_DATA)
    except OSError:
        break
    end = os.lseek(fd, start, os.SEEK_HOLE)
    digest.update(b"extent %d %d\\n" % (start, end - start))
    position = start
    while position < end:
        chunk = os.pread(fd, min(1 << 20, end - position), position)
        if not chunk:
            break
        digest.update(chunk)
        position += len(chunk)
    allocated += end - start
    offset = end
print(digest.hexdigest(), allocated)
`;

/**
 * Digest of a loop disk's contents (see the file comment for the method).
 * @throws Error when the device cannot be flushed or the image cannot be read
 */
export async function diskDigest(disk: LoopDisk, runner: Runner = new ExecaRunner()): Promise<DiskDigest> {
  await runner.run(['blockdev', '--flushbufs', disk.device]);
  const { stdout } = await runner.run(['python3', '-c', WALK_EXTENTS, disk.image]);
  const [sha256, allocated] = stdout.trim().split(' ');
  if (sha256 === undefined || !/^[0-9a-f]{64}$/.test(sha256) || allocated === undefined) {
    throw new Error(`Unexpected output from the extent walk of ${disk.image}: ${stdout.trim()}`);
  }
  return { device: disk.device, sha256, allocated: Number(allocated) };
}

/** Digests of several disks, keyed by device path. */
export async function diskDigests(disks: readonly LoopDisk[]): Promise<Record<string, string>> {
  const entries: [string, string][] = [];
  for (const disk of disks) entries.push([disk.device, (await diskDigest(disk)).sha256]);
  return Object.fromEntries(entries);
}
