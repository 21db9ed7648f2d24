/**
 * The shape of one agent option (see options.ts for the table): value types,
 * help groups and the AgentConfig field each option fills.
 */
import type { AgentConfig } from './types.js';

/** The value type of an option and the rules its values must satisfy. */
export type OptionType =
  | { kind: 'string'; pattern?: RegExp; expected?: string }
  | { kind: 'path' }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'float'; min?: number; max?: number }
  | { kind: 'bool' }
  | { kind: 'list'; itemPattern?: RegExp; expected?: string }
  | { kind: 'enum'; choices: readonly string[] }
  | { kind: 'url-list'; joined?: boolean };

/** Help-text groups, in display order. */
export const OPTION_GROUPS = {
  ironic: 'Ironic',
  api: 'API / listen',
  tls: 'TLS',
  lookup: 'Startup, lookup and heartbeat',
  inspection: 'Inspection',
  disks: 'Disks and CoreOS',
  logging: 'Logging',
  paths: 'Paths',
} as const;

/** A key of {@link OPTION_GROUPS}. */
export type OptionGroup = keyof typeof OPTION_GROUPS;

/** AgentConfig fields that options fill (everything except the `sources` record). */
export type OptionField = Exclude<keyof AgentConfig, 'sources'>;

interface OptionBase {
  /** IPA option name (`[DEFAULT]` key); the flag is `--` + name with `_` → `-`. */
  name: string;
  type: OptionType;
  group: OptionGroup;
  help: string;
  /** Kernel command-line parameter (`ipa-…`, or `BOOTIF`). */
  kernel?: string;
  /** Environment variable read by the container unit (upstream CoreOS glue). Empty means unset. */
  env?: string;
  /** Only settable by a flag (config-dir and cmdline paths cannot come from those files). */
  flagOnly?: true;
  /** Never echo the value in errors. */
  secret?: true;
  /** Other names accepted in config files and as flags (ours from before we adopted an IPA/oslo name). */
  aliases?: readonly string[];
}

/** One option; `default` is typed by its AgentConfig field. */
export type OptionSpec = { [K in OptionField]: OptionBase & { field: K; default: AgentConfig[K] } }[OptionField];

/** Value types the option tables share. */
export const port = { kind: 'int', min: 1, max: 65535 } as const;
export const seconds = { kind: 'int', min: 0 } as const;
export const bool = { kind: 'bool' } as const;
export const path = { kind: 'path' } as const;
export const text = { kind: 'string' } as const;
