/**
 * The Ironic side of the `fleet apply` e2e suites: a test-bed Ironic with
 * nodes deployed `active` through it (this agent and the coreos-installer
 * double, testbed/fleet-deploy.ts) and a fresh agent boot whenever Ironic
 * rebuilds one (testbed/fleet-boots.ts); the config each node is rebuilt
 * with, and what the node's own disk holds afterwards.
 */
import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { configSha256 } from '../../ignition/hash.js';
import { testbedAddresses } from '../../testbed/addresses.js';
import { findBootPartition, readBootFile } from '../../testbed/boot-partition.js';
import { serveFleetBoots, type FleetBoots } from '../../testbed/fleet-boots.js';
import { Fleet, type FleetMember } from '../../testbed/fleet-deploy.js';
import type { IronicSuite } from '../../testbed/ironic-suites.js';
import { IronicTestbed } from '../../testbed/ironic.js';

/** What {@link buildIronicFleet} needs. */
export interface IronicFleetOptions {
  /** The test's directory (the caller removes it). */
  readonly dir: string;
  /** Test-bed tag of the nodes' names (1–6 letters or digits). */
  readonly tag: string;
  readonly suite: IronicSuite;
  readonly size: number;
  /** A deadline for a stuck deploy, not a speed requirement. */
  readonly deployTimeoutMs: number;
}

/** Per node name: [agent boots since the deploy, installer calls with a config, provision state]. */
export type IronicFacts = Map<string, [number, number, string]>;

/** The started Ironic and its `active` nodes; always call {@link IronicFleet.destroy}. */
export interface IronicFleet {
  readonly testbed: IronicTestbed;
  readonly members: readonly FleetMember[];
  readonly names: readonly string[];
  /** The agent boots of rebuilds since the deploy. */
  readonly boots: FleetBoots;
  /** The member's fleet-file entry (a worker, its {@link rebuildConfig}), with `extra` fields. */
  entry(member: FleetMember, extra: Record<string, unknown>): Record<string, unknown>;
  /** What each node's test-bed files and Ironic say now. */
  facts(): Promise<IronicFacts>;
  /** The sha256 of the node's rebuild config as the fleet reads it. */
  desiredSha256(name: string): string;
  /** Print the agents' logs when `failed`, then stop everything. */
  destroy(failed: boolean): Promise<void>;
}

/** Start Ironic, deploy `size` nodes to `active`, then serve an agent boot per rebuild. On failure all is removed. */
export async function buildIronicFleet(options: IronicFleetOptions): Promise<IronicFleet> {
  const { dir, tag, suite } = options;
  mkdirSync(dir, { recursive: true });
  const testbed = new IronicTestbed({ tag, suite });
  let fleet: Fleet | undefined;
  let boots: FleetBoots | undefined;
  const destroy = async (failed: boolean): Promise<void> => {
    if (failed) {
      for (const member of fleet?.members ?? []) {
        console.log(`--- ${member.name} agent log (last lines) ---`);
        console.log((member.agent?.process.readLog() ?? '(no agent)').split('\n').slice(-30).join('\n'));
      }
    }
    await boots?.stop().catch((e: unknown) => console.log(`boots: ${String(e)}`));
    await fleet?.destroy().catch((e: unknown) => console.log(`fleet cleanup: ${String(e)}`));
    await testbed.stop().catch((e: unknown) => console.log(`ironic cleanup: ${String(e)}`));
  };
  try {
    await testbed.start({
      dir: join(dir, 'ironic'),
      hostIp: testbedAddresses(tag, 0, process.pid).hostIp,
      automatedClean: false,
      port: 0,
    });
    fleet = await Fleet.create({ testbed, size: options.size, tag, dir });
    const deployed = await fleet.deploy(options.deployTimeoutMs);
    const errors = JSON.stringify(deployed.nodes.map((n) => n.lastError));
    expect(
      deployed.nodes.map((n) => n.finalState),
      errors,
    ).to.deep.equal(fleet.members.map(() => 'active'));
    boots = await serveFleetBoots(testbed, fleet.members, join(dir, 'rebuild'));
  } catch (error) {
    await destroy(true);
    throw error;
  }
  const { members } = fleet;
  const served = boots;
  const configPath = (name: string): string => join(dir, `${name}.ign`);
  for (const m of members) writeFileSync(configPath(m.name), JSON.stringify(rebuildConfig(m.name)));
  const facts = async (): Promise<IronicFacts> => {
    const all: IronicFacts = new Map();
    for (const m of members) {
      const installs = m.host.calls().filter((call) => call === rebuildInstall(m)).length;
      const node = await testbed.nodeShow(m.uuid);
      all.set(m.name, [served.boots.get(m.name) ?? 0, installs, node.provision_state]);
    }
    return all;
  };
  return {
    testbed,
    members,
    names: members.map((m) => m.name),
    boots,
    entry: (m, extra) => ({
      name: m.name,
      role: 'worker',
      config: configPath(m.name),
      ironic: { node: m.uuid },
      ...extra,
    }),
    facts,
    desiredSha256: (name) => configSha256(readFileSync(configPath(name), 'utf8')),
    destroy,
  };
}

/** The config a node is rebuilt with: its own file, so each disk proves its own config. */
export function rebuildConfig(name: string): { ignition: { version: string }; storage: { files: unknown[] } } {
  return {
    ignition: { version: '3.4.0' },
    storage: { files: [{ path: '/etc/rebuilt-by-fleet', mode: 420, contents: { source: `data:,${name}` } }] },
  };
}

/** The installer call of a rebuild with the config (the coreos-installer double's record). */
export function rebuildInstall(member: FleetMember): string {
  return `install --preserve-on-error --ignition-file /tmp/ironic.ign --offline ${member.node.disks[0]!.device} `;
}

/**
 * The storage files (each as JSON) of the Ignition config on the member's own
 * disk (`/ignition/config.ign` of its boot partition).
 * @throws Error with the installer's calls and the partition's listing when there is none
 */
export async function diskConfigFiles(member: FleetMember): Promise<string[]> {
  const disk = member.node.disks[0]!.device;
  const ignition = await readBootFile(disk, '/ignition/config.ign').catch(async (error: unknown) => {
    const partition = await findBootPartition(disk);
    const { stdout } = await new ExecaRunner().run(['debugfs', '-R', 'ls -l /', partition]);
    throw new Error(
      `${member.name}: ${String(error)}; calls ${JSON.stringify(member.host.calls())}; / holds:\n${stdout}`,
    );
  });
  return (JSON.parse(ignition.text) as { storage: { files: unknown[] } }).storage.files.map((f) => JSON.stringify(f));
}
