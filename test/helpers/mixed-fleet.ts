/**
 * The fleet of the combined `fleet apply` e2e suite: test-bed SSH nodes
 * (./ssh-fleet.ts) and two workers behind a test-bed Ironic
 * (./ironic-fleet.ts), the first `method: ironic`, the second `method: auto`
 * with an SSH address where nothing listens (it falls back to Ironic), all in
 * one fleet file.
 */
import { join } from 'node:path';
import type { FleetMember } from '../../testbed/fleet-deploy.js';
import type { IronicSuite } from '../../testbed/ironic-suites.js';
import { buildIronicFleet, type IronicFleet } from './ironic-fleet.js';
import { buildSshFleet, type SshFleet, type SshFleetNodeSpec } from './ssh-fleet.js';

/** What {@link buildMixedFleet} needs. */
export interface MixedFleetOptions {
  /** The test's directory (the caller removes it). */
  readonly dir: string;
  /** The recent ostree wrapper's directory (see nodeOstreeOrSkip); removed at destroy(). */
  readonly ostreeDir: string;
  readonly sshNodes: readonly SshFleetNodeSpec[];
  readonly suite: IronicSuite;
  /** A deadline for a stuck Ironic deploy, not a speed requirement. */
  readonly deployTimeoutMs: number;
  /** The Ironic workers' `timeoutSeconds` in the fleet file. */
  readonly ironicTimeoutSeconds: number;
}

/** Both sides; always call {@link MixedFleet.destroy}. */
export interface MixedFleet {
  readonly ssh: SshFleet;
  readonly ironic: IronicFleet;
  /** The Ironic worker with `method: ironic`. */
  readonly direct: FleetMember;
  /** The Ironic worker with `method: auto` whose SSH refuses. */
  readonly fallback: FleetMember;
  /** Write the fleet file (SSH nodes first, then the Ironic workers) and return its path. */
  writeFleetFile(spec: {
    concurrency: number;
    timeoutSeconds: number;
    overrides?: Record<string, Record<string, unknown>>;
  }): string;
  /** Print the Ironic agents' logs when `failed`, then remove everything. */
  destroy(failed: boolean): Promise<void>;
}

/** Build the SSH nodes, then Ironic and its two `active` workers; on failure whatever was built is removed. */
export async function buildMixedFleet(options: MixedFleetOptions): Promise<MixedFleet> {
  const ssh = await buildSshFleet({
    dir: options.dir,
    ostreeDir: options.ostreeDir,
    cleanupDirs: [options.ostreeDir],
    nodes: options.sshNodes,
  });
  let ironic: IronicFleet;
  try {
    ironic = await buildIronicFleet({
      dir: join(options.dir, 'ironic'),
      tag: 'fmix',
      suite: options.suite,
      size: 2,
      deployTimeoutMs: options.deployTimeoutMs,
    });
  } catch (error) {
    await ssh.destroy().catch((e: unknown) => console.log(`fleet cleanup: ${String(e)}`));
    throw error;
  }
  const [direct, fallback] = ironic.members as [FleetMember, FleetMember];
  const timeoutSeconds = options.ironicTimeoutSeconds;
  return {
    ssh,
    ironic,
    direct,
    fallback,
    writeFleetFile: (spec) =>
      ssh.writeFleetFile({
        ...spec,
        ironicEndpoint: ironic.testbed.url,
        extraNodes: [
          ironic.entry(direct, { method: 'ironic', timeoutSeconds }),
          // The node's own address, where nothing listens on port 22: ssh cannot connect.
          ironic.entry(fallback, {
            method: 'auto',
            ssh: { address: fallback.node.nodeIp, user: 'core', key: ssh.client.key },
            timeoutSeconds,
          }),
        ],
      }),
    destroy: async (failed) => {
      await ironic.destroy(failed);
      await ssh.destroy().catch((e: unknown) => console.log(`fleet cleanup: ${String(e)}`));
    },
  };
}
