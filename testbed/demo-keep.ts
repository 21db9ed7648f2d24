/**
 * `demo --keep` after the scripted flows: the node keeps "booting the agent
 * ramdisk" whenever Ironic needs it, so the user can go on with the real
 * `baremetal` CLI (undeploy, which cleans; deploy again). With fake power
 * there is no machine to boot, so this watches the node's provision state:
 * an agent boot (a fresh agent process with a fresh state dir, as a new boot
 * has) starts when Ironic waits for an agent, and stops when the node
 * settles (after cleaning Ironic powers it off; after a deploy it runs its
 * own OS).
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { baremetalCommand, demoDeployArgs } from './demo-flows.js';
import { layout } from './ironic-settings.js';

/**
 * Provision states in which Ironic has booted, or is about to boot, the
 * agent ramdisk and waits for its lookup and heartbeats (the states Ironic's
 * lookup accepts without fast track).
 */
export const AGENT_STATES: readonly string[] = [
  'cleaning',
  'clean wait',
  'deploying',
  'wait call-back',
  'inspecting',
  'inspect wait',
  'rescuing',
  'rescue wait',
  'servicing',
  'service wait',
];

/** A running agent boot. */
export interface AgentBoot {
  stop(): Promise<void>;
}

/** What {@link keepAgentBooting} needs. */
export interface KeepOptions {
  /** The node's current provision state. */
  provisionState: () => Promise<string>;
  /** Start agent boot number `n` (1, 2, ...). */
  boot: (n: number) => Promise<AgentBoot>;
  say: (text: string) => void;
  /** Ends the loop; the running boot is stopped. */
  signal: AbortSignal;
  /** Poll interval. Default 500 ms. */
  intervalMs?: number;
}

/**
 * Boot an agent whenever the node enters an {@link AGENT_STATES} state, and
 * stop it when the node leaves them, until `signal` aborts.
 * @returns once aborted, with every boot stopped
 */
export async function keepAgentBooting(options: KeepOptions): Promise<void> {
  let running: AgentBoot | null = null;
  let boots = 0;
  let last = '';
  try {
    while (!options.signal.aborted) {
      let state: string;
      try {
        state = await options.provisionState();
      } catch (error) {
        // Ironic restarting or busy: say so once and ask again.
        if (last !== 'error')
          options.say(
            `Cannot read the node's state (${error instanceof Error ? error.message : String(error)}); retrying`,
          );
        last = 'error';
        await sleep(options.intervalMs ?? 500, undefined, { signal: options.signal }).catch(() => undefined);
        continue;
      }
      const wanted = AGENT_STATES.includes(state);
      if (wanted && running === null) {
        boots += 1;
        options.say(`Ironic moved the node to "${state}": the node boots the agent (boot ${boots})`);
        running = await options.boot(boots);
      } else if (!wanted && running !== null) {
        await running.stop();
        running = null;
        options.say(`The node is "${state}": agent boot ${boots} is over (the node powered off or runs its own OS)`);
      } else if (state !== last && !wanted) {
        options.say(`The node is "${state}"`);
      }
      last = state;
      await sleep(options.intervalMs ?? 500, undefined, { signal: options.signal }).catch(() => undefined);
    }
  } finally {
    await running?.stop();
  }
}

/** The commands `--keep` prints: undeploy (cleaning), a new deploy, and where to look. */
export function keepInstructions(dir: string, namespace: string): string[] {
  return [
    `. ${layout(dir).envSh}                  # the test bed's Ironic for the baremetal CLI`,
    'baremetal node undeploy demo-node       # Ironic cleans the node (erase_devices_metadata) through a new agent boot',
    `${baremetalCommand(['node', 'deploy', 'demo-node', ...demoDeployArgs()])}`,
    'baremetal node show demo-node -f value -c provision_state -c last_error',
    `ip netns exec ${namespace} ip addr      # the node's network`,
    `tail -f ${join(layout(dir).log, 'ironic.log')}`,
  ];
}
