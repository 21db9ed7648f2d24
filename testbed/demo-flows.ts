/**
 * The demo's agent flows: the agent under test (bin/ironic-coreos-agent)
 * boots on the confined node with a test host root as its /mnt/coreos, first
 * for automated cleaning, then for an install_coreos deploy with a JSON
 * configdrive and root device hints, driven with the real `baremetal` CLI.
 * Each flow is a fresh ramdisk boot that starts once Ironic has powered the
 * node on. Nothing here stands in for the agent or for Ironic; only
 * coreos-installer and systemctl are doubles inside the host root.
 */
import { join } from 'node:path';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import { startAgent, type RunningTestAgent } from './agent.js';
import { readBootFile } from './boot-partition.js';
import { createHostRoot, type HostRoot } from './host-root.js';
import type { IronicTestbed } from './ironic.js';
import type { TestNode } from './node.js';

/** What the flows need from the demo. */
export interface DemoContext {
  testbed: IronicTestbed;
  node: TestNode;
  uuid: string;
  nodeName: string;
  /** Directory for the host root and the agents' state (removed by the demo). */
  dir: string;
  say: (text: string) => void;
  /** Narrate provision states until one of `states` (throws on a failure state or timeout). */
  narrateUntil: (states: readonly string[], timeoutMs: number) => Promise<void>;
  /** Register a cleanup; the demo runs them in reverse order before tearing down the node. */
  defer: (cleanup: () => Promise<void>) => void;
}

const runner = new ExecaRunner();
const ANY_EXIT = Array.from({ length: 256 }, (_, i) => i);

/** The user's Ignition config for the demo deploy (spec 3.4.0). */
const DEMO_IGNITION = {
  ignition: { version: '3.4.0' },
  passwd: {
    users: [
      {
        name: 'core',
        sshAuthorizedKeys: [
          'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIALaBEwuvYD4Ddxb72F9eEBwivlIJ5SmgOK4k6nDoF+u demo@example',
        ],
      },
    ],
  },
};

/** What the flows leave for `--keep`: how to boot the agent again on the node. */
export interface AgentFlows {
  /** Start a fresh agent boot named `name` (its own state dir), with the flows' host root. */
  boot(name: string): Promise<RunningTestAgent>;
}

/** The `baremetal node deploy` arguments of the demo's deploy, after the node name. */
export function demoDeployArgs(): string[] {
  const configDrive = JSON.stringify({ user_data: DEMO_IGNITION, meta_data: { 'local-hostname': 'demo-worker-0' } });
  const steps = JSON.stringify([{ interface: 'deploy', step: 'install_coreos', args: {}, priority: 80 }]);
  return ['--deploy-steps', steps, '--config-drive', configDrive];
}

/** Run cleaning, then the deploy, then show what is on the chosen disk. */
export async function runAgentFlows(ctx: DemoContext): Promise<AgentFlows> {
  const host = await createHostRoot({ dir: join(ctx.dir, 'hostroot') });
  ctx.defer(() => host.destroy());
  host.addOsmet();
  ctx.say(
    `The agent's /mnt/coreos: ${host.root} (an overlay of / with the coreos-installer double and a systemctl stand-in)`,
  );
  await clean(ctx, host);
  await deploy(ctx, host);
  return { boot: (name) => boot(ctx, host, name) };
}

async function boot(ctx: DemoContext, host: HostRoot, name: string): Promise<RunningTestAgent> {
  const agent = await startAgent(ctx.node, {
    apiUrl: ctx.testbed.url,
    dir: join(ctx.dir, name),
    rootMount: host.root,
    logName: name,
  });
  ctx.defer(async () => {
    await agent.process.stop();
  });
  ctx.say(`   agent boot "${name}" started (pid ${agent.process.pid}, log ${agent.process.logFile})`);
  return agent;
}

async function clean(ctx: DemoContext, host: HostRoot): Promise<void> {
  const old = ctx.node.disks[2]!.device;
  await runner.run(['sgdisk', '-n', '1:0:+64M', '-c', '1:old-root', old]);
  await runner.run(['partx', '-a', old], { okExitCodes: [0, 1] });
  await runner.run(['mkfs.ext4', '-q', '-F', '-L', 'old-root', `${old}p1`]);
  ctx.say(
    `An "old OS" on ${old} for cleaning to wipe: ${await signatures(old)}; ${old}p1: ${await signatures(`${old}p1`)}`,
  );
  ctx.say('Restarting Ironic with automated cleaning on (erase_devices_metadata, as Metal3 does)');
  await ctx.testbed.restart({ automatedClean: true });
  ctx.say('manage, then provide: Ironic powers the node on and waits for the agent to run the clean steps');
  await cli(ctx, ['node', 'manage', ctx.nodeName]);
  await ctx.narrateUntil(['manageable'], 60_000);
  await cli(ctx, ['node', 'provide', ctx.nodeName]);
  const agent = await boot(ctx, host, 'clean');
  await ctx.narrateUntil(['available'], 180_000);
  await runner.run(['partx', '-d', old], { okExitCodes: ANY_EXIT });
  const ran = agent.process.readLog().includes('erase_devices_metadata')
    ? 'the agent ran erase_devices_metadata'
    : 'cleaning finished';
  ctx.say(`Cleaning done (${ran}): signatures left on ${old}: ${await signatures(old)}`);
  await agent.process.stop();
  ctx.say('   agent boot "clean" stopped: Ironic powered the node off after cleaning');
}

async function deploy(ctx: DemoContext, host: HostRoot): Promise<void> {
  const [small, chosen] = ctx.node.disks;
  const hints = { size: 8 };
  ctx.say(
    `Deploy: root device hints ${JSON.stringify(hints)} pick ${chosen!.device} (IPA's own guess would be the smallest disk, ${small!.device})`,
  );
  await cli(ctx, ['node', 'set', ctx.nodeName, '--instance-info', `root_device=${JSON.stringify(hints)}`]);
  await cli(ctx, ['node', 'deploy', ctx.nodeName, ...demoDeployArgs()]);
  const started = Date.now();
  const agent = await boot(ctx, host, 'deploy');
  await ctx.narrateUntil(['active'], 120_000);
  ctx.say(`Deployed in ${((Date.now() - started) / 1000).toFixed(1)} s after the agent booted. From the agent's log:`);
  for (const line of agentLines(agent, [
    'Install device chosen',
    'Running coreos-installer',
    'Installed CoreOS',
    'Requesting power action',
  ]))
    ctx.say(`   ${line}`);
  ctx.say(`Power requests the host root's systemctl stand-in recorded: ${host.powerRequests().join('; ') || '(none)'}`);
  const file = await readBootFile(chosen!.device, '/ignition/config.ign');
  ctx.say(
    `${file.partition} (filesystem label "boot") holds /ignition/config.ign, mode ${mode(file.mode)} in a ${mode(file.dirMode)} directory:`,
  );
  console.log(JSON.stringify(JSON.parse(file.text), null, 2));
  await agent.process.stop();
}

/** `baremetal ARGS` as a shell command line (single quotes where needed). */
export function baremetalCommand(args: readonly string[]): string {
  return `baremetal ${args.map((a) => (/^[\w./:=-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(' ')}`;
}

async function cli(ctx: DemoContext, args: string[]): Promise<void> {
  ctx.say(`$ ${baremetalCommand(args)}`);
  const result = await ctx.testbed.baremetal(args);
  if (result.exitCode !== 0)
    throw new Error(`baremetal ${args[0] ?? ''} ${args[1] ?? ''} failed (${result.exitCode}): ${result.stderr.trim()}`);
}

/** wipefs' view of a device: "gpt, PMBR" or "(none)". */
async function signatures(device: string): Promise<string> {
  const { stdout } = await runner.run(['wipefs', '--no-act', '--noheadings', '--output', 'TYPE,LABEL', device], {
    okExitCodes: ANY_EXIT,
  });
  const found = stdout
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().replace(/\s+/, ' label '));
  return found.length === 0 ? '(none)' : [...new Set(found)].join(', ');
}

/** The agent's log lines carrying one of `messages`, without the timestamp. */
function agentLines(agent: RunningTestAgent, messages: readonly string[]): string[] {
  return agent.process
    .readLog()
    .split('\n')
    .filter((line) => messages.some((m) => line.includes(m)))
    .map((line) => line.replace(/^\S+ /, '').slice(0, 220));
}

function mode(bits: number): string {
  return `0${bits.toString(8)}`;
}
