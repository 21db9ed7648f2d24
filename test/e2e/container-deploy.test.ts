/**
 * Issue 5 acceptance: the agent CONTAINER passes the install_coreos end to
 * end against a REAL, unmodified Ironic (every release of ICA_IRONIC_SUITES;
 * the image is built once for all of them). The project's Dockerfile is
 * built with podman (runc, and ulimits within the host's hard limits, as crun
 * cannot raise them without CAP_SYS_RESOURCE) on a Debian base
 * debootstrapped locally (cached between runs), and the image is run with the
 * production unit's podman flags (--privileged --network host -v /dev:/dev
 * -v /sys:/sys -v <host root>:/mnt/coreos, the conf at
 * /etc/ironic-python-agent/ignition.conf) inside a test node's confinement:
 * the "host" network is the node's namespace, /sys shows the node's NIC and
 * /dev only its three loop disks (5, 8, 12 GiB). The host root is
 * testbed/host-root.ts with the coreos-installer double.
 *
 * Slow: the image build takes one to three minutes (plus about a minute the
 * first time, for debootstrap). SKIP_CONTAINER_TESTS=1 skips it.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { testbedAddresses } from '../../testbed/addresses.js';
import { readBootFile } from '../../testbed/boot-partition.js';
import {
  podmanInNode,
  startContainerAgent,
  stopContainerAgent,
  type RunningContainerAgent,
} from '../../testbed/container-agent.js';
import { createHostRoot, type HostRoot } from '../../testbed/host-root.js';
import { testbedUnavailableReason } from '../../testbed/host.js';
import { layout } from '../../testbed/ironic-settings.js';
import { IronicTestbed } from '../../testbed/ironic.js';
import { TestNode } from '../../testbed/node.js';
import { buildAgentImage } from '../../testbed/agent-image.js';
import { describeEachIronic } from '../helpers/each-ironic.js';
import { debianBaseUnavailableReason } from '../../testbed/debian-base-image.js';
import { createPodman, podmanUnavailableReason, type Podman } from '../../testbed/podman.js';
import { changedDisks, diskDigests } from './disk-digest.js';
import { partitionWithFilesystems } from './disks.js';
import { deployWithCli, enrolManageable } from './support.js';
import { expectedIgnition, jsonConfigDrive, PASSWORD_HASH, USER_IGNITION } from './deploy-fixtures.js';

const TAG = 'ctr';
/** Lookup, TLS, the install and the forced heartbeat, with the container's start-up; generous for a shared machine. */
const DEPLOY_TIMEOUT = 240_000;

/** Why this suite cannot run here, or null. */
async function unavailableReason(): Promise<string | null> {
  if (process.env['SKIP_CONTAINER_TESTS'] === '1') return 'SKIP_CONTAINER_TESTS=1';
  return testbedUnavailableReason() ?? (await podmanUnavailableReason());
}

/** GET over HTTPS, trusting only `caPem` and checking the certificate names `url`'s host (an IP SAN for auto-TLS). */
function verifiedGet(url: string, caPem: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.setTimeout(5000, () => req.destroy(new Error(`timeout GET ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('e2e: the agent container deploys install_coreos through a real Ironic', function () {
  this.timeout(600_000);
  const runner = new ExecaRunner();
  let dir: string | undefined;
  let podman: Podman;
  let image: string | undefined;
  let failed = false;

  before(async function () {
    this.timeout(40 * 60_000);
    const reason = await unavailableReason();
    if (reason !== null) {
      console.log(`      (skipping: ${reason})`);
      this.skip();
    }
    dir = mkdtempSync('/var/tmp/ctr-e2e-');
    podman = await createPodman(dir);
    const baseReason = await debianBaseUnavailableReason(podman);
    if (baseReason !== null) {
      console.log(`      (skipping: ${baseReason})`);
      this.skip();
    }
    const suffix = dir.slice(-6).toLowerCase();
    image = `localhost/ironic-coreos-agent-test/agent:${TAG}-${suffix}`;
    const started = Date.now();
    await buildAgentImage(podman, image, dir);
    console.log(`      image built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });

  after(async function () {
    this.timeout(180_000);
    if (image !== undefined)
      await podman
        .run(['rmi', '--force', image], { okExitCodes: [0, 1, 125] })
        .catch((e: unknown) => console.log(`image cleanup: ${String(e)}`));
    if (dir === undefined) return;
    if (failed) console.log(`      kept ${dir} (Ironic's logs are in <suite>/ironic/log)`);
    else rmSync(dir, { recursive: true, force: true });
  });

  describeEachIronic('deploy', function (release) {
    let suiteDir: string;
    let testbed: IronicTestbed | undefined;
    let node: TestNode | undefined;
    let host: HostRoot | undefined;
    let agent: RunningContainerAgent | undefined;
    let uuid: string;

    before(async function () {
      suiteDir = join(dir!, release.suite);
      const addresses = testbedAddresses(TAG, 0, process.pid);
      testbed = new IronicTestbed({ tag: TAG, suite: release.suite });
      await testbed.start({
        dir: join(suiteDir, 'ironic'),
        hostIp: addresses.hostIp,
        automatedClean: false,
        heartbeatTimeout: 300,
      });
      node = await TestNode.create({ tag: TAG, ...addresses, disksGiB: [5, 8, 12] });
      host = await createHostRoot({ dir: join(suiteDir, 'hostroot') });
      host.addOsmet();
      // A previous life on every disk, so that an unwanted write or wipe changes real content.
      for (const disk of node.disks) await partitionWithFilesystems(disk.device);
      // The hints are set at enrolment: trixie's and forky's Ironic break a PATCHed node (testbed/README.md).
      uuid = await enrolManageable(testbed, {
        name: `${TAG}-node`,
        mac: node.mac,
        instanceInfo: { root_device: { size: 12 } },
      });
      await testbed.setProvisionState(uuid, 'provide');
      await testbed.waitForProvisionState(uuid, ['available'], 60_000);
    });

    afterEach(function () {
      if (this.currentTest?.state !== 'failed') return;
      failed = true;
      if (agent !== undefined) console.log(agent.process.readLog().split('\n').slice(-80).join('\n'));
    });

    after(async function () {
      this.timeout(180_000);
      const report =
        (what: string) =>
        (e: unknown): void =>
          console.log(`${what} cleanup: ${String(e)}`);
      if (agent !== undefined) await stopContainerAgent(agent, runner, podman.env).catch(report('container'));
      await node?.destroy().catch(report('node'));
      await host?.destroy().catch(report('host root'));
      await testbed?.stop().catch(report('ironic'));
    });

    it('ends active with the Ignition on the hinted disk, served /v1/status over auto-TLS and passed its healthcheck', async () => {
      const testNode = node!;
      const ironic = testbed!;
      const chosen = testNode.disks[2]!.device; // 12 GiB; IPA's own guess would be the 5 GiB disk
      const before = await diskDigests(testNode.disks);
      expect((await ironic.nodeShow(uuid)).instance_info['root_device']).to.deep.equal({ size: 12 });

      const cli = await deployWithCli(
        ironic,
        uuid,
        jsonConfigDrive(USER_IGNITION, { 'local-hostname': 'ctr-worker-1' }),
      );
      expect(cli.exitCode, cli.stderr).to.equal(0);
      const started = Date.now();
      agent = await startContainerAgent(testNode, {
        image: image!,
        name: `${TAG}-agent-${testNode.names.namespace.slice(-8)}`,
        apiUrl: ironic.url,
        dir: join(suiteDir, 'boot-1'),
        hostRoot: host!.root,
        podmanEnv: podman.env,
      });
      const outcome = await Promise.race([
        ironic.waitForProvisionState(uuid, ['active'], DEPLOY_TIMEOUT),
        agent.process.waitExit().then((status) => ({ exited: status })),
      ]);
      if ('exited' in outcome)
        throw new Error(
          `podman run ended (${JSON.stringify(outcome.exited)}) before the deploy did; its log is printed below`,
        );
      const final = outcome;
      console.log(`      container start → active in ${((Date.now() - started) / 1000).toFixed(1)} s`);

      expect(final.last_error).to.equal(null);
      const ignition = await readBootFile(chosen, '/ignition/config.ign');
      expect(JSON.parse(ignition.text)).to.deep.equal(expectedIgnition('ctr-worker-1'));
      expect(ignition.mode).to.equal(0o600);
      const after = await diskDigests(testNode.disks);
      expect(changedDisks(before, after, [chosen]), 'the other disks untouched').to.equal('');
      expect(after[chosen]!.sha256).not.to.equal(before[chosen]!.sha256);
      expect(host!.calls()).to.deep.equal([
        `install --preserve-on-error --ignition-file /tmp/ironic.ign --offline ${chosen} `,
      ]);
      expect(host!.powerRequests()).to.deep.equal(['poweroff --no-block']);

      // Auto-TLS: Ironic stored the certificate the agent sent with its heartbeats (agent_verify_ca) and
      // drove the deploy through it; the API answers only over TLS, verified against exactly that
      // certificate (its IP SAN is the node's address).
      const storedCert = readFileSync(
        join(layout(join(suiteDir, 'ironic')).state, 'certificates', `${uuid}.crt`),
        'utf8',
      );
      expect(storedCert.trim()).to.equal(readFileSync(join(agent.stateDir, 'agent.crt'), 'utf8').trim());
      expect(readFileSync(ironic.logFile, 'utf8')).to.match(
        new RegExp(`Agent command deploy.execute_deploy_step for node ${uuid} returned [^\\n]*HTTP status code 200`),
      );
      const status = await verifiedGet(`https://${agent.address}/v1/status`, storedCert);
      expect(status.status).to.equal(200);
      expect(status.body).to.have.property('version').that.is.a('string');
      const plain = await fetch(`http://${agent.address}/v1/status`, { signal: AbortSignal.timeout(5000) }).then(
        (r) => `HTTP ${r.status}`,
        (e: unknown) => String(e),
      );
      expect(plain, 'plain HTTP is refused').not.to.match(/^HTTP /);

      const health = await podmanInNode(testNode, ['healthcheck', 'run', agent.name], podman.env);
      expect(health.exitCode, `podman healthcheck run: ${health.stdout}${health.stderr}`).to.equal(0);

      // What the container saw: the node's NIC and only the node's disks. The image has no ls, grep or cut:
      // its node lists sysfs and /dev, and its ip lists the links.
      const listing = await podmanInNode(
        testNode,
        [
          'exec',
          agent.name,
          '/usr/local/bin/node',
          '-e',
          "const { readdirSync: ls } = require('node:fs'); const dev = /^(loop[0-9]+|[sv]d[a-z]+|nvme[0-9]+n[0-9]+)$/;" +
            "console.log([...ls('/sys/class/net'), ...ls('/sys/block'), ...ls('/dev').filter((n) => dev.test(n))].join('\\n'))",
        ],
        podman.env,
      );
      const links = await podmanInNode(testNode, ['exec', agent.name, 'ip', '-o', 'link'], podman.env);
      const [nets, disks] = [['eth0', 'lo'], testNode.disks.map((d) => d.name)];
      expect(listing.exitCode, listing.stderr).to.equal(0);
      expect(links.exitCode, links.stderr).to.equal(0);
      expect(
        [
          ...listing.stdout.trim().split('\n'),
          ...links.stdout
            .trim()
            .split('\n')
            .map((line) => (line.split(':')[1] ?? '').split('@')[0] ?? ''),
        ]
          .map((line) => line.trim())
          .sort(),
      ).to.deep.equal([...nets, ...nets, ...disks, ...disks].sort());

      const token = (
        JSON.parse(readFileSync(join(agent.stateDir, 'agent-state.json'), 'utf8')) as { agentToken: string }
      ).agentToken;
      const log = agent.process.readLog();
      expect(token).to.have.length.greaterThanOrEqual(32);
      expect(log).to.contain('Installed CoreOS');
      expect(log).not.to.contain(token);
      expect(log).not.to.contain(PASSWORD_HASH);
      expect(existsSync(join(host!.root, 'tmp/ironic.ign')), 'the Ignition file in the host root is removed').to.equal(
        false,
      );
    });
  });
});
