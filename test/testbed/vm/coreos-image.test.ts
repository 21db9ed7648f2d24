/**
 * The CoreOS-like image boots: OVMF runs GRUB from the ESP, GRUB reads the
 * boot partition's config (made from the ostree BLS entries) and expands
 * `$ignition_firstboot` from /ignition.firstboot as FCOS's GRUB does, the
 * dracut initramfs's ostree module enters the deployment, and systemd runs
 * the unit that reports on the testisocompletion port, with the guest's ostree
 * (>= 2025.3: `admin status --json` works there). With the stamp and no
 * config, Ignition runs with an empty config and succeeds, as on FCOS.
 *
 * The image is built once and cached (testbed/vm/coreos-image.ts; a few
 * minutes the first time); each boot uses its own copy. Skips when qemu,
 * OVMF or what the build needs is missing. Bounded by the VM's hard timeout.
 */
import { expect } from 'chai';
import { isVersionAtLeast, parseBootReport } from '../../../testbed/vm/boot-report.js';
import { bootDisk, diskCopy, removeFirstboot, useCoreosImage } from '../../helpers/coreos-vm.js';

const HARD_TIMEOUT_MS = 600_000;
/** ostree with `admin set-default` and `admin status --json`, which the product runs in the guest. */
const MIN_OSTREE = '2025.3';
const DEPLOYMENT = /^ostree=\/ostree\/boot\.1\/fedora-coreos\/[0-9a-f]{64}\/0$/;

describe('testbed/vm/coreos-image: the CoreOS-like image boots under OVMF', function () {
  this.timeout(HARD_TIMEOUT_MS + 20 * 60_000);
  const vm = useCoreosImage('ica-coreos-image-');

  it('boots into the ostree deployment and reports on the completion port; no firstboot once the stamp is removed', async () => {
    const disk = diskCopy(vm.image, vm.dir, 'plain.img');
    removeFirstboot(disk, vm.dir);

    const report = parseBootReport(await bootDisk(disk, HARD_TIMEOUT_MS));

    expect(`ostree=${report.ostree}`).to.match(DEPLOYMENT);
    expect(report.ostreeBooted).to.equal(true);
    expect(report.ignitionFirstboot).to.equal(false);
    expect(report.system).to.equal('running');
    expect(isVersionAtLeast(report.ostreeVersion, MIN_OSTREE), `the guest's ostree ${report.ostreeVersion}`).to.equal(
      true,
    );
    expect(report.ostreeStatusJson, '`ostree admin status --json` in the guest').to.equal(true);
  });

  it('GRUB expands $ignition_firstboot from the /ignition.firstboot the image ships (as FCOS); Ignition succeeds with no config', async () => {
    const disk = diskCopy(vm.image, vm.dir, 'firstboot.img');

    const report = parseBootReport(await bootDisk(disk, HARD_TIMEOUT_MS));

    expect(`ostree=${report.ostree}`).to.match(DEPLOYMENT);
    expect(report.ignitionFirstboot).to.equal(true);
    expect(report.system).to.equal('running');
    expect(report.bootIgnition, 'the firstboot stamp is removed after the boot').to.deep.equal([]);
  });
});
