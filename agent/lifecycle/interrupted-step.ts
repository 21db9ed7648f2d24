/**
 * The step an earlier agent process of this boot was running when it stopped
 * (commands/command-journal.ts keeps it). The mode runs it again once it is
 * up, under the same id: with the step missing from the history, Ironic would
 * take the agent as freshly booted and move on to the next step.
 */
import { CommandExecutionError } from '../../common/errors.js';
import { CommandResult } from '../commands/command-result.js';
import type { CommandExecutor, PendingCommand } from '../commands/executor.js';
import type { Logger } from '../logger.js';

/** A command that was running when the process stopped, with its id. */
export type PendingStep = PendingCommand & { id: string };

/** The interrupted step, if any; resumed once or discarded. */
export class InterruptedStep {
  private pending: PendingStep | null;

  constructor(
    pending: PendingStep | null,
    private readonly executor: CommandExecutor,
    private readonly logger: Logger,
  ) {
    this.pending = pending;
  }

  /** Forget the step: Ironic started a new operation (a new token), and the step belonged to the previous one. */
  discard(): void {
    this.pending = null;
  }

  /**
   * Run the step again under its id (at most once). When it cannot even start,
   * record it as failed so that Ironic sees the failure. Never throws.
   */
  async resume(): Promise<void> {
    const pending = this.pending;
    this.pending = null;
    if (pending === null) return;
    this.logger.warn('Resuming the step that was running when the agent process stopped', {
      command: pending.name,
      id: pending.id,
    });
    try {
      await this.executor.execute(pending.name, pending.params, { id: pending.id });
    } catch (error) {
      this.recordFailure(pending, error instanceof Error ? error.message : String(error));
    }
  }

  private recordFailure(pending: PendingStep, text: string): void {
    this.logger.error('Could not resume the interrupted step; recording it as failed', {
      command: pending.name,
      error: text,
    });
    const failed = new CommandResult(pending.name.slice(pending.name.indexOf('.') + 1), 'async', { id: pending.id });
    failed.fail(new CommandExecutionError(`The agent restarted during this step and could not resume it: ${text}`));
    this.executor.restore([failed]);
  }
}
