/**
 * The CoreOS-like image boots under OVMF and runs Ignition at its first boot,
 * as Fedora CoreOS installed on metal does: OVMF runs GRUB from the ESP, GRUB
 * reads ostree's BLS entries and expands `$ignition_firstboot` from
 * `boot:/ignition.firstboot`, the dracut initramfs's ostree module enters the
 * deployment, and the config is where coreos-installer writes it,
 * `boot:/ignition/config.ign`, with no platform (fw_cfg) config. The
 * initramfs's glue (dracut module testbed/vm/dracut/99ica-coreos) copies it for
 * Ignition, whose stages write into the deployment and the stateroot's /var;
 * the booted system then removes the stamp and the config (FCOS's
 * firstboot-complete). The boot shows the ostree deployment booted, with the
 * guest's ostree >= 2025.3. An invalid config stops the initramfs, which
 * reports the emergency instead of a boot.
 *
 * Later boots of an installed disk (no Ignition, what the first boot wrote
 * kept) and deployments made after the image was built booting through GRUB
 * are test/e2e/reprovision-boot.test.ts's; the image as coreos-installer
 * writes it, with the stamp it ships, test/e2e/install-boot.test.ts's.
 *
 * Facts come from the guest's report line (testbed/vm/boot-report.ts). The
 * image is built once and cached (testbed/vm/coreos-image.ts; a few minutes
 * the first time); each boot uses its own copy. Skips when qemu, OVMF or what
 * the build needs is missing; every boot is bounded by the VM's hard timeout.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  EMERGENCY_MARKER,
  isVersionAtLeast,
  parseBootReport,
  type BootReport,
} from '../../../testbed/vm/boot-report.js';
import { bootDisk, diskCopy, useCoreosImage, writeFirstboot } from '../../helpers/coreos-vm.js';

const HARD_TIMEOUT_MS = 600_000;
/** ostree with `admin set-default` and `admin status --json`, which the product runs in the guest. */
const MIN_OSTREE = '2025.3';
const DEPLOYMENT = /^ostree=\/ostree\/boot\.1\/fedora-coreos\/[0-9a-f]{64}\/0$/;
const KEY_COMMENT = 'ica-vm-test@ignition';
const SSH_KEY = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII1uGJO8QhH3TcZB8rgkYW0ukzTK+P71Jl5DlNn0wkK8 ${KEY_COMMENT}`;
const HOSTNAME = 'ica-vm-ignited';
const HELLO = 'hello from ignition\n';
/** What ica-hello.service writes: proof it ran. */
const RAN = 'ica-hello ran\n';

const HELLO_UNIT = [
  '[Unit]',
  'Description=Proves an Ignition-defined unit ran',
  '',
  '[Service]',
  'Type=oneshot',
  'RemainAfterExit=yes',
  `ExecStart=/bin/sh -c 'echo ${RAN.trim()} > /etc/ica/hello-ran'`,
  '',
  '[Install]',
  'WantedBy=multi-user.target',
  '',
].join('\n');

/** An Ignition spec 3.3.0 config (Debian's Ignition 2.14 reads 3.0-3.3). */
const CONFIG = {
  ignition: { version: '3.3.0' },
  passwd: { users: [{ name: 'core', sshAuthorizedKeys: [SSH_KEY] }] },
  storage: {
    files: [
      { path: '/etc/hostname', mode: 0o644, overwrite: true, contents: { source: `data:,${HOSTNAME}%0A` } },
      { path: '/etc/ica/hello', mode: 0o644, contents: { source: `data:,${encodeURIComponent(HELLO)}` } },
    ],
  },
  systemd: { units: [{ name: 'ica-hello.service', enabled: true, contents: HELLO_UNIT }] },
};

/** Valid JSON and spec version, but Ignition refuses relative paths. */
const INVALID_CONFIG = {
  ignition: { version: '3.3.0' },
  storage: { files: [{ path: 'etc/relative', contents: { source: 'data:,x' } }] },
};

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What the config must have done. */
function expectConfigApplied(report: BootReport): void {
  expect(report.system, 'no unit failed').to.equal('running');
  expect(report.hostname).to.equal(HOSTNAME);
  expect(report.etcIca['hello']).to.deep.equal({ mode: '644', sha256: sha256(HELLO) });
  expect(report.etcIca['hello-ran'], 'ica-hello.service ran').to.deep.equal({ mode: '644', sha256: sha256(RAN) });
  expect(report.units['ica-hello.service']).to.deep.equal({ enabled: 'enabled', active: 'active' });
  expect(report.coreKeys).to.include(KEY_COMMENT);
  expect(report.bootIgnition, '/boot/ignition.firstboot and /boot/ignition are gone').to.deep.equal([]);
}

describe('testbed/vm/coreos-image: the CoreOS-like image boots and runs Ignition at its first boot', function () {
  this.timeout(2 * HARD_TIMEOUT_MS + 20 * 60_000);
  const vm = useCoreosImage('ica-coreos-image-');

  it('applies the boot partition config at the first boot and removes it, in the booted ostree deployment', async () => {
    const disk = diskCopy(vm.image, vm.dir, 'ignition.img');
    writeFirstboot(disk, vm.dir, { config: JSON.stringify(CONFIG) });

    const report = parseBootReport(await bootDisk(disk, HARD_TIMEOUT_MS));

    expect(report.ignitionFirstboot, 'GRUB put ignition.firstboot on the command line').to.equal(true);
    expectConfigApplied(report);
    // the booted system is the image's ostree deployment, with an ostree the product can drive
    expect(`ostree=${report.ostree}`).to.match(DEPLOYMENT);
    expect(report.ostreeBooted).to.equal(true);
    const version = `the guest's ostree ${report.ostreeVersion}`;
    expect(isVersionAtLeast(report.ostreeVersion, MIN_OSTREE), version).to.equal(true);
    expect(report.ostreeStatusJson, '`ostree admin status --json` in the guest').to.equal(true);
  });

  it('stops in the initramfs on an invalid config, saying why, and never reports a boot', async () => {
    const disk = diskCopy(vm.image, vm.dir, 'invalid.img');
    writeFirstboot(disk, vm.dir, { config: JSON.stringify(INVALID_CONFIG) });

    const { line, console } = await bootDisk(disk, HARD_TIMEOUT_MS, async (m) => ({
      line: await m.waitForCompletion(),
      console: m.console.text,
    }));

    expect(line).to.equal(`${EMERGENCY_MARKER} initramfs`);
    expect(console).to.match(/ignition-fetch-offline\.service/);
    expect(console).to.match(/Ignition failed: /);
    expect(console).to.match(/path not absolute/);
  });
});
