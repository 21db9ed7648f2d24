/**
 * Agent boots for a deployed fleet (testbed/fleet-deploy.ts) whose nodes
 * Ironic rebuilds: a node Ironic powered off runs nothing, so the agents left
 * from the deploy are stopped; then every time Ironic powers a node on and
 * waits for its ramdisk (the first `wait call-back` of a deploy), a fresh agent
 * boots on it, as a PXE boot would give. Used by the `fleet apply` e2e suite.
 */
import { join } from 'node:path';
import { startAgent } from './agent.js';
import type { FleetMember } from './fleet-deploy.js';
import { ProvisionWatcher } from './fleet-watch.js';
import type { IronicTestbed } from './ironic.js';

/** States in which the node is not deploying: the next `wait call-back` is a new boot. */
const SETTLED: readonly string[] = ['active', 'available', 'manageable', 'deploy failed', 'clean failed', 'error'];

/** The boots served; {@link FleetBoots.stop} always. */
export interface FleetBoots {
  /** Agent boots per node name since {@link serveFleetBoots}. */
  readonly boots: ReadonlyMap<string, number>;
  /** Why an agent could not start, per node name. */
  readonly errors: ReadonlyMap<string, string>;
  /** Stop watching (the last agents keep running until the fleet is destroyed). */
  stop(): Promise<void>;
}

/**
 * Stop the members' agents, then boot a fresh one on the first `wait call-back` of each deploy.
 * @param dir - where each boot's agent directory is made (`<dir>/<name>/boot-<n>`)
 */
export async function serveFleetBoots(
  testbed: IronicTestbed,
  members: readonly FleetMember[],
  dir: string,
): Promise<FleetBoots> {
  for (const member of members) await member.agent?.process.stop();
  const boots = new Map<string, number>();
  const errors = new Map<string, string>();
  const pending: Promise<void>[] = [];
  const byUuid = new Map(members.map((m) => [m.uuid, m]));
  const poweredOn = new Set<string>();
  const boot = async (member: FleetMember): Promise<void> => {
    await member.agent?.process.stop();
    const count = (boots.get(member.name) ?? 0) + 1;
    boots.set(member.name, count);
    member.agent = await startAgent(member.node, {
      apiUrl: testbed.url,
      dir: join(dir, member.name, `boot-${count}`),
      rootMount: member.host.root,
      extraArgs: ['--use-json'],
    });
  };
  const watcher = new ProvisionWatcher(
    testbed.api,
    members.map((m) => m.uuid),
    {
      onChange: (uuid, change) => {
        const member = byUuid.get(uuid);
        // Ironic powers the node on once per deploy, then waits for the ramdisk (`wait call-back`); it
        // enters that state again while the agent runs an asynchronous deploy step, with the same agent.
        if (SETTLED.includes(change.state)) poweredOn.delete(uuid);
        if (member === undefined || change.state !== 'wait call-back' || poweredOn.has(uuid)) return;
        poweredOn.add(uuid);
        pending.push(
          boot(member).catch((error: unknown) => {
            errors.set(member.name, error instanceof Error ? error.message : String(error));
          }),
        );
      },
    },
  );
  await watcher.start();
  return {
    boots,
    errors,
    stop: async () => {
      await watcher.stop();
      await Promise.allSettled(pending);
    },
  };
}
