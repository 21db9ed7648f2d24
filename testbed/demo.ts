/**
 * The demo: a real standalone Ironic, one confined test node with three
 * sparse loop disks (5, 8 and 12 GiB), the node enrolled and made available,
 * then the agent under test booting on it for automated cleaning and for an
 * install_coreos deploy (testbed/demo-flows.ts), with a readable narrative of
 * every provision state on the way and the installed Ignition at the end.
 *
 *   sudo npm run demo                     # build, run, then clean everything up
 *   sudo npx tsx testbed/demo.ts --keep   # then keep Ironic and the node until Ctrl-C, booting the agent
 *                                         # whenever Ironic needs it (undeploy, deploy again); logs are kept
 *
 * Nothing here pretends to be an agent or Ironic; only coreos-installer and
 * systemctl are doubles inside the agent's host root.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { testbedAddresses } from './addresses.js';
import { testbedUnavailableReason } from './host.js';
import { layout } from './ironic-settings.js';
import { IronicTestbed } from './ironic.js';
import { runAgentFlows } from './demo-flows.js';
import { keepAgentBooting, keepInstructions } from './demo-keep.js';
import { TestNode } from './node.js';

const started = Date.now();

/** One narrative line with the seconds since the demo started. */
function say(text: string): void {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${text}`);
}

/** Poll the node, narrating every provision/power state change, until it reaches one of `states`. */
async function narrateUntil(
  testbed: IronicTestbed,
  uuid: string,
  states: readonly string[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  let last = '';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const node = await testbed.nodeShow(uuid);
    const now = `${node.provision_state}${node.target_provision_state === null ? '' : ` → ${node.target_provision_state}`} (power: ${String(node.power_state)})`;
    if (now !== last) say(`   node is ${now}`);
    last = now;
    if (states.includes(node.provision_state) && node.target_provision_state === null) return;
    if (Date.now() > deadline) {
      await testbed.waitForProvisionState(uuid, states, 0); // throws with last_error and the log tail
      return;
    }
    await sleep(300, undefined, { signal });
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { keep: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log(
      'usage: npx tsx testbed/demo.ts [--keep]\n  --keep  then keep Ironic and the node running until Ctrl-C, booting the agent whenever Ironic\n' +
        '          needs it (baremetal node undeploy, a new deploy), and keep the logs',
    );
    return 0;
  }
  const unavailable = testbedUnavailableReason();
  if (unavailable !== undefined) {
    console.error(`The demo cannot run here: ${unavailable}`);
    return 2;
  }

  // Ctrl-C (or SIGTERM) stops the narrative at the next poll; the finally block then cleans up.
  const interrupt = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => interrupt.abort());

  const addresses = testbedAddresses('demo', 0, process.pid);
  const dir = mkdtempSync(join(tmpdir(), 'demo-ironic-'));
  const testbed = new IronicTestbed({ tag: 'demo' });
  let node: TestNode | undefined;
  const deferred: (() => Promise<void>)[] = [];
  try {
    say(`Starting a real standalone Ironic 21.4 on ${addresses.hostIp} (config, sqlite and logs in ${dir})`);
    await testbed.start({ dir, hostIp: addresses.hostIp });
    say(`Ironic answers at ${testbed.url} and lists the fake-hardware driver`);

    say('Creating the test node: a network namespace, a veth link and three sparse loop disks');
    node = await TestNode.create({ tag: 'demo', ...addresses, disksGiB: [5, 8, 12] });
    say(`   namespace ${node.namespace}: eth0 ${node.mac} ${node.nodeIp}, reaches Ironic via ${node.hostIp}`);
    for (const disk of node.disks) say(`   disk ${disk.device}: ${disk.sizeGiB} GiB (sparse file ${disk.image})`);
    const lsblk = await node.exec(['lsblk', '-d', '-n', '-o', 'NAME,SIZE']);
    say(`   inside the confinement lsblk sees only: ${lsblk.stdout.trim().split('\n').join(', ')}`);

    say('Enrolling the node (fake-hardware, custom-agent deploy) with one port for its MAC');
    const uuid = await testbed.createNode({ name: 'demo-node', mac: node.mac });
    say(`   node ${uuid}`);
    say('manage: Ironic verifies the node');
    await testbed.setProvisionState(uuid, 'manage');
    await narrateUntil(testbed, uuid, ['manageable'], 60_000, interrupt.signal);
    say('provide: automated cleaning is off, so the node becomes available without an agent');
    await testbed.setProvisionState(uuid, 'provide');
    await narrateUntil(testbed, uuid, ['available'], 60_000, interrupt.signal);

    say('Agent flows: the agent under test boots on the node for cleaning, then for an install_coreos deploy');
    const flows = await runAgentFlows({
      testbed,
      node,
      uuid,
      nodeName: 'demo-node',
      dir: join(dir, 'boots'),
      say,
      narrateUntil: (states, timeoutMs) => narrateUntil(testbed, uuid, states, timeoutMs, interrupt.signal),
      defer: (cleanup) => deferred.push(cleanup),
    });

    if (values.keep) {
      say('--keep: Ironic and the node stay up until Ctrl-C, and the node boots the agent whenever Ironic needs it.');
      say('Drive it from another shell (as root):');
      for (const line of keepInstructions(dir, node.namespace)) say(`   ${line}`);
      const currentNode = node;
      await keepAgentBooting({
        provisionState: async () => (await testbed.nodeShow(uuid)).provision_state,
        boot: async (n) => {
          const agent = await flows.boot(`keep-${n}`);
          say(
            `   agent boot "keep-${n}" started on ${currentNode.namespace} (pid ${agent.process.pid}, log ${agent.process.logFile})`,
          );
          return {
            stop: async () => {
              await agent.process.stop();
            },
          };
        },
        say,
        signal: interrupt.signal,
      });
    }
    return 0;
  } finally {
    say('Cleaning up: agents, host root, node (namespace, veth, loop disks) and Ironic');
    for (const cleanup of deferred.reverse())
      await cleanup().catch((error: unknown) => console.error('cleanup failed:', error));
    await node
      ?.destroy({ keepDir: values.keep })
      .catch((error: unknown) => console.error('node cleanup failed:', error));
    await testbed.stop().catch((error: unknown) => console.error('Ironic stop failed:', error));
    if (values.keep) say(`Logs kept in ${layout(dir).log} (Ironic) and ${node?.dir ?? '?'} (agents)`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
