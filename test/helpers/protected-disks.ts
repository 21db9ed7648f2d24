/**
 * Protected-storage disks as another host would leave them: partition tables
 * written WITHOUT telling the kernel (no partx, no re-read), so only the
 * disk's own sectors show them. Shared by the real-disk guard tests and the
 * e2e suite that cleans such disks through a real Ironic.
 */
import { ExecaRunner } from '../../common/exec/execa-runner.js';

const runner = new ExecaRunner();

async function sh(...argv: string[]): Promise<string> {
  return (await runner.run(argv)).stdout;
}

const VMFS_GUID = 'AA31E02A-400F-11DB-9590-000C2911D1B8';
const GPFS_GUID = '37AFFC90-EF7D-4E96-91C3-2D7AE055B174';

/** sfdisk writing only the table: no re-read, nothing told to the kernel. */
async function sfdisk(device: string, script: string): Promise<void> {
  await runner.run(['sfdisk', '-q', '--no-reread', '--no-tell-kernel', device], { input: script });
}

/** mkfs.gfs2 at a byte offset of `device`, through a temporary loop device over that region. */
async function gfs2At(device: string, offset: number, size: number): Promise<void> {
  const region = (
    await sh('losetup', '--find', '--show', '--offset', String(offset), '--sizelimit', String(size), device)
  ).trim();
  try {
    await sh('mkfs.gfs2', '-O', '-q', '-o', 'format=1801', '-p', 'lock_nolock', '-J', '8', region);
  } finally {
    await sh('losetup', '-d', region);
  }
}

/** One protected kind. */
export interface ProtectedCase {
  title: string;
  sizeMiB: number;
  needs?: string;
  /** Writes the table (and contents) WITHOUT telling the kernel. */
  build: (device: string) => Promise<void>;
  /** What the refusal names. */
  what: RegExp;
}

/** Every protected kind the guard must find on an unregistered table. */
export const PROTECTED_CASES: ProtectedCase[] = [
  {
    title: 'a VMFS-typed GPT partition',
    sizeMiB: 64,
    build: (d) => sh('sgdisk', '-n1:2048:+16M', `-t1:${VMFS_GUID}`, d).then(() => undefined),
    what: /VMware VMFS Partition \(GPT\) located on device \/dev\/loop\d+ \(partition 1 of its primary GPT at byte 1048576/,
  },
  {
    title: 'a GPFS-typed GPT partition',
    sizeMiB: 64,
    build: (d) => sh('sgdisk', '-n1:2048:+8M', '-t1:8300', '-n2:0:+8M', `-t2:${GPFS_GUID}`, d).then(() => undefined),
    what: /IBM GPFS Partition located on device \/dev\/loop\d+ \(partition 2 of its primary GPT/,
  },
  {
    title: 'an MBR partition of type 0xfb',
    sizeMiB: 64,
    build: (d) => sfdisk(d, 'label: dos\nstart=2048, size=16384, type=fb\n'),
    what: /VMware VMFS Partition \(MBR\) located on device \/dev\/loop\d+ \(partition 1 of its MBR/,
  },
  {
    title: 'a logical 0xfb partition inside an extended partition',
    sizeMiB: 64,
    build: (d) =>
      sfdisk(
        d,
        'label: dos\nstart=2048, size=8192, type=83\nstart=12288, size=40960, type=5\nstart=14336, size=8192, type=83\nstart=24576, size=8192, type=fb\n',
      ),
    what: /VMware VMFS Partition \(MBR\) located on device \/dev\/loop\d+ \(partition 6 of its extended \(EBR\)/,
  },
  {
    title: 'a VMFS entry only the backup GPT still holds (primary header destroyed)',
    sizeMiB: 64,
    build: async (d) => {
      await sh('sgdisk', '-n1:2048:+16M', `-t1:${VMFS_GUID}`, d);
      await sh('dd', 'if=/dev/zero', `of=${d}`, 'bs=512', 'seek=1', 'count=33', 'conv=notrunc,fsync', 'status=none');
    },
    what: /VMware VMFS Partition \(GPT\) located on device \/dev\/loop\d+ \(partition 1 of its backup GPT/,
  },
  {
    title: 'a GPT partition named as a GPFS disk',
    sizeMiB: 64,
    build: (d) => sh('sgdisk', '-n1:2048:+16M', '-t1:8300', '-c1:GPFS NSD', d).then(() => undefined),
    what: /IBM GPFS Partition \(by name\) located on device/,
  },
  {
    title: 'a gfs2 filesystem in a Linux-typed partition',
    sizeMiB: 96,
    needs: 'mkfs.gfs2',
    build: async (d) => {
      await sh('sgdisk', '-n1:2048:+48M', '-t1:8300', d);
      await gfs2At(d, 2048 * 512, 48 * 1024 * 1024);
    },
    what: /Red Hat Global File System 2 located on device \/dev\/loop\d+ \(partition 1 of its primary GPT/,
  },
];
