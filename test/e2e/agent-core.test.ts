/**
 * Issue 2 acceptance against a REAL, unmodified Ironic (Debian; every release
 * of ICA_IRONIC_SUITES), with the agent confined to a test node whose only
 * disks are sparse loop disks:
 * (a) automated cleaning, (b) a failing manual clean step, (c) auto-TLS,
 * (d) the agent killed mid-command and restarted in the same boot.
 */
import { describeEachIronic } from '../helpers/each-ironic.js';
import { enrolManageable, stopAgents } from './support.js';
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbedAddresses } from '../../testbed/addresses.js';
import { IronicTestbed } from '../../testbed/ironic.js';
import { layout } from '../../testbed/ironic-settings.js';
import { TestNode } from '../../testbed/node.js';
import { agentGet, startAgent, waitFor, type RunningTestAgent } from '../../testbed/agent.js';
import {
  dropPartitions,
  hasPartitionTable,
  headAndTailZero,
  headChecksum,
  partitionAsVmfs,
  partitionWithFilesystems,
  signatures,
} from './disks.js';

const FLOW_TIMEOUT = 180_000;

describeEachIronic('e2e: agent core with a real Ironic (clean, TLS, restart)', function (ironic) {
  this.timeout(600_000);
  let dir: string;
  let testbed: IronicTestbed;
  let node: TestNode;
  let uuid: string;
  const agents: RunningTestAgent[] = [];

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'e2e-core-'));
    const addresses = testbedAddresses('core', 0, process.pid);
    testbed = new IronicTestbed({ tag: 'core', suite: ironic.suite });
    await testbed.start({
      dir: join(dir, 'ironic'),
      hostIp: addresses.hostIp,
      automatedClean: true,
      checkProvisionInterval: 5,
      heartbeatTimeout: 60,
    });
    node = await TestNode.create({ tag: 'core', ...addresses, disksGiB: [2, 5, 8] });
    uuid = await enrolManageable(testbed, { name: 'core-node', mac: node.mac });
  });

  afterEach(async function () {
    await stopAgents(agents, this.currentTest?.state === 'failed');
  });

  after(async () => {
    await node?.destroy().catch((e: unknown) => console.log(`node cleanup: ${String(e)}`));
    await testbed?.stop().catch((e: unknown) => console.log(`ironic cleanup: ${String(e)}`));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** A "new ramdisk boot": a fresh agent process with a fresh state dir. */
  async function boot(name: string): Promise<RunningTestAgent> {
    const agent = await startAgent(node, { apiUrl: testbed.url, dir: join(dir, name), logName: name });
    agents.push(agent);
    return agent;
  }

  it('(a)+(c) automated cleaning runs erase_devices_metadata through the agent over auto-TLS, and the disks are really wiped', async () => {
    const [d2, d5] = node.disks;
    for (const disk of [d2, d5]) await partitionWithFilesystems(disk!.device);
    expect(await signatures(`${d2!.device}p1`)).to.contain('ext4');
    expect(await hasPartitionTable(d2!.device)).to.equal(true);
    const agent = await boot('clean-auto');

    await testbed.setProvisionState(uuid, 'provide');
    const agentUrl = await waitFor(
      'the agent URL Ironic records from the heartbeat',
      async () => {
        const info = (await testbed.nodeShow(uuid)).driver_internal_info;
        return typeof info['agent_url'] === 'string' ? info['agent_url'] : undefined;
      },
      FLOW_TIMEOUT,
    );
    const storedCert = join(layout(join(dir, 'ironic')).state, 'certificates', `${uuid}.crt`);
    await waitFor(
      'Ironic to store the agent certificate',
      async () => (existsSync(storedCert) ? true : undefined),
      30_000,
    );
    const final = await testbed.waitForProvisionState(uuid, ['available'], FLOW_TIMEOUT);

    expect(agentUrl).to.equal(`https://${node.nodeIp}:9999`);
    expect(readFileSync(storedCert, 'utf8').trim()).to.equal(
      readFileSync(join(agent.stateDir, 'agent.crt'), 'utf8').trim(),
    );
    expect(final.last_error).to.equal(null);
    for (const disk of [d2, d5]) {
      await dropPartitions(disk!.device);
      expect(await signatures(disk!.device), `${disk!.device} signatures`).to.equal('');
      expect(await hasPartitionTable(disk!.device), `${disk!.device} partition table`).to.equal(false);
      expect(headAndTailZero(disk!.device), `${disk!.device} primary and backup GPT areas`).to.equal(true);
    }
    const log = agent.process.readLog();
    expect(log).to.contain('erase_devices_metadata');
    const token = (JSON.parse(readFileSync(join(agent.stateDir, 'agent-state.json'), 'utf8')) as { agentToken: string })
      .agentToken;
    expect(token).to.have.length.greaterThanOrEqual(32);
    expect(log).not.to.contain(token);
  });

  it("(b) a failing manual clean step ends in clean failed with the agent's error in last_error, and the disk is untouched", async () => {
    const protectedDisk = node.disks[2]!;
    await partitionAsVmfs(protectedDisk.device);
    const before = headChecksum(protectedDisk.device);
    await testbed.setProvisionState(uuid, 'manage');
    await testbed.waitForProvisionState(uuid, ['manageable'], 60_000);
    await boot('clean-fail');

    const cli = await testbed.baremetal([
      'node',
      'clean',
      uuid,
      '--clean-steps',
      JSON.stringify([{ interface: 'deploy', step: 'erase_devices_metadata' }]),
    ]);
    const failed = await testbed.waitForProvisionState(uuid, ['clean failed'], FLOW_TIMEOUT);

    expect(cli.exitCode, cli.stderr).to.equal(0);
    expect(failed.provision_state).to.equal('clean failed');
    expect(failed.last_error).to.contain('Clean step deploy.erase_devices_metadata failed');
    expect(failed.last_error).to.match(
      new RegExp(`Protected VMware VMFS Partition \\(GPT\\) located on device ${protectedDisk.device}p1`),
    );
    expect(headChecksum(protectedDisk.device)).to.equal(before);
  });

  /**
   * `GET /v1/commands/` with the agent's token when it has one: Ironic 29 and 35
   * send their token with that GET, after which the agent, as IPA does, refuses
   * it without one (agent/api/agent-token.ts).
   */
  function commandsPath(stateDir: string): string {
    const stateFile = join(stateDir, 'agent-state.json');
    const token = existsSync(stateFile)
      ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { agentToken?: string }).agentToken
      : undefined;
    return token === undefined ? '/v1/commands/' : `/v1/commands/?agent_token=${encodeURIComponent(token)}`;
  }

  it('(d) a restarted agent keeps its token and Ironic continues the interrupted step with it', async () => {
    const [small, mid, big] = node.disks;
    await testbed.baremetal(['node', 'maintenance', 'unset', uuid]);
    await testbed.setProvisionState(uuid, 'manage');
    await testbed.waitForProvisionState(uuid, ['manageable'], 60_000);
    // skip_block_devices is set at enrolment: a PATCH would break the node on trixie and forky
    await testbed.deleteNode(uuid);
    uuid = await enrolManageable(testbed, {
      name: 'core-node',
      mac: node.mac,
      properties: { skip_block_devices: [{ name: mid!.device }, { name: big!.device }] },
    });
    const first = await boot('restart');

    const cli = await testbed.baremetal([
      'node',
      'clean',
      uuid,
      '--clean-steps',
      JSON.stringify([{ interface: 'deploy', step: 'erase_devices' }]),
    ]);
    expect(cli.exitCode, cli.stderr).to.equal(0);
    const running = await waitFor(
      'erase_devices to be running on the agent',
      async () => {
        const reply = await agentGet(`https://${first.address}`, commandsPath(first.stateDir));
        const commands =
          (reply.body as { commands?: Array<{ id: string; command_name: string; command_status: string }> }).commands ??
          [];
        return commands.find((c) => c.command_name === 'execute_clean_step' && c.command_status === 'RUNNING');
      },
      FLOW_TIMEOUT,
      100,
    );
    const stateFile = join(first.stateDir, 'agent-state.json');
    const tokenBefore = (JSON.parse(readFileSync(stateFile, 'utf8')) as { agentToken: string }).agentToken;
    first.process.kill('SIGKILL', true);
    await first.process.waitExit(10_000);

    const second = await startAgent(node, { apiUrl: testbed.url, dir: join(dir, 'restart'), logName: 'restart-2' });
    agents.push(second);
    const done = await testbed.waitForProvisionState(uuid, ['manageable'], FLOW_TIMEOUT);
    const after = await agentGet(`https://${second.address}`, commandsPath(second.stateDir));

    expect(done.last_error).to.equal(null);
    expect((JSON.parse(readFileSync(stateFile, 'utf8')) as { agentToken: string }).agentToken).to.equal(tokenBefore);
    const resumed = (
      after.body as { commands: Array<{ id: string; command_name: string; command_status: string }> }
    ).commands.find((c) => c.id === running.id);
    expect(resumed?.command_status).to.equal('SUCCEEDED');
    expect(second.process.readLog()).to.contain('Resuming the step that was running');
    expect(headAndTailZero(small!.device)).to.equal(true);
  });
});
