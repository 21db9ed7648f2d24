/** Static registry of subcommands: adding one is one import and one line. */
import type { Subcommand } from './types.js';
import { isoCommand, pxeCommand } from '../iso/cli.js';

/** Every subcommand, in help order. */
export const subcommands: readonly Subcommand[] = [
  isoCommand, pxeCommand,
];
