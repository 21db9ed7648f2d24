/**
 * The double's osmet `image=` line: an offline install writes the named raw
 * image (the VM tier's bootable CoreOS-like image) instead of the synthetic
 * one, then post-processes it as usual; a bad `image=` is refused before the
 * disk is touched.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { readBootFile } from '../../testbed/boot-partition.js';
import { createHostRoot, type HostRoot } from '../../testbed/host-root.js';
import { attachLoopDisk, detachLoopDisk, type LoopDisk } from '../../testbed/loop-disks.js';

const runner = new ExecaRunner();
const MIB = 1024 * 1024;
const DISK_GUID = '5C1A3E0B-7F2D-4B8E-9A61-0D3C2B1A0F11';
const IGNITION = '{"ignition": {"version": "3.3.0"}}\n';

/** A 24 MiB raw GPT image at `image`: partition 1 an ext4 labelled boot holding `marker`, at 1 MiB. */
async function buildImage(image: string, dir: string): Promise<void> {
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  writeFileSync(join(tree, 'marker'), 'from the osmet image\n');
  await runner.run(['truncate', '-s', '24M', image]);
  await runner.run(['sgdisk', '-U', DISK_GUID, '-n', '1:2048:+16M', '-c', '1:boot', image]);
  await runner.run(['mkfs.ext4', '-q', '-F', '-L', 'boot', '-d', tree, '-E', `offset=${MIB}`, image, '16M']);
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('testbed/coreos-installer-double: osmet image= (real loop disk, host root)', function () {
  this.timeout(120_000);
  let base: string;
  let host: HostRoot;
  let disk: LoopDisk;
  /** The image's path as the double sees it: the host root's /tmp is its own tmpfs. */
  const image = '/srv/osmet-image.raw';
  let imageSha = '';

  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'coreos-double-osmet-'));
    mkdirSync(join(base, 'disks'));
    host = await createHostRoot({ dir: join(base, 'hostroot') });
    mkdirSync(join(host.root, 'srv'), { recursive: true });
    await buildImage(join(host.root, image), base);
    imageSha = sha256(readFileSync(join(host.root, image)));
    disk = await attachLoopDisk(runner, join(base, 'disks'), 0, 1);
    writeFileSync(join(host.root, 'tmp/config.ign'), IGNITION);
  });
  after(async () => {
    await detachLoopDisk(runner, disk).catch(() => undefined);
    await host.destroy().catch(() => undefined);
    rmSync(base, { recursive: true, force: true });
  });
  beforeEach(() => rmSync(join(host.root, 'run/coreos-installer'), { recursive: true, force: true }));

  const install = async (): Promise<{ code: number | null; stderr: string }> => {
    const argv = ['chroot', host.root, 'coreos-installer', 'install', '--offline', '-i', '/tmp/config.ign'];
    const result = await runner.run([...argv, disk.device], { okExitCodes: [0, 1, 2] });
    return { code: result.exitCode, stderr: result.stderr };
  };
  const diskHead = (): Buffer => {
    const fd = openSync(disk.device, 'r');
    try {
      const head = Buffer.alloc(24 * MIB);
      readSync(fd, head, 0, head.length, 0);
      return head;
    } finally {
      closeSync(fd);
    }
  };

  it('writes the named image, then the Ignition config onto its boot filesystem', async () => {
    host.addOsmet('CoreOS-like VM image', 512, image);

    const result = await install();

    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.contain('Installing CoreOS-like VM image x86_64 (512-byte sectors)');
    expect(result.stderr.trimEnd().split('\n').pop()).to.equal('Install complete.');
    const { stdout } = await runner.run(['sgdisk', '-p', disk.device]);
    expect(stdout).to.contain(`Disk identifier (GUID): ${DISK_GUID}`);
    expect((await readBootFile(disk.device, '/marker')).text).to.equal('from the osmet image\n');
    const config = await readBootFile(disk.device, '/ignition/config.ign');
    expect([config.text, config.mode, config.dirMode]).to.deep.equal([IGNITION, 0o600, 0o700]);
    expect(sha256(readFileSync(join(host.root, image))), 'the image itself is only read').to.equal(imageSha);
  });

  const refusals: [string, string[]][] = [
    ['images/coreos.raw', ['image=images/coreos.raw is not an absolute path']],
    ['/no/such/coreos.raw', ['0: image /no/such/coreos.raw', '1: No such file or directory (os error 2)']],
  ];
  for (const [value, messages] of refusals) {
    it(`refuses image=${value} before touching the disk`, async () => {
      host.addOsmet('CoreOS-like VM image', 512, value);
      const before = sha256(diskHead());

      const result = await install();

      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain(`Error: reading osmet file /run/coreos-installer/osmet/`);
      for (const message of messages) expect(result.stderr).to.contain(message);
      expect(sha256(diskHead())).to.equal(before);
    });
  }
});
