/**
 * Issue 4 acceptance: install_coreos end to end through a REAL, unmodified
 * Ironic custom-agent deploy (every release of ICA_IRONIC_SUITES), driven with
 * the real `baremetal` CLI of the same release. The
 * agent runs confined to a test node with three sparse loop disks (5, 8 and
 * 12 GiB), with a test host root as its /mnt/coreos holding the
 * coreos-installer double and a systemctl stand-in (the only doubles: the
 * installer cannot be built here and a power-off must not reach this machine).
 *
 * Every deploy is of a node enrolled for it, with its instance_info.root_device
 * set at enrolment (trixie's and forky's Ironic break a node on any PATCH, see
 * testbed/README.md; undeploying clears instance_info anyway).
 * Every deploy is a fresh ramdisk boot: the CLI asks Ironic to deploy, Ironic
 * "powers the node on", and only then the agent starts and looks the node up.
 * Ironic's heartbeat timeout stays at 300 s, so the agent's periodic heartbeat
 * comes 90-180 s after the first: a deploy finishing within DEPLOY_TIMEOUT
 * proves it was driven by the heartbeat the agent forces when the step ends.
 */
import { describeEachIronic } from '../helpers/each-ironic.js';
import { deployWithCli, enrolManageable } from './support.js';
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbedAddresses } from '../../testbed/addresses.js';
import { startAgent, type RunningTestAgent } from '../../testbed/agent.js';
import { readBootFile } from '../../testbed/boot-partition.js';
import { createHostRoot, type HostRoot } from '../../testbed/host-root.js';
import type { IronicNode } from '../../testbed/ironic-nodes.js';
import { IronicTestbed } from '../../testbed/ironic.js';
import { TestNode } from '../../testbed/node.js';
import { changedDisks, diskDigests } from './disk-digest.js';
import { partitionWithFilesystems } from './disks.js';
import {
  expectedIgnition,
  INSTALL_COREOS_STEPS,
  jsonConfigDrive,
  PASSWORD_HASH,
  preRenderedConfigDriveDir,
  USER_IGNITION,
} from './deploy-fixtures.js';

/** Below the agent's first periodic heartbeat (0.3 × 300 s): see the file comment. */
const DEPLOY_TIMEOUT = 80_000;
const NODE_NAME = 'dep-node';

describeEachIronic('e2e: install_coreos through a real Ironic custom-agent deploy', function (ironic) {
  this.timeout(600_000);
  let dir: string;
  let testbed: IronicTestbed;
  let node: TestNode;
  let host: HostRoot;
  let uuid: string | undefined;
  let boots = 0;
  const agents: RunningTestAgent[] = [];

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'e2e-dep-'));
    const addresses = testbedAddresses('dep', 0, process.pid);
    testbed = new IronicTestbed({ tag: 'dep', suite: ironic.suite });
    await testbed.start({
      dir: join(dir, 'ironic'),
      hostIp: addresses.hostIp,
      automatedClean: false,
      heartbeatTimeout: 300,
    });
    node = await TestNode.create({ tag: 'dep', ...addresses, disksGiB: [5, 8, 12] });
    host = await createHostRoot({ dir: join(dir, 'hostroot') });
    host.addOsmet();
    // A previous life on every disk, so that an unwanted write or wipe changes real content.
    for (const disk of node.disks) await partitionWithFilesystems(disk.device);
  });

  afterEach(async function () {
    for (const agent of agents.splice(0)) {
      if (this.currentTest?.state === 'failed') console.log(agent.process.readLog().split('\n').slice(-80).join('\n'));
      await agent.process.stop();
    }
    if (host !== undefined) {
      for (const run of ['run/coreos-installer-double', 'run/systemctl-double'])
        rmSync(join(host.root, run), { recursive: true, force: true });
    }
    if (testbed !== undefined && uuid !== undefined && (await testbed.nodeShow(uuid)).provision_state !== 'available') {
      await testbed.setProvisionState(uuid, 'deleted');
      await testbed.waitForProvisionState(uuid, ['available'], 60_000);
    }
  });

  after(async () => {
    await node?.destroy().catch((e: unknown) => console.log(`node cleanup: ${String(e)}`));
    await host?.destroy().catch((e: unknown) => console.log(`host root cleanup: ${String(e)}`));
    await testbed?.stop().catch((e: unknown) => console.log(`ironic cleanup: ${String(e)}`));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  interface DeployOutcome {
    node: IronicNode;
    agent: RunningTestAgent;
  }

  /** Replace the node by one enrolled with these root device hints in instance_info, and make it available. */
  async function enrolWithHints(rootDevice: Record<string, unknown>): Promise<string> {
    if (uuid !== undefined) await testbed.deleteNode(uuid);
    uuid = undefined;
    const enrolled = await enrolManageable(testbed, {
      name: NODE_NAME,
      mac: node.mac,
      instanceInfo: { root_device: rootDevice },
    });
    uuid = enrolled;
    await testbed.setProvisionState(enrolled, 'provide');
    await testbed.waitForProvisionState(enrolled, ['available'], 60_000);
    return enrolled;
  }

  /**
   * Enrol the node with the root device hints, deploy with the real CLI (or,
   * for a configdrive object, the same request through the API), boot a fresh
   * agent (Ironic has powered the node on) and wait for `expected`.
   */
  async function deploy(
    configDrive: string | Record<string, unknown>,
    rootDevice: Record<string, unknown>,
    expected: 'active' | 'deploy failed',
    timeoutMs = DEPLOY_TIMEOUT,
  ): Promise<DeployOutcome> {
    const uuid = await enrolWithHints(rootDevice);
    expect((await testbed.nodeShow(uuid)).instance_info['root_device']).to.deep.equal(rootDevice);
    if (typeof configDrive === 'string') {
      const cli = await deployWithCli(testbed, uuid, configDrive);
      expect(cli.exitCode, cli.stderr).to.equal(0);
    } else {
      // What `baremetal node deploy` sends; a configdrive of many MiB cannot be
      // one argv string (Linux caps each at 128 KiB, MAX_ARG_STRLEN).
      await testbed.setProvisionState(uuid, 'active', {
        configdrive: configDrive,
        deploy_steps: JSON.parse(INSTALL_COREOS_STEPS) as unknown,
      });
    }
    boots += 1;
    const agent = await startAgent(node, {
      apiUrl: testbed.url,
      dir: join(dir, `boot-${boots}`),
      rootMount: host.root,
      logName: `boot-${boots}`,
    });
    agents.push(agent);
    // No periodic heartbeat comes within DEPLOY_TIMEOUT: only the forced ones can finish the deploy in time.
    const final = await testbed.waitForProvisionState(uuid, [expected], timeoutMs);
    return { node: final, agent };
  }

  const diskOf = (index: number): string => node.disks[index]!.device;

  it('deploys to the disk chosen by instance_info.root_device: exactly the Ignition + hostname at ignition/config.ign, other disks untouched, power-off recorded', async () => {
    const chosen = diskOf(1); // 8 GiB; IPA's own guess would be the smallest disk of at least 4 GiB, the 5 GiB one
    const before = await diskDigests(node.disks);

    const { node: final, agent } = await deploy(
      jsonConfigDrive(USER_IGNITION, { 'local-hostname': 'dep-worker-1' }),
      { size: 8 },
      'active',
    );

    expect(final.last_error).to.equal(null);
    const ignition = await readBootFile(chosen, '/ignition/config.ign');
    expect(JSON.parse(ignition.text)).to.deep.equal(expectedIgnition('dep-worker-1'));
    expect(ignition.mode).to.equal(0o600);
    expect(ignition.dirMode).to.equal(0o700);
    expect(changedDisks(before, await diskDigests(node.disks), [chosen])).to.equal('');
    expect(host.calls()).to.deep.equal([
      `install --preserve-on-error --ignition-file /tmp/ironic.ign --offline ${chosen} `,
    ]);
    expect(readFileSync(testbed.logFile, 'utf8')).to.contain(
      `Executing agent command standby.power_off for node ${uuid}`,
    );
    expect(host.powerRequests()).to.deep.equal(['poweroff --no-block']);
    expect(existsSync(join(host.root, 'tmp/ironic.ign')), 'the Ignition file in the host root is removed').to.equal(
      false,
    );
    const log = agent.process.readLog();
    expect(log).to.contain('Installed CoreOS');
    expect(log).not.to.contain(PASSWORD_HASH);
  });

  it('ends active after the installer failed twice (3 attempts), on the disk named by the hints, hostname from the node name', async () => {
    const chosen = diskOf(2);
    host.setControl({ fail_times: 2, fail_message: `writing to ${chosen}: Input/output error (os error 5)` });
    const before = await diskDigests(node.disks);

    const { node: final, agent } = await deploy(jsonConfigDrive(USER_IGNITION), { name: chosen }, 'active');

    expect(final.last_error).to.equal(null);
    expect(host.calls()).to.have.length(3);
    expect(agent.process.readLog().match(/coreos-installer attempt failed/g)).to.have.length(2);
    expect(JSON.parse((await readBootFile(chosen, '/ignition/config.ign')).text)).to.deep.equal(
      expectedIgnition(NODE_NAME),
    );
    expect(changedDisks(before, await diskDigests(node.disks), [chosen])).to.equal('');
    expect(host.powerRequests()).to.deep.equal(['poweroff --no-block']);
  });

  it("ends deploy failed with the installer's cause chain in last_error when the installer always fails", async () => {
    const chosen = diskOf(0);
    host.setControl({
      fail_always: 1,
      fail_message: 'decoding and writing image',
      fail_cause: ['Input/output error (os error 5)'],
    });
    const before = await diskDigests(node.disks);

    const { node: final, agent } = await deploy(jsonConfigDrive(USER_IGNITION), { size: 5 }, 'deploy failed');

    expect(final.last_error).to.equal(
      `Deploy step deploy.install_coreos failed on node ${uuid}. coreos-installer failed with code 1 (attempt 3 of 3): ` +
        'install failed: decoding and writing image: Input/output error (os error 5)',
    );
    expect(host.calls()).to.have.length(3);
    expect(agent.process.readLog()).to.match(
      / INFO( \[[\w-]+\])? coreos-installer output .*"line":" {4}Input\/output error \(os error 5\)"/,
    );
    // Ironic wiped the token with the failed deploy: one heartbeat is refused, none follows while the agent looks the node up.
    const refusal = 'Ironic rejected the agent token';
    for (let waited = 0; waited < 30_000 && !agent.process.readLog().includes(refusal); waited += 500)
      await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, 12_000));
    const [, afterRefusal] = agent.process.readLog().split(refusal);
    expect(afterRefusal, 'the token was refused').to.be.a('string');
    expect(afterRefusal).not.to.contain('Heartbeat: announcing callback URL');
    expect(changedDisks(before, await diskDigests(node.disks), [chosen])).to.equal('');
    expect(host.powerRequests()).to.deep.equal([]);
  });

  it('deploys a 20 MiB configdrive (Ignition carrying a 15 MiB file as base64) to active, the installed Ignition intact (sha256)', async () => {
    const chosen = diskOf(1);
    host.setControl({ boot_mib: 40 }); // the double's boot filesystem is 16 MiB by default; FCOS has 384 MiB
    const big = {
      path: '/var/lib/big.bin',
      mode: 420,
      contents: { source: `data:;base64,${randomBytes(15 * 1024 * 1024).toString('base64')}` },
    };
    const ignition = { ...USER_IGNITION, storage: { files: [...USER_IGNITION.storage.files, big] } };
    const configDrive = { user_data: ignition, meta_data: { 'local-hostname': 'dep-big' } };
    expect(JSON.stringify(configDrive).length).to.be.within(20 * 1024 * 1024, 21 * 1024 * 1024);

    // Not bounded by DEPLOY_TIMEOUT (the other cases show the forced heartbeats): Ironic 35 handles a node
    // carrying 20 MiB of instance_info about ten times slower than 21.4 and 29 (a GET of the node 2.2 s instead
    // of 0.2 s, deploying to wait call-back 12.5 s instead of 2.3 s), and this deploy took 79.5 s there.
    const { node: final, agent } = await deploy(configDrive, { size: 8 }, 'active', 4 * DEPLOY_TIMEOUT);

    expect(final.last_error).to.equal(null);
    const installed = JSON.parse((await readBootFile(chosen, '/ignition/config.ign')).text) as typeof ignition;
    const hostname = expectedIgnition('dep-big').storage as { files: unknown[] };
    const expected = { ...ignition, storage: { files: [...ignition.storage.files, hostname.files.at(-1)] } };
    expect(sha256(canonicalJson(installed))).to.equal(sha256(canonicalJson(expected)));
    expect(sha256(installed.storage.files[1]?.contents.source ?? '')).to.equal(sha256(big.contents.source));
    expect(agent.process.readLog()).not.to.contain(big.contents.source.slice(0, 64));
  });

  const refused: { what: string; configDrive: () => string; message: string | RegExp }[] = [
    {
      what: 'a pre-rendered configdrive (the CLI builds a gzipped ISO string from a directory)',
      configDrive: () => preRenderedConfigDriveDir(join(dir, 'configdrive')),
      message:
        'Cannot use a pre-rendered configdrive, please pass it as JSON data (a JSON object with user_data / meta_data)',
    },
    {
      what: 'user_data that is not valid JSON',
      configDrive: () => jsonConfigDrive('{"ignition": {"version": "3.4.0"}, passwd: {}}'),
      message:
        /^configdrive user_data is not valid JSON \(syntax error at position \d+\); pass an Ignition 3\.x config as a JSON object or a JSON string$/,
    },
    {
      what: 'an Ignition 2.2.0 config',
      configDrive: () => jsonConfigDrive({ ignition: { version: '2.2.0' }, passwd: USER_IGNITION.passwd }),
      message:
        'Ignition config version "2.2.0" is not supported: CoreOS needs spec 3.x (for example 3.4.0); translate older configs with Butane or ignition-config-translator',
    },
  ];
  for (const { what, configDrive, message } of refused) {
    it(`refuses ${what} with a clear last_error and leaves every disk untouched`, async () => {
      const before = await diskDigests(node.disks);

      const { node: final, agent } = await deploy(configDrive(), { size: 8 }, 'deploy failed');

      const prefix = `Deploy step deploy.install_coreos failed on node ${uuid}. `;
      expect(final.last_error?.startsWith(prefix), String(final.last_error)).to.equal(true);
      if (typeof message === 'string') expect(final.last_error?.slice(prefix.length)).to.equal(message);
      else expect(final.last_error?.slice(prefix.length)).to.match(message);
      expect(changedDisks(before, await diskDigests(node.disks))).to.equal('');
      expect(host.calls()).to.deep.equal([]);
      expect(existsSync(join(host.root, 'tmp/ironic.ign'))).to.equal(false);
      expect(readFileSync(agent.process.logFile, 'utf8')).not.to.contain(PASSWORD_HASH);
    });
  }
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so equal configs hash equally whatever order their keys were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
