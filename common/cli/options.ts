/**
 * Declarative command-line options: one table gives the node:util parseArgs
 * configuration, the typed values and the `--help` lines, so every subcommand
 * built with command.ts parses and complains alike. Parse failures are
 * UsageErrors worded as the agent's own flag parser words them
 * (agent/config/flags.ts): `unknown option --x`, `--x needs a value`.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './types.js';

/** One option of a command. */
export interface OptionDef {
  /** `string` options take a value; `boolean` options are flags. */
  readonly type: 'string' | 'boolean';
  /** A one-letter alias: `o` for `-o`. */
  readonly short?: string;
  /** May be repeated; the values come as an array, in command-line order. */
  readonly multiple?: boolean;
  /** The value's placeholder in help: `path` shows `--output <path>` (string options; default `value`). */
  readonly value?: string;
  /** Help text; each further line continues the description. */
  readonly help: string;
  /** The help section the option is listed under (default `Options`). */
  readonly section?: string;
}

/** A command's options by long name (without `--`); `help` is implicit. */
export type OptionTable = Readonly<Record<string, OptionDef>>;

/** The value type one definition parses to. */
type ValueOf<D extends OptionDef> = D extends { type: 'boolean' }
  ? D extends { multiple: true }
    ? boolean[]
    : boolean
  : D extends { multiple: true }
    ? string[]
    : string;

/** Parsed values of a table; an option not given is undefined. */
export type OptionValues<T extends OptionTable> = { readonly [K in keyof T]?: ValueOf<T[K]> };

/** How many positional arguments (operands) a command takes, and their name in help and errors. */
export interface Operands {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** No operands at all (the default). */
export const NO_OPERANDS: Operands = { name: '', min: 0, max: 0 };

/** Result of {@link parseOptions}. */
export interface ParsedArgs<T extends OptionTable> {
  readonly values: OptionValues<T>;
  readonly operands: readonly string[];
}

/**
 * Whether `argv` asks for help: `-h` or `--help` anywhere before a `--`.
 * Help wins over every other argument, valid or not, as in the agent.
 */
export function helpRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * Parse `argv` strictly against `table`.
 * @throws UsageError for an unknown option, a missing or unwanted value, and
 *   operands outside `[operands.min, operands.max]`
 */
export function parseOptions<T extends OptionTable>(
  argv: readonly string[],
  table: T,
  operands: Operands = NO_OPERANDS,
): ParsedArgs<T> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: parseArgsOptions(table), strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(parseErrorMessage(error));
  }
  const count = parsed.positionals.length;
  if (count < operands.min) throw new UsageError(`missing required argument <${operands.name}>`);
  if (count > operands.max) throw new UsageError(`unexpected argument "${parsed.positionals[operands.max] ?? ''}"`);
  return { values: parsed.values as OptionValues<T>, operands: parsed.positionals };
}

/**
 * Read a file an option names. Failing to read it is a usage error (exit 2),
 * like any other bad option value: `cannot read --node x.json: ENOENT: ...`.
 * @param flag - the option, e.g. `--ca-file`
 * @param path - the path as given
 * @param read - reads it (resolving `path` against the working directory)
 */
export async function readOptionFile<T>(flag: string, path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The parseArgs form of a table, plus `-h, --help`. */
function parseArgsOptions(
  table: OptionTable,
): Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, def] of Object.entries(table)) {
    options[name] = {
      type: def.type,
      ...(def.short === undefined ? {} : { short: def.short }),
      ...(def.multiple === true ? { multiple: true } : {}),
    };
  }
  return options;
}

/** parseArgs' messages, reworded as the agent's flag parser words them. */
const PARSE_ERRORS: readonly [RegExp, (flag: string) => string][] = [
  [/^Unknown option '([^']+)'/, (flag) => `unknown option ${flag}`],
  [/^Option '(?:-\w, )?(-[^ ']+)(?: <value>)?' argument missing/, (flag) => `${flag} needs a value`],
  [/^Option '(?:-\w, )?(-[^ ']+)' does not take an argument/, (flag) => `${flag} takes no value`],
  [
    /^Option '(-[^ ']+)' argument is ambiguous/,
    (flag) => `${flag} needs a value (write ${flag}=VALUE for a value that starts with "-")`,
  ],
];

/** The message of a parseArgs error in the shared wording (its first line when no rule matches). */
export function parseErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, reword] of PARSE_ERRORS) {
    const match = pattern.exec(message);
    if (match?.[1] !== undefined) return reword(match[1]);
  }
  return message.split('\n')[0] ?? message;
}
