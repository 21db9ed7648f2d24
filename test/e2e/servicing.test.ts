/**
 * Issue 10 items 4 and 5: servicing an active node through the agent
 * (`PUT .../states/provision {target: service, service_steps}`, API 1.87+).
 * Ironic reboots the node into the ramdisk (`service wait`), the agent looks
 * itself up, Ironic asks `service.get_service_steps`, validates the requested
 * steps against them and runs each with `service.execute_service_step`
 * (openstack/ironic ironic/conductor/servicing.py, agent_base.py
 * _heartbeat_service_wait), then boots the instance again (`active`).
 *
 * Lookup in `service wait` needs fast-track before Ironic 35.0 (API 1.111,
 * openstack/ironic commit a23b7eee), so on older Ironic (trixie's 29.0) the
 * test bed runs with `[deploy]fast_track = true`. Ironic without servicing
 * (bookworm's 21.4, API 1.82) skips the suite. The Ironic comes from
 * ICA_IRONIC_SUITES (ironic-suites.ts).
 *
 * Every agent boots on the same state dir (same kernel boot id here), so each
 * finds the previous one's token, node UUID and command history: they must
 * not delay it, and an agent kept alive after standby.power_off must stay
 * silent. These two tests run on every Ironic. Heartbeat timeout 300 s: a flow
 * finishing within SERVICE_TIMEOUT was driven by the agent's forced heartbeats.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbedAddresses } from '../../testbed/addresses.js';
import { startAgent, waitFor, type RunningTestAgent } from '../../testbed/agent.js';
import { createHostRoot, type HostRoot } from '../../testbed/host-root.js';
import type { IronicTestbed } from '../../testbed/ironic.js';
import { TestNode } from '../../testbed/node.js';
import { changedDisks, diskDigests } from './disk-digest.js';
import { partitionWithFilesystems } from './disks.js';
import {
  atLeast,
  describeIronic,
  formatVersion,
  ironicSuites,
  LOOKUP_IN_SERVICE_WAIT,
  maxApiVersion,
  SERVICING,
  suiteTestbed,
} from './ironic-suites.js';
import { requireTestbed, stopAgents } from './support.js';

/** Below the agent's first periodic heartbeat (0.3 × 300 s). */
const SERVICE_TIMEOUT = 80_000;
/** IPA's burn-in keys (ironic_python_agent/burnin.py): short runs, one worker, little memory. */
const BURNIN_DRIVER_INFO = {
  agent_burnin_cpu_cpu: 1,
  agent_burnin_cpu_timeout: 2,
  agent_burnin_vm_vm: 1,
  'agent_burnin_vm_vm-bytes': '64M',
  agent_burnin_vm_timeout: 2,
};
const BURNIN_STEPS = [
  { interface: 'deploy', step: 'burnin_cpu', args: {} },
  { interface: 'deploy', step: 'burnin_memory', args: {} },
];

function stressNgMissing(): boolean {
  try {
    execFileSync('stress-ng', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
}

for (const suite of ironicSuites()) {
  describe(`e2e (${suite}): servicing an active node through the agent`, function () {
    this.timeout(600_000);
    let dir: string;
    let testbed: IronicTestbed | undefined;
    let node: TestNode | undefined;
    let host: HostRoot | undefined;
    let uuid: string;
    let fastTrack = false;
    let servicing = false;
    let failed = false;
    const agents: RunningTestAgent[] = [];

    before(async function () {
      requireTestbed(this);
      if (stressNgMissing()) {
        console.log(
          '      (skipping: stress-ng is not installed; apt-get install stress-ng, see .ci/install-debian-deps)',
        );
        this.skip();
      }
      dir = mkdtempSync(join(tmpdir(), 'e2e-svc-'));
      const addresses = testbedAddresses('svc', 0, process.pid);
      testbed = suiteTestbed('svc', suite);
      await testbed.start({
        dir: join(dir, 'ironic'),
        hostIp: addresses.hostIp,
        automatedClean: false,
        heartbeatTimeout: 300,
      });
      const version = await maxApiVersion(testbed);
      servicing = atLeast(version, SERVICING);
      fastTrack = servicing && !atLeast(version, LOOKUP_IN_SERVICE_WAIT);
      const mode = !servicing
        ? `no servicing (needs API ${formatVersion(SERVICING)})`
        : `fast_track ${String(fastTrack)}${fastTrack ? ' (no lookup in service wait before API 1.111)' : ''}`;
      console.log(`      ${describeIronic(version, suite)}: ${mode}`);
      if (fastTrack) await testbed.restart({ fastTrack: true });
      node = await TestNode.create({ tag: 'svc', ...addresses, disksGiB: [5] });
      await partitionWithFilesystems(node.disks[0]!.device);
      host = await createHostRoot({ dir: join(dir, 'hostroot') });
      uuid = await enroll();
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed') failed = true;
      await stopAgents(agents, this.currentTest?.state === 'failed');
    });

    after(async () => {
      await node?.destroy().catch((e: unknown) => console.log(`node cleanup: ${String(e)}`));
      await host?.destroy().catch((e: unknown) => console.log(`host root cleanup: ${String(e)}`));
      await testbed?.stop().catch((e: unknown) => console.log(`ironic cleanup: ${String(e)}`));
      if (dir === undefined) return;
      if (failed) console.log(`      kept ${dir} for debugging (Ironic logs in ironic/log)`);
      else rmSync(dir, { recursive: true, force: true });
    });

    function bed(): IronicTestbed {
      if (testbed === undefined) throw new Error('no test bed');
      return testbed;
    }

    /** Enrol the node (one port with the test node's MAC) and make it available; returns its UUID. */
    async function enroll(): Promise<string> {
      const id = await bed().createNode({ name: 'svc-node', mac: node!.mac, driverInfo: BURNIN_DRIVER_INFO });
      await bed().setProvisionState(id, 'manage');
      await bed().waitForProvisionState(id, ['manageable'], 60_000);
      await bed().setProvisionState(id, 'provide');
      await bed().waitForProvisionState(id, ['available'], 60_000);
      return id;
    }

    async function boot(name: string): Promise<RunningTestAgent> {
      const agent = await startAgent(node!, {
        apiUrl: bed().url,
        dir: join(dir, 'agent'),
        rootMount: host!.root,
        logName: name,
      });
      agents.push(agent);
      return agent;
    }

    function requireServicing(context: Mocha.Context): void {
      if (servicing) return;
      console.log(`      (skipping: this Ironic has no servicing, which needs API ${formatVersion(SERVICING)})`);
      context.skip();
    }

    /** Request servicing with `steps` at API 1.87 (the test bed's client speaks 1.82). */
    async function service(steps: unknown[]): Promise<void> {
      await bed().api.put(
        `/v1/nodes/${uuid}/states/provision`,
        { target: 'service', service_steps: steps },
        { headers: { 'X-OpenStack-Ironic-API-Version': '1.87' } },
      );
    }

    /** Deploy with the custom-agent interface (no in-band steps) through an agent booted on the shared state dir. */
    async function deploy(name: string): Promise<RunningTestAgent> {
      await bed().setProvisionState(uuid, 'active');
      await bed().waitForProvisionState(uuid, ['wait call-back'], 60_000);
      const agent = await boot(name);
      const final = await bed().waitForProvisionState(uuid, ['active'], SERVICE_TIMEOUT);
      expect(final.last_error).to.equal(null);
      await waitFor('the power-off request', async () => (host!.powerRequests().length > 0 ? true : undefined), 30_000);
      return agent;
    }

    it('deploys; after standby.power_off the kept-alive agent neither heartbeats nor looks the node up again', async () => {
      const agent = await deploy('deploy-1');
      await new Promise((r) => setTimeout(r, 3000));
      const log = agent.process.readLog();
      const off = log.indexOf('Power action issued; no more heartbeats from this boot');

      expect(host!.powerRequests()).to.deep.equal(['poweroff --no-block']);
      expect(off).to.be.greaterThan(-1);
      expect(log.slice(off)).to.not.match(/Looking up node|Heartbeat: announcing/);
      expect(agent.process.running).to.equal(true);
    });

    it("a node re-enrolled under a new UUID is found by a fresh agent on the previous agent's state dir at its first lookup, and deploys", async () => {
      const previous = uuid;
      await bed().setProvisionState(uuid, 'deleted');
      await bed().waitForProvisionState(uuid, ['available'], 60_000);
      await bed().api.delete(`/v1/nodes/${uuid}`);
      await stopAgents(agents, false); // the node was powered off
      rmSync(join(host!.root, 'run/systemctl-double'), { recursive: true, force: true });
      uuid = await enroll();

      const agent = await deploy('deploy-2');
      const log = agent.process.readLog();

      expect(uuid).to.not.equal(previous);
      expect(log).to.match(new RegExp(`Lookup succeeded \\{"nodeUuid":"${uuid}","attempts":1\\}`));
      expect(log).to.contain('Ironic issued a new agent token: starting a new command history for this boot');
      expect(log).to.contain(`Looking up node {"addresses":"${node!.mac}","nodeUuid":null`);
    });

    it('runs burnin_cpu and burnin_memory as service steps and the node returns to active', async function () {
      requireServicing(this);
      const before = await diskDigests(node!.disks);
      await service(BURNIN_STEPS);
      await bed().waitForProvisionState(uuid, ['service wait'], 60_000);
      await stopAgents(agents, false); // the node rebooted into the ramdisk

      const agent = await boot('service');
      const final = await bed().waitForProvisionState(uuid, ['active'], SERVICE_TIMEOUT);
      const log = agent.process.readLog();
      await stopAgents(agents, false); // Ironic power-cycled the node into the instance

      expect(final.last_error).to.equal(null);
      expect(final['service_step'] ?? null).to.deep.equal(null);
      expect(log).to.match(new RegExp(`Lookup succeeded \\{"nodeUuid":"${uuid}","attempts":1\\}`));
      expect(log).to.contain('Ironic issued a new agent token: starting a new command history for this boot');
      for (const step of ['burnin_cpu', 'burnin_memory']) {
        expect(log).to.contain(`Executing step {"kind":"service","step":"${step}"`);
        expect(log).to.contain(`Step finished {"kind":"service","step":"${step}"}`);
      }
      expect(log).to.match(/stress-ng \{"step":"burnin_cpu","line":"stress-ng: info: .*successful run completed/);
      expect(changedDisks(before, await diskDigests(node!.disks))).to.equal('');
    });

    it('Ironic refuses a step the agent does not offer for servicing (erase_devices_metadata would wipe the instance)', async function () {
      requireServicing(this);
      const before = await diskDigests(node!.disks);
      await service([{ interface: 'deploy', step: 'erase_devices_metadata', args: {} }]);
      await bed().waitForProvisionState(uuid, ['service wait'], 60_000);
      await stopAgents(agents, false);

      const agent = await boot('refused');
      const final = await bed().waitForProvisionState(uuid, ['service failed'], SERVICE_TIMEOUT);

      expect(final.last_error).to.contain('does not support this service step');
      expect(final.last_error).to.contain('erase_devices_metadata');
      expect(agent.process.readLog()).to.not.contain('Executing step');
      expect(changedDisks(before, await diskDigests(node!.disks))).to.equal('');
    });
  });
}
