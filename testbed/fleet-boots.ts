/**
 * Agent boots for a deployed fleet (testbed/fleet-deploy.ts) whose nodes
 * Ironic rebuilds: a node Ironic powered off runs nothing, so the agents left
 * from the deploy are stopped; then every time Ironic powers a node on and
 * waits for its ramdisk (`wait call-back`), a fresh agent boots on it, as a
 * PXE boot would give. Used by the `fleet apply` e2e suite.
 */
import { join } from 'node:path';
import { startAgent } from './agent.js';
import type { FleetMember } from './fleet-deploy.js';
import { ProvisionWatcher } from './fleet-watch.js';
import type { IronicTestbed } from './ironic.js';

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
 * Stop the members' agents, then boot a fresh one on each entry into `wait call-back`.
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
  const states = new Map<string, string>();
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
        // A change is any field (power state too): boot on entering the state only, not on each change within it.
        const entered = change.state === 'wait call-back' && states.get(uuid) !== 'wait call-back';
        states.set(uuid, change.state);
        if (member === undefined || !entered) return;
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
