/**
 * The error every Runner throws for a command that failed: part of the Runner
 * contract (runner.ts), so callers and fake runners need not import the execa
 * implementation to name it.
 */
import { CommandExecutionError } from '../errors.js';

/**
 * A CommandExecutionError that carries the failed command's outcome. On the
 * wire (`command_error`) its `type` is `ProcessError`, with IPA's
 * CommandExecutionError message.
 */
export class ProcessError extends CommandExecutionError {
  static override readonly type: string = 'ProcessError';
  /**
   * @param details - what failed: the command, how it ended and the end of stderr
   * @param argv - the command
   * @param exitCode - its exit code; null when it did not start, timed out or was killed
   * @param stdout - everything it wrote to stdout
   * @param stderr - everything it wrote to stderr
   * @param notFound - true when the program does not exist
   * @param cause - the underlying result or error
   */
  constructor(
    details: string,
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
    readonly notFound: boolean,
    cause?: unknown,
  ) {
    super(details, { cause });
  }
}
