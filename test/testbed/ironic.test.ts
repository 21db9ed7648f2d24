/**
 * The real standalone Ironic (and ironic-inspector where Debian ships it) of the
 * test bed, for every release of ICA_IRONIC_SUITES (21.4 from the machine, 29
 * and 35 from debootstrapped roots), driven by the real `baremetal` CLI of that
 * release and the REST API, with a confined test node on the other side of a
 * veth. Needs root and the Debian packages (and debootstrap for a root not
 * built yet); skipped otherwise. Ironic is started once per release.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbedAddresses } from '../../testbed/addresses.js';
import { waitFor } from '../../testbed/agent.js';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { liveCommandLine, readPid } from '../../testbed/daemon.js';
import { isLocalAddress, isPortFree } from '../../testbed/host.js';
import type { IronicSuite } from '../../testbed/ironic-suites.js';
import { describeEachIronic } from '../helpers/each-ironic.js';
import { layout } from '../../testbed/ironic-settings.js';
import { IronicTestbed } from '../../testbed/ironic.js';
import { TestNode } from '../../testbed/node.js';

/** PIDs of live processes whose command line names `text`. */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => pid !== process.pid && liveCommandLine(pid)?.includes(text) === true);
}

/** A minimal IPA-style inspection payload for a node with `mac` and the given disks. */
function inspectionPayload(mac: string, ip: string, disks: ReadonlyArray<{ device: string; sizeGiB: number }>): string {
  const blockDevices = disks.map((d) => ({
    name: d.device,
    model: 'loop',
    size: d.sizeGiB * 1024 ** 3,
    rotational: false,
    serial: null,
    vendor: null,
    wwn: null,
    hctl: null,
    by_path: null,
  }));
  return JSON.stringify({
    inventory: {
      interfaces: [{ name: 'eth0', mac_address: mac, ipv4_address: ip, has_carrier: true, lldp: null }],
      cpu: { model_name: 'Test bed CPU', frequency: '2000', count: 2, architecture: 'x86_64', flags: ['fpu'] },
      memory: { total: 4 * 1024 ** 3, physical_mb: 4096 },
      disks: blockDevices,
      boot: { current_boot_mode: 'bios', pxe_interface: mac },
      system_vendor: { product_name: 'testbed', serial_number: 'tb-0001', manufacturer: 'ironic-coreos-agent' },
      bmc_address: null,
      hostname: 'tb-node',
    },
    root_disk: blockDevices[0],
    boot_interface: mac,
  });
}

/** A stand-in for an agent's API: logs "METHOD path" (no query, so no token) and answers 500 with a faultstring. */
const PROBE_SERVER = `
import http.server, json, socketserver, sys
class Probe(http.server.BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length:
            self.rfile.read(length)
        print(self.command, self.path.split('?')[0], flush=True)
        body = json.dumps({'faultcode': 'Server', 'faultstring': 'testbed probe: no agent here'}).encode()
        self.send_response(500)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = answer
    def log_message(self, *args):
        pass
socketserver.TCPServer.allow_reuse_address = True
socketserver.TCPServer((sys.argv[1], int(sys.argv[2])), Probe).serve_forever()
`;

/** Look up and heartbeat once, as an agent would; prints only the node UUID and the heartbeat status. */
const LOOKUP_AND_HEARTBEAT = `
set -eu
lookup=$(curl -sS -f -m 10 -H 'X-OpenStack-Ironic-API-Version: 1.62' "$1/v1/lookup?addresses=$2")
uuid=$(printf '%s' "$lookup" | jq -r .node.uuid)
token=$(printf '%s' "$lookup" | jq -r .config.agent_token)
status=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \\
  -H 'X-OpenStack-Ironic-API-Version: 1.68' "$1/v1/heartbeat/$uuid" \\
  -d "{\\"callback_url\\": \\"$3\\", \\"agent_token\\": \\"$token\\", \\"agent_version\\": \\"9.4.1\\"}")
echo "$uuid $status"
`;

/** The newest operator API microversion of each release (GET / → default_version.version). */
const MAX_API_VERSION: Record<IronicSuite, string> = { bookworm: '1.82', trixie: '1.96', forky: '1.111' };

describeEachIronic(
  "testbed/ironic (real standalone Ironic + ironic-inspector or Ironic's own inspection)",
  function (ironic) {
    this.timeout(300_000);
    const addresses = testbedAddresses('tb', 0, process.pid);
    const inspectedMac = testbedAddresses('tb', 1, process.pid).mac;
    const testbed = new IronicTestbed({ tag: 'tb', suite: ironic.suite });
    const withInspector = ironic.profile.inspection === 'inspector';
    let dir = '';
    let node: TestNode | undefined;
    let failed = false;

    before(async function () {
      dir = mkdtempSync(join(tmpdir(), 'tb-ironic-'));
      // Ironic first: its address is not on any interface yet, so the test bed anchors it.
      // The probe below answers on plain http: Ironic 29 and 35 refuse that by default.
      await testbed.start({ dir, hostIp: addresses.hostIp, inspector: withInspector, port: 0, requireTls: false });
      node = await TestNode.create({ tag: 'tb', ...addresses, disksGiB: [5, 8] });
    });

    afterEach(function () {
      if (this.currentTest?.state === 'failed') failed = true;
    });

    after(async () => {
      await testbed.stop();
      await node?.destroy();
      if (dir === '') return;
      if (failed) console.warn(`    kept the test bed directory for debugging: ${dir} (logs in ${join(dir, 'log')})`);
      else rmSync(dir, { recursive: true, force: true });
    });

    const live = (): TestNode => {
      if (node === undefined) throw new Error('test node not created');
      return node;
    };

    it(`answers GET / with API ${MAX_API_VERSION[ironic.suite]} on the host address and lists fake-hardware`, async () => {
      const root = await testbed.api.get<{ default_version: { version: string } }>('/');
      const drivers = await testbed.baremetal(['driver', 'list', '-f', 'json']);

      expect(testbed.url).to.equal(`http://${addresses.hostIp}:${testbed.settings.port}`);
      expect(testbed.ironicVersion).to.match(new RegExp(`^${ironic.profile.series.replace('.', '\\.')}\\.\\d+$`));
      expect(root.data.default_version.version).to.equal(MAX_API_VERSION[ironic.suite]);
      expect(drivers.exitCode, drivers.stderr).to.equal(0);
      // python3-ironicclient 6.3 (forky) prints the field name, older ones the column label
      const names = (JSON.parse(drivers.stdout) as Array<{ 'Supported driver(s)'?: string; name?: string }>).map(
        (d) => d['Supported driver(s)'] ?? d.name,
      );
      expect(names, drivers.stdout).to.include('fake-hardware');
    });

    it('writes private config files and records the PIDs of the services', () => {
      const p = layout(dir);

      for (const file of withInspector ? [p.ironicConf, p.inspectorConf] : [p.ironicConf])
        expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(readFileSync(p.ironicConf, 'utf8')).to.contain(`host_ip = ${addresses.hostIp}\n`);
      expect(liveCommandLine(readPid(p.ironicPid) ?? 0)).to.contain(`ironic --config-file ${p.ironicConf}`);
      if (withInspector)
        expect(liveCommandLine(readPid(p.inspectorPid) ?? 0)).to.contain(
          `ironic-inspector --config-file ${p.inspectorConf}`,
        );
    });

    it('every option in the rendered ironic.conf is one this Ironic registers (oslo-config-validator)', async () => {
      const namespaces = [
        'ironic',
        'oslo.db',
        'oslo.log',
        'oslo.policy',
        'oslo.concurrency',
        'oslo.service.service',
        'oslo.messaging',
      ];
      const argv = testbed.commandLine([
        'oslo-config-validator',
        '--input-file',
        layout(dir).ironicConf,
        ...namespaces.flatMap((n) => ['--namespace', n]),
      ]);

      const result = await new ExecaRunner().run(argv, { okExitCodes: [0, 1], timeoutMs: 120_000 });

      expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
    });

    it(`a PATCHed node ${ironic.profile.fromHost ? 'keeps no parent_node' : 'becomes its own parent_node (the Debian bug the test bed works around)'}`, async () => {
      const uuid = await testbed.createNode({ name: 'tb-patched', mac: testbedAddresses('tb', 7, process.pid).mac });

      await testbed.api.patch(`/v1/nodes/${uuid}`, [{ op: 'add', path: '/description', value: 'patched' }]);
      const shown = await testbed.api.get<{ description: string; parent_node?: string | null }>(`/v1/nodes/${uuid}`, {
        headers: { 'X-OpenStack-Ironic-API-Version': MAX_API_VERSION[ironic.suite] },
      });
      await testbed.deleteNode(uuid);

      expect(shown.data.description).to.equal('patched');
      // when this fails on trixie or forky, Debian fixed the bug: nodes may be PATCHed again (testbed/README.md)
      expect(shown.data.parent_node).to.equal(ironic.profile.fromHost ? undefined : uuid);
    });

    it('enrols a node and its port, then manage → provide → available, all with the baremetal CLI', async () => {
      const mac = testbedAddresses('tb', 9, process.pid).mac;

      const created = await testbed.baremetal([
        'node',
        'create',
        '--driver',
        'fake-hardware',
        '--deploy-interface',
        'custom-agent',
        '--network-interface',
        'noop',
        '--name',
        'tb-cli',
        '-f',
        'json',
      ]);
      const uuid = (JSON.parse(created.stdout) as { uuid: string }).uuid;
      const port = await testbed.baremetal(['port', 'create', mac, '--node', uuid, '-f', 'json']);
      const manage = await testbed.baremetal(['node', 'manage', uuid, '--wait', '60']);
      const provide = await testbed.baremetal(['node', 'provide', uuid, '--wait', '120']);
      const shown = await testbed.baremetal([
        'node',
        'show',
        uuid,
        '-f',
        'json',
        '-c',
        'provision_state',
        '-c',
        'last_error',
      ]);

      expect(created.exitCode, created.stderr).to.equal(0);
      expect(JSON.parse(port.stdout)).to.include({ address: mac, node_uuid: uuid });
      expect([manage.exitCode, provide.exitCode], manage.stderr + provide.stderr).to.deep.equal([0, 0]);
      expect(JSON.parse(shown.stdout)).to.deep.equal({ provision_state: 'available', last_error: null });
    });

    it('the node namespace reaches the Ironic API on the host end of its veth', async () => {
      const result = await live().exec(['curl', '-sS', '-f', '-m', '10', `${testbed.url}/v1/`]);

      expect(result.exitCode, result.stderr).to.equal(0);
      expect((JSON.parse(result.stdout) as { id: string }).id).to.equal('v1');
    });

    it("Ironic's conductor reaches the node: a heartbeat from the namespace makes it call the callback URL there", async () => {
      const n = live();
      const uuid = await testbed.createNode({ name: 'tb-probe', mac: n.mac });
      await testbed.setProvisionState(uuid, 'manage');
      await testbed.waitForProvisionState(uuid, ['manageable'], 60_000);
      await testbed.setProvisionState(uuid, 'provide');
      await testbed.waitForProvisionState(uuid, ['available'], 60_000);
      const probe = await n.spawnAgent(['/usr/bin/python3', '-c', PROBE_SERVER, n.nodeIp, '9999'], {
        logName: 'probe',
      });

      await testbed.setProvisionState(uuid, 'active');
      await testbed.waitForProvisionState(uuid, ['wait call-back'], 60_000);
      const beat = await n.exec([
        '/bin/sh',
        '-c',
        LOOKUP_AND_HEARTBEAT,
        'sh',
        testbed.url,
        n.mac,
        `http://${n.nodeIp}:9999`,
      ]);
      const failedNode = await testbed.waitForProvisionState(uuid, ['deploy failed'], 60_000);
      await probe.stop();

      expect(beat.stdout.trim(), beat.stderr).to.equal(`${uuid} 202`);
      expect(probe.readLog()).to.contain('POST /v1/commands/');
      expect(failedNode.last_error).to.contain('testbed probe: no agent here');
    });

    it(`inspection through ${withInspector ? 'ironic-inspector' : "Ironic's own agent interface"}: an inventory POSTed from the node ends manageable with properties set`, async () => {
      const n = live();
      const uuid = await testbed.createNode({
        name: 'tb-inspected',
        mac: inspectedMac,
        inspectInterface: ironic.profile.inspection,
      });
      await testbed.setProvisionState(uuid, 'manage');
      await testbed.waitForProvisionState(uuid, ['manageable'], 60_000);

      const inspect = await testbed.baremetal(['node', 'inspect', uuid]);
      await testbed.waitForProvisionState(uuid, ['inspect wait'], 60_000);
      const posted = await n.exec(
        [
          'curl',
          '-sS',
          '-f',
          '-m',
          '30',
          '-w',
          '%{http_code}',
          '-H',
          'Content-Type: application/json',
          '--data-binary',
          '@-',
          testbed.inspectionCallbackUrl,
        ],
        {
          input: inspectionPayload(inspectedMac, n.nodeIp, n.disks),
        },
      );
      const inspected = await testbed.waitForProvisionState(uuid, ['manageable'], 90_000);
      // Ironic 21.4 stores the inventory ironic-inspector hands it just after the node turns manageable
      const inventory = await waitFor(
        'the stored inventory',
        () => testbed.api.get<{ inventory: { cpu: { count: number } } }>(`/v1/nodes/${uuid}/inventory`),
        15_000,
        500,
      );
      const properties = Object.fromEntries(Object.entries(inspected.properties).map(([k, v]) => [k, String(v)]));

      expect(inspect.exitCode, inspect.stderr).to.equal(0);
      // ironic-inspector answers 200, Ironic's /v1/continue_inspection 202; both with the node's UUID
      const status = posted.stdout.slice(-3);
      expect([status, JSON.parse(posted.stdout.slice(0, -3))], posted.stderr).to.deep.equal([
        withInspector ? '200' : '202',
        { uuid },
      ]);
      expect(properties).to.include({ memory_mb: '4096', cpu_arch: 'x86_64', local_gb: '4' });
      // ironic-inspector's scheduler hook sets cpus; of Ironic's own hooks only 35 has one (ironic.inspection.hooks)
      expect(properties['cpus']).to.equal(ironic.suite === 'trixie' ? undefined : '2');
      expect(inspected.last_error).to.equal(null);
      expect(inventory.data.inventory.cpu.count).to.equal(2);
    });

    it('waitForProvisionState fails with the node state, last_error and the tail of ironic.log', async () => {
      const uuid = await testbed.createNode({ name: 'tb-waiting', mac: testbedAddresses('tb', 8, process.pid).mac });

      const error = await testbed.waitForProvisionState(uuid, ['active'], 1000).then(
        () => undefined,
        (e: unknown) => e as Error,
      );

      expect(error?.message).to.match(/timed out after 1000 ms while waiting for "active": provision_state="enroll"/);
      expect(error?.message)
        .to.contain('last_error=null')
        .and.contain(`--- last lines of ${join(dir, 'log', 'ironic.log')} ---`);
    });

    it('restart() applies new settings and keeps the database', async () => {
      const before = readPid(layout(dir).ironicPid);

      await testbed.restart({ heartbeatTimeout: 77 });

      expect(readPid(layout(dir).ironicPid)).to.not.equal(before);
      expect(readFileSync(layout(dir).ironicConf, 'utf8')).to.contain('ramdisk_heartbeat_timeout = 77\n');
      expect((await testbed.nodeShow('tb-cli')).provision_state).to.equal('available');
    });

    it('stop() ends the services by PID (with every process of theirs), frees their ports and removes the address anchor; a second stop is a no-op', async () => {
      const p = layout(dir);
      const pids = [readPid(p.ironicPid), readPid(p.inspectorPid)].filter((pid) => pid !== undefined);
      const { port, inspectorPort } = testbed.settings;

      await testbed.stop();
      await testbed.stop();

      expect(pids.map((pid) => liveCommandLine(pid))).to.deep.equal(pids.map(() => undefined));
      expect(
        processesMentioning(dir),
        'no process of this test bed is left (cotyledon workers included)',
      ).to.deep.equal([]);
      // the node's veth still carries the host address, so the ports can be probed there
      expect(await isPortFree(addresses.hostIp, port)).to.equal(true);
      expect(await isPortFree(addresses.hostIp, inspectorPort)).to.equal(true);
      await node?.destroy();
      node = undefined;
      expect(isLocalAddress(addresses.hostIp)).to.equal(false);
    });
  },
);
