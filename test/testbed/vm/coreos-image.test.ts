/**
 * The CoreOS-like image boots as shipped: OVMF runs GRUB from the ESP, GRUB
 * reads ostree's BLS entries and expands `$ignition_firstboot` from the
 * /ignition.firstboot the image ships, as FCOS's GRUB does, the dracut
 * initramfs's ostree module enters the deployment, and systemd runs the unit
 * that reports on the testisocompletion port. With the stamp and no config,
 * Ignition runs with an empty config and succeeds, as on FCOS. (A boot without
 * the stamp, and the guest's ostree, are checked by the second boot of
 * coreos-image-ignition.test.ts; a deployment made after the image was built
 * booting through GRUB, by test/e2e/reprovision-boot.test.ts.)
 *
 * The image is built once and cached (testbed/vm/coreos-image.ts; a few
 * minutes the first time); each boot uses its own copy. Skips when qemu,
 * OVMF or what the build needs is missing. Bounded by the VM's hard timeout.
 */
import { expect } from 'chai';
import { parseBootReport } from '../../../testbed/vm/boot-report.js';
import { bootDisk, diskCopy, useCoreosImage } from '../../helpers/coreos-vm.js';

const HARD_TIMEOUT_MS = 600_000;
const DEPLOYMENT = /^ostree=\/ostree\/boot\.1\/fedora-coreos\/[0-9a-f]{64}\/0$/;

describe('testbed/vm/coreos-image: the CoreOS-like image boots under OVMF', function () {
  this.timeout(HARD_TIMEOUT_MS + 20 * 60_000);
  const vm = useCoreosImage('ica-coreos-image-');

  it('GRUB expands $ignition_firstboot from the /ignition.firstboot the image ships (as FCOS); Ignition succeeds with no config', async () => {
    const disk = diskCopy(vm.image, vm.dir, 'firstboot.img');

    const report = parseBootReport(await bootDisk(disk, HARD_TIMEOUT_MS));

    expect(`ostree=${report.ostree}`).to.match(DEPLOYMENT);
    expect(report.ignitionFirstboot).to.equal(true);
    expect(report.system).to.equal('running');
    expect(report.bootIgnition, 'the firstboot stamp is removed after the boot').to.deep.equal([]);
  });
});
