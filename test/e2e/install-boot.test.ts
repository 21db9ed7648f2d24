/**
 * Issue 15 "install, then boot": a real Ironic custom-agent deploy runs our
 * agent's install_coreos, whose coreos-installer (the double, the one part
 * that cannot run here) writes the VM tier's CoreOS-like bootable image
 * (its osmet `image=`) onto the node's loop disk and the configdrive's
 * Ignition onto its boot filesystem; then a q35 + OVMF VM boots that very
 * disk like a machine after its power-on, Ignition applies the config at
 * first boot (hostname, core's SSH key, a file, a unit it enables), and the
 * guest's report line says what is in effect: the config, its stamp and copy
 * removed from /boot (FCOS's firstboot-complete), and the image's ostree
 * deployment booted, with an ostree in the guest (>= 2025.3) that the
 * product can drive. It is also the image's own first boot with a config
 * (test/testbed/vm/coreos-image.test.ts has its failing one).
 *
 * One Ironic release (the first configured): the deploy wire is covered per
 * release by deploy.test.ts; this suite is about what the disk boots into.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { testbedAddresses } from '../../testbed/addresses.js';
import { startAgent, type RunningTestAgent } from '../../testbed/agent.js';
import { readBootFile } from '../../testbed/boot-partition.js';
import { createHostRoot, type HostRoot } from '../../testbed/host-root.js';
import { IronicTestbed } from '../../testbed/ironic.js';
import { TestNode } from '../../testbed/node.js';
import { ensureCoreosImage } from '../../testbed/vm/coreos-image.js';
import { isVersionAtLeast, parseBootReport } from '../../testbed/vm/boot-report.js';
import { bootDisk, coreosVmSkipReason } from '../helpers/coreos-vm.js';
import { describeEachIronic } from '../helpers/each-ironic.js';
import { jsonConfigDrive } from './deploy-fixtures.js';
import { deployWithCli, enrolManageable, stopAgents } from './support.js';

const HARD_TIMEOUT_MS = 600_000;
/** ostree with `admin set-default` and `admin status --json`, which the product runs in the guest. */
const MIN_OSTREE = '2025.3';
const DEPLOYMENT = /^ostree=\/ostree\/boot\.1\/fedora-coreos\/[0-9a-f]{64}\/0$/;
/** Writing the 1.2 GiB image takes the double a while; the forced heartbeat ends the deploy right after. */
const DEPLOY_TIMEOUT_MS = 300_000;
const HOSTNAME = 'ib-worker-1';
const KEY_COMMENT = 'core@install-boot';
const SSH_KEY = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHbWq2zC1j3lQ3bM0Jk8cQ3Zp5y6n7s8t9u0v1w2x3y4 ${KEY_COMMENT}`;
const HELLO = 'installed by ironic\n';
/** What ica-hello.service writes: proof that the unit Ignition enabled ran. */
const RAN = 'ica-hello ran\n';

/**
 * The user's Ignition (spec 3.3.0: Debian bookworm's Ignition 2.14 knows 3.4.0 only as
 * experimental): an SSH key for core, a file, and a unit it enables.
 */
const USER_IGNITION = {
  ignition: { version: '3.3.0' },
  passwd: { users: [{ name: 'core', sshAuthorizedKeys: [SSH_KEY] }] },
  storage: {
    files: [{ path: '/etc/ica/hello', mode: 420, contents: { source: `data:,${encodeURIComponent(HELLO)}` } }],
  },
  systemd: {
    units: [
      {
        name: 'ica-hello.service',
        enabled: true,
        contents:
          '[Unit]\nDescription=ica hello\n[Service]\nType=oneshot\nRemainAfterExit=yes\n' +
          `ExecStart=/bin/sh -c 'echo ${RAN.trim()} > /etc/ica/hello-ran'\n[Install]\nWantedBy=multi-user.target\n`,
      },
    ],
  },
};

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describeEachIronic(
  'e2e: install_coreos writes a disk that boots (issue 15)',
  function (ironic) {
    this.timeout(DEPLOY_TIMEOUT_MS + HARD_TIMEOUT_MS + 30 * 60_000);
    let dir = '';
    let testbed: IronicTestbed | undefined;
    let node: TestNode | undefined;
    let host: HostRoot | undefined;
    const agents: RunningTestAgent[] = [];

    before(async function () {
      const reason = await coreosVmSkipReason();
      if (reason !== undefined) {
        console.log(`      (skipping: ${reason})`);
        this.skip();
      }
      const image = await ensureCoreosImage(new ExecaRunner());
      dir = mkdtempSync(join(tmpdir(), 'e2e-ib-'));
      const addresses = testbedAddresses('ib', 0, process.pid);
      testbed = new IronicTestbed({ tag: 'ib', suite: ironic.suite });
      await testbed.start({ dir: join(dir, 'ironic'), hostIp: addresses.hostIp, automatedClean: false });
      node = await TestNode.create({ tag: 'ib', ...addresses, disksGiB: [2] });
      host = await createHostRoot({ dir: join(dir, 'hostroot') });
      // The host's /var/cache is visible in the host root (its lower layer is /).
      host.addOsmet('CoreOS-like VM image', 512, image);
    });

    afterEach(async function () {
      await stopAgents(agents, this.currentTest?.state === 'failed');
    });

    after(async () => {
      await node?.destroy().catch((e: unknown) => console.log(`node cleanup: ${String(e)}`));
      await host?.destroy().catch((e: unknown) => console.log(`host root cleanup: ${String(e)}`));
      await testbed?.stop().catch((e: unknown) => console.log(`ironic cleanup: ${String(e)}`));
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    });

    it('deploys with a configdrive Ignition; the installed disk boots under OVMF and Ignition applies it at first boot', async () => {
      const bed = testbed!;
      const disk = node!.disks[0]!.device;
      const uuid = await enrolManageable(bed, {
        name: 'ib-node',
        mac: node!.mac,
        instanceInfo: { root_device: { size: 2 } },
      });
      await bed.setProvisionState(uuid, 'provide');
      await bed.waitForProvisionState(uuid, ['available'], 60_000);
      const configDrive = jsonConfigDrive(USER_IGNITION, { 'local-hostname': HOSTNAME });
      const cli = await deployWithCli(bed, uuid, configDrive);
      expect(cli.exitCode, cli.stderr).to.equal(0);
      agents.push(await startAgent(node!, { apiUrl: bed.url, dir: join(dir, 'boot-1'), rootMount: host!.root }));

      const final = await bed.waitForProvisionState(uuid, ['active', 'deploy failed'], DEPLOY_TIMEOUT_MS);

      expect([final.provision_state, final.last_error]).to.deep.equal(['active', null]);
      expect(host!.calls()).to.deep.equal([
        `install --preserve-on-error --ignition-file /tmp/ironic.ign --offline ${disk} `,
      ]);
      const written = JSON.parse((await readBootFile(disk, '/ignition/config.ign')).text) as typeof USER_IGNITION;
      expect(written.systemd).to.deep.equal(USER_IGNITION.systemd);
      expect(written.storage.files.map((f) => f.path)).to.deep.equal(['/etc/ica/hello', '/etc/hostname']);
      await stopAgents(agents, false);

      const report = parseBootReport(await bootDisk(disk, HARD_TIMEOUT_MS));

      expect(report.ignitionFirstboot, 'GRUB put ignition.firstboot on the command line').to.equal(true);
      expect(report.system, 'no unit failed').to.equal('running');
      expect(report.hostname, 'the hostname the agent added from meta_data').to.equal(HOSTNAME);
      expect(report.etcIca['hello']).to.deep.equal({ mode: '644', sha256: sha256(HELLO) });
      expect(report.etcIca['hello-ran'], 'ica-hello.service ran').to.deep.equal({ mode: '644', sha256: sha256(RAN) });
      expect(report.units['ica-hello.service']).to.deep.equal({ enabled: 'enabled', active: 'active' });
      expect(report.coreKeys).to.include(KEY_COMMENT);
      expect(report.bootIgnition, '/boot/ignition.firstboot and /boot/ignition are gone').to.deep.equal([]);
      // the booted system is the image's ostree deployment, with an ostree the product can drive
      expect(`ostree=${report.ostree}`).to.match(DEPLOYMENT);
      expect(report.ostreeBooted).to.equal(true);
      const version = `the guest's ostree ${report.ostreeVersion}`;
      expect(isVersionAtLeast(report.ostreeVersion, MIN_OSTREE), version).to.equal(true);
      expect(report.ostreeStatusJson, '`ostree admin status --json` in the guest').to.equal(true);
    });
  },
  { select: (configured) => configured.slice(0, 1) },
);
