/**
 * The CoreOS-like image refuses an invalid Ignition config at its first boot,
 * as Fedora CoreOS does: OVMF runs GRUB from the ESP, GRUB reads ostree's BLS
 * entries and expands `$ignition_firstboot` from `boot:/ignition.firstboot`,
 * the initramfs's glue (dracut module testbed/vm/dracut/99ica-coreos) hands
 * `boot:/ignition/config.ign` to Ignition, whose fetch-offline stage fails on
 * it, and the initramfs reports the emergency instead of a boot.
 *
 * The image's first boot with a valid config is test/e2e/install-boot.test.ts's
 * (the disk as coreos-installer writes it, Ignition applying the config, the
 * ostree deployment booted; one boot proves both, which keeps the VM tier's
 * time down); later boots and deployments made after the image was built are
 * test/e2e/reprovision-boot.test.ts's.
 *
 * The image is built once and cached (testbed/vm/coreos-image.ts; a few
 * minutes the first time); the boot uses its own copy. Skips when qemu, OVMF
 * or what the build needs is missing; bounded by the VM's hard timeout.
 */
import { expect } from 'chai';
import { EMERGENCY_MARKER } from '../../../testbed/vm/boot-report.js';
import { bootDisk, diskCopy, useCoreosImage, writeFirstboot } from '../../helpers/coreos-vm.js';

const HARD_TIMEOUT_MS = 600_000;

/** The line the initramfs's emergency report writes on the completion port, and on the console after the journal (ica-coreos.sh). */
const INITRAMFS_REPORT = `${EMERGENCY_MARKER} initramfs`;

/** Valid JSON and spec version, but Ignition refuses relative paths. */
const INVALID_CONFIG = {
  ignition: { version: '3.3.0' },
  storage: { files: [{ path: 'etc/relative', contents: { source: 'data:,x' } }] },
};

describe('testbed/vm/coreos-image: the CoreOS-like image checks its Ignition config at its first boot', function () {
  this.timeout(HARD_TIMEOUT_MS + 20 * 60_000);
  const vm = useCoreosImage('ica-coreos-image-');

  it('stops in the initramfs on an invalid config, saying why, and never reports a boot', async () => {
    const disk = diskCopy(vm.image, vm.dir, 'invalid.img');
    writeFirstboot(disk, vm.dir, { config: JSON.stringify(INVALID_CONFIG) });

    const { line, console } = await bootDisk(disk, HARD_TIMEOUT_MS, async (m) => {
      const completion = await m.waitForCompletion();
      // The completion port can outrun the serial console: the guest writes the journal to the console
      // first and the marker after it, so the console is complete once the marker shows there too.
      await m.waitForConsole(new RegExp(INITRAMFS_REPORT));
      return { line: completion, console: m.console.text };
    });

    // on a failure, the console's end says what the guest did instead
    const seen = `the console ended with:\n${console.split('\n').slice(-80).join('\n')}`;
    expect(line).to.equal(INITRAMFS_REPORT);
    expect(console, seen).to.match(/ignition-fetch-offline\.service/);
    expect(console, seen).to.match(/Ignition failed: /);
    expect(console, seen).to.match(/path not absolute/);
  });
});
