/**
 * Subcommands built from declarations, so that `--help`, usage errors and
 * exit codes are the same in every one (report.ts states the convention).
 * A leaf parses its option table and runs; a group dispatches on the next word
 * (`iso ignition embed`), and the top-level CLI is a group too.
 */
import { commandHelp, groupHelp, type CommandHelp } from './help.js';
import { helpRequested, parseOptions, type Operands, type OptionTable, type ParsedArgs } from './options.js';
import { EXIT, PROGRAM, reportFailure } from './report.js';
import { UsageError, type CliIO, type Subcommand } from './types.js';

/** A command that runs: its options, its operands and what it does. */
export interface LeafSpec<T extends OptionTable> {
  /** The word that selects it. */
  readonly name: string;
  /** One line for the parent's help (no final period). */
  readonly summary: string;
  /** The help paragraph(s) (default: the summary as a sentence). */
  readonly description?: string;
  readonly options: T;
  /** Positional arguments (default none). */
  readonly operands?: Operands;
  /** What exit codes 0 and 1 mean, for the help. */
  readonly exitStatus?: CommandHelp['exitStatus'];
  /**
   * Check the raw arguments before parsing, for what the table cannot express
   * (another tool's flags that deserve a better message than "unknown option").
   * @throws UsageError
   */
  precheck?(argv: readonly string[]): void;
  /**
   * Do the work. Resolves to the exit code (0 when nothing is returned).
   * A thrown UsageError or ConfigError exits 2, anything else 1 (report.ts).
   */
  run(args: ParsedArgs<T>, io: CliIO): Promise<number | void>;
}

/** A command of a group that is loaded only when it runs or the group's help lists it. */
export interface CommandEntry {
  readonly name: string;
  load(): Promise<Subcommand>;
}

/** A command that selects one of its commands by the next word. */
export interface GroupSpec {
  readonly name: string;
  readonly summary: string;
  /** The help paragraph (default: the summary as a sentence). */
  readonly description?: string;
  /** Its commands in help order: built ones, or entries loaded on demand. */
  readonly commands: readonly (Subcommand | CommandEntry)[];
}

/** The words that reach a command when its parent does not say: `ironic-coreos-agent <name>`. */
function defaultPath(name: string): string {
  return `${PROGRAM} ${name}`;
}

/**
 * A subcommand that runs `spec`: `-h`/`--help` anywhere prints its help
 * (exit 0), then `precheck`, parsing and `run`; failures are reported in the
 * shared format with the shared exit codes.
 */
export function leafCommand<T extends OptionTable>(spec: LeafSpec<T>): Subcommand {
  return {
    name: spec.name,
    summary: spec.summary,
    async run(argv: string[], io: CliIO, path = defaultPath(spec.name)): Promise<number> {
      try {
        if (helpRequested(argv)) {
          io.stdout.write(
            commandHelp({
              path,
              description: spec.description ?? `${spec.summary}.`,
              options: spec.options,
              operands: spec.operands,
              exitStatus: spec.exitStatus,
            }),
          );
          return EXIT.ok;
        }
        spec.precheck?.(argv);
        return (await spec.run(parseOptions(argv, spec.options, spec.operands), io)) ?? EXIT.ok;
      } catch (error) {
        return reportFailure(io, path, error);
      }
    },
  };
}

/**
 * A subcommand that dispatches on its first argument. `help`, `-h` and
 * `--help` list the commands (exit 0); a missing or unknown command is a
 * usage error. Errors a command throws are reported under its own words.
 */
export function groupCommand(spec: GroupSpec): Subcommand {
  const entries = spec.commands.map(toEntry);
  return {
    name: spec.name,
    summary: spec.summary,
    async run(argv: string[], io: CliIO, path = defaultPath(spec.name)): Promise<number> {
      const [word, ...rest] = argv;
      if (word === 'help' || word === '--help' || word === '-h') {
        const commands = await Promise.all(
          entries.map(async (entry) => ({ name: entry.name, summary: (await entry.load()).summary })),
        );
        io.stdout.write(groupHelp(path, spec.description ?? `${spec.summary}.`, commands));
        return EXIT.ok;
      }
      const entry = entries.find((e) => e.name === word);
      if (entry === undefined) return reportFailure(io, path, new UsageError(notACommand(word, entries)));
      const childPath = `${path} ${entry.name}`;
      try {
        return await (await entry.load()).run(rest, io, childPath);
      } catch (error) {
        return reportFailure(io, childPath, error);
      }
    },
  };
}

/** The usage error for a first argument that names no command. */
function notACommand(word: string | undefined, entries: readonly CommandEntry[]): string {
  if (word === undefined) return `missing command: one of ${entries.map((e) => e.name).join(', ')}`;
  return word.startsWith('-') ? `unknown option ${word}` : `unknown command "${word}"`;
}

function toEntry(command: Subcommand | CommandEntry): CommandEntry {
  if ('load' in command) return command;
  return { name: command.name, load: async () => command };
}
