/**
 * The CoreOS-like image boots: OVMF runs GRUB from the ESP, GRUB reads the
 * boot partition's config (made from the ostree BLS entries) and expands
 * `$ignition_firstboot` from /ignition.firstboot as FCOS's GRUB does, the
 * dracut initramfs's ostree module enters the deployment, and systemd runs
 * the unit that reports on the testisocompletion port.
 *
 * The image is built once and cached (testbed/vm/coreos-image.ts; a few
 * minutes the first time); each boot uses its own copy. Skips when qemu,
 * OVMF or what the build needs is missing. Bounded by the VM's hard timeout.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ExecaRunner } from '../../../common/exec/execa-runner.js';
import { ensureCoreosImage } from '../../../testbed/vm/coreos-image.js';
import { diskLayout } from '../../../testbed/vm/disk-layout.js';
import { BOOT_MIB, ESP_MIB } from '../../../testbed/vm/image-build.js';
import { withMachine } from '../../../testbed/vm/machine.js';
import { BOOTED, vmImageSkipReason } from '../../helpers/vm-image.js';

const HARD_TIMEOUT_MS = 600_000;

describe('testbed/vm/coreos-image: the CoreOS-like image boots under OVMF', function () {
  this.timeout(HARD_TIMEOUT_MS + 20 * 60_000);
  let image = '';
  let dir = '';

  before(async function () {
    const reason = await vmImageSkipReason();
    if (reason !== undefined) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    image = await ensureCoreosImage(new ExecaRunner());
    dir = mkdtempSync(join(tmpdir(), 'ica-coreos-image-'));
  });

  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  /** A private copy of the cached image (sparse); without `firstboot`, its /ignition.firstboot removed. */
  function diskCopy(name: string, firstboot: boolean): string {
    const disk = join(dir, name);
    execFileSync('cp', ['--sparse=always', image, disk]);
    if (!firstboot) {
      const [, boot] = diskLayout({ espMiB: ESP_MIB, bootMiB: BOOT_MIB, rootMiB: 1 }).partitions;
      // debugfs edits the ext4 at its offset: no mount, no partition table in the host kernel needed
      execFileSync('debugfs', ['-w', '-R', 'rm ignition.firstboot', `${disk}?offset=${boot.offset}`], {
        stdio: 'ignore',
      });
    }
    return disk;
  }

  async function boot(disk: string): Promise<string> {
    return withMachine(
      { hardTimeoutMs: HARD_TIMEOUT_MS, memoryMiB: 2048, disks: [{ file: disk, serial: 'primary', bootIndex: 0 }] },
      async (m) => {
        const line = await m.waitForCompletion();
        await m.quit();
        return line;
      },
    );
  }

  it('boots into the ostree deployment and reports on the completion port; no firstboot once the stamp is removed', async () => {
    const line = await boot(diskCopy('plain.img', false));

    expect(line).to.match(BOOTED);
    expect(line).to.match(/ignition\.firstboot=no$/);
  });

  it('GRUB expands $ignition_firstboot to ignition.firstboot from the /ignition.firstboot the image ships (as FCOS)', async () => {
    const line = await boot(diskCopy('firstboot.img', true));

    expect(line).to.match(BOOTED);
    expect(line).to.match(/ignition\.firstboot=yes$/);
  });
});
