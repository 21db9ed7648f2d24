/**
 * Ignition runs at the first boot of the CoreOS-like image, as on Fedora
 * CoreOS installed on metal: the config is where coreos-installer writes it,
 * `boot:/ignition/config.ign` next to `boot:/ignition.firstboot`, and no
 * platform (fw_cfg) config is given. The initramfs's glue (dracut module
 * testbed/vm/dracut/99ica-coreos) copies it for Ignition, whose stages write
 * into the ostree deployment and the stateroot's /var; the booted system then
 * removes the stamp and the config (FCOS's firstboot-complete), so a second
 * boot does not run Ignition and keeps what the first wrote; that boot also
 * shows the ostree deployment booted, with the guest's ostree >= 2025.3. An invalid config
 * stops the initramfs, which reports the emergency instead of a boot.
 *
 * Facts come from the guest's report line (testbed/vm/boot-report.ts). Skips
 * like coreos-image.test.ts; every boot is bounded by the VM's hard timeout.
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

/** What the config must have done, on every boot after it ran. */
function expectConfigApplied(report: BootReport): void {
  expect(report.system, 'no unit failed').to.equal('running');
  expect(report.hostname).to.equal(HOSTNAME);
  expect(report.etcIca['hello']).to.deep.equal({ mode: '644', sha256: sha256(HELLO) });
  expect(report.etcIca['hello-ran'], 'ica-hello.service ran').to.deep.equal({ mode: '644', sha256: sha256(RAN) });
  expect(report.units['ica-hello.service']).to.deep.equal({ enabled: 'enabled', active: 'active' });
  expect(report.coreKeys).to.include(KEY_COMMENT);
  expect(report.bootIgnition, '/boot/ignition.firstboot and /boot/ignition are gone').to.deep.equal([]);
}

describe('testbed/vm/coreos-image: Ignition at the first boot of the CoreOS-like image', function () {
  this.timeout(3 * HARD_TIMEOUT_MS + 20 * 60_000);
  const vm = useCoreosImage('ica-coreos-ignition-');

  it('applies the boot partition config at the first boot only; the second boot keeps what it wrote', async () => {
    const disk = diskCopy(vm.image, vm.dir, 'ignition.img');
    writeFirstboot(disk, vm.dir, { config: JSON.stringify(CONFIG) });

    const first = parseBootReport(await bootDisk(disk, HARD_TIMEOUT_MS));
    const second = parseBootReport(await bootDisk(disk, HARD_TIMEOUT_MS));

    expect(first.ignitionFirstboot, 'GRUB put ignition.firstboot on the first command line').to.equal(true);
    expectConfigApplied(first);
    expect(second.ignitionFirstboot, 'no ignition.firstboot on the second boot').to.equal(false);
    expect(second.ostree).to.equal(first.ostree);
    expectConfigApplied(second);
    // the booted system is the image's ostree deployment, with an ostree the product can drive
    expect(`ostree=${second.ostree}`).to.match(DEPLOYMENT);
    expect(second.ostreeBooted).to.equal(true);
    const version = `the guest's ostree ${second.ostreeVersion}`;
    expect(isVersionAtLeast(second.ostreeVersion, MIN_OSTREE), version).to.equal(true);
    expect(second.ostreeStatusJson, '`ostree admin status --json` in the guest').to.equal(true);
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
