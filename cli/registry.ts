/**
 * Static registry of subcommands: adding one is one line. Modules are loaded
 * only when their command runs (or for --help), so `agent` starts without
 * loading the ISO or Ignition code.
 */
import type { Subcommand } from '../common/cli/types.js';

/** A registered subcommand: its name and how to load it. */
export interface SubcommandEntry {
  readonly name: string;
  readonly load: () => Promise<Subcommand>;
}

/** Every subcommand, in help order. */
export const subcommands: readonly SubcommandEntry[] = [
  { name: 'agent', load: async () => (await import('../agent/main.js')).agentSubcommand },
  { name: 'hints', load: async () => (await import('../agent/hints-cli.js')).hintsCommand },
  { name: 'ignition', load: async () => (await import('../ignition/build/cli.js')).ignitionCommand },
  { name: 'iso', load: async () => (await import('../iso/cli.js')).isoCommand },
  { name: 'pxe', load: async () => (await import('../iso/cli.js')).pxeCommand },
  { name: 'reprovision', load: async () => (await import('../reprovision/cli.js')).reprovisionCommand },
  { name: 'fleet', load: async () => (await import('../fleet/cli.js')).fleetCommand },
];
