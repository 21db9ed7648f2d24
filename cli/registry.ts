/** Static registry of subcommands: adding one is one import and one line. */
import type { Subcommand } from './types.js';
import { agentSubcommand } from '../agent/main.js';
import { isoCommand, pxeCommand } from '../iso/cli.js';
import { ignitionCommand } from '../ignition/cli.js';
import { hintsCommand } from '../agent/hardware/generic/hints-cli.js';

/** Every subcommand, in help order. */
export const subcommands: readonly Subcommand[] = [
  agentSubcommand,
  isoCommand, pxeCommand,
  ignitionCommand,
  hintsCommand,
];
