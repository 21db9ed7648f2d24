/**
 * Pure parser for the `agent` subcommand's flags, generated from the option
 * table: `--listen-port 9999`, `--listen-port=9999`, `--standalone`,
 * `--no-standalone`, `--standalone=false`. List options may be repeated.
 * The oslo spellings `--listen_port` and `--nostandalone` are accepted too, so
 * IPA command lines keep working.
 */
import { UsageError } from '../../common/cli/types.js';
import { type OptionSpec } from '../../common/agent-config/option-spec.js';
import { OPTIONS, flagNames } from '../../common/agent-config/options.js';

/** One flag occurrence (list flags may occur several times). */
export interface FlagValue {
  spec: OptionSpec;
  /** The flag as the user wrote it, for error messages. */
  flag: string;
  raw: string;
}

/** Result of {@link parseFlags}. */
export interface ParsedFlags {
  values: FlagValue[];
  /** `-h` or `--help` was given. */
  help: boolean;
}

/**
 * Parse `argv` (the arguments after `agent`).
 * @throws UsageError for unknown flags, missing values and positional arguments
 */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const result: ParsedFlags = { values: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h' || arg === '--help') {
      result.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`unexpected argument "${arg}": the agent takes only --options`);
    }
    const equals = arg.indexOf('=');
    const flag = equals < 0 ? arg : arg.slice(0, equals);
    const inline = equals < 0 ? null : arg.slice(equals + 1);
    const { spec, negated } = lookupFlag(flag);
    if (spec.type.kind === 'bool') {
      if (negated && inline !== null) throw new UsageError(`${flag} takes no value`);
      result.values.push({ spec, flag, raw: negated ? 'false' : (inline ?? 'true') });
      continue;
    }
    if (inline !== null) {
      result.values.push({ spec, flag, raw: inline });
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('--') && next.length > 2)) {
      throw new UsageError(`${flag} needs a value`);
    }
    result.values.push({ spec, flag, raw: next });
    i++;
  }
  return result;
}

/** Whether `argv` asks for help (checked before anything is loaded). */
export function helpRequested(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

function lookupFlag(flag: string): { spec: OptionSpec; negated: boolean } {
  const name = flag.slice(2).replace(/_/g, '-');
  const direct = OPTIONS.find((o) => flagNames(o).includes(`--${name}`));
  if (direct !== undefined) return { spec: direct, negated: false };
  const positive = name.startsWith('no-') ? name.slice(3) : name.startsWith('no') ? name.slice(2) : null;
  const negated = positive === null ? undefined : OPTIONS.find((o) => flagNames(o).includes(`--${positive}`));
  if (negated !== undefined && negated.type.kind === 'bool') return { spec: negated, negated: true };
  throw new UsageError(`unknown option ${flag}`);
}
