/** The option tables of `reprovision`'s commands and their typed reading. */
import type { OptionTable, OptionValues } from '../common/cli/options.js';
import { UsageError } from '../common/cli/types.js';
import type { Mode } from './state/stamp.js';

/** Options every command has. */
export const TARGET_OPTIONS = {
  sysroot: {
    type: 'string',
    value: 'path',
    help: "The node's root: / on the node (default), the host's / mounted in the agent's container\n(e.g. /mnt/host), or an ostree sysroot that is not running.",
  },
  ostree: {
    type: 'string',
    value: 'program',
    help: "The ostree program to run (default: the node's own; it needs `admin set-default`, ostree since mid-2023).",
  },
} as const satisfies OptionTable;

/** Options of plan and apply. */
export const APPLY_OPTIONS = {
  ...TARGET_OPTIONS,
  mode: {
    type: 'string',
    value: 'firstboot|staged',
    help: "firstboot (default): Ignition applies the config in the initrd at the next boot.\nstaged: Ignition's stages run now into the new deployment; no initrd run.",
  },
  keep: { type: 'string', multiple: true, value: 'path', help: 'A path under /var that survives (repeatable).' },
  backup: {
    type: 'string',
    value: 'dir',
    help: "Where /etc and /var are tarred first (default: in /var's state directory).",
  },
  'no-backup': { type: 'boolean', help: 'Take no backup (rollback then needs the old /var while it is kept).' },
  force: { type: 'boolean', help: "Abandon another config's unfinished reprovision and start over with this one." },
  ignition: {
    type: 'string',
    value: 'program',
    help: 'The Ignition binary for staged mode (default: the one the node or this machine has).',
  },
} as const satisfies OptionTable;

/** `apply` adds `--now`. */
export const APPLY_NOW_OPTIONS = {
  ...APPLY_OPTIONS,
  now: { type: 'boolean', help: 'Reboot right away on a running node (the switch happens at shutdown).' },
} as const satisfies OptionTable;

/** `status` options. */
export const STATUS_OPTIONS = {
  ...TARGET_OPTIONS,
  json: { type: 'boolean', help: 'Print the status as JSON (snake_case keys).' },
} as const satisfies OptionTable;

/** `rollback` options. */
export const ROLLBACK_OPTIONS = {
  ...TARGET_OPTIONS,
  now: { type: 'boolean', help: 'Reboot right away on a running node.' },
} as const satisfies OptionTable;

/** The mode option's value. @throws UsageError */
export function readMode(value: string | undefined): Mode {
  if (value === undefined || value === 'firstboot') return 'firstboot';
  if (value === 'staged') return 'staged';
  throw new UsageError(`--mode must be firstboot or staged, not ${value}`);
}

/** The backup option's value: a directory, null (--no-backup) or undefined (the default). @throws UsageError */
export function readBackup(values: OptionValues<typeof APPLY_OPTIONS>): string | null | undefined {
  if (values['no-backup'] === true && values.backup !== undefined) {
    throw new UsageError('--backup and --no-backup cannot be used together');
  }
  if (values['no-backup'] === true) return null;
  if (values.backup !== undefined && !values.backup.startsWith('/')) {
    throw new UsageError(`--backup needs an absolute directory, not ${values.backup}`);
  }
  return values.backup;
}
