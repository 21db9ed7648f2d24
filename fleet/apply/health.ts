/**
 * The health gate around control-plane nodes: the fleet file's
 * `health.command` (an argv, no shell) run through the Runner with its time
 * limit; any exit other than 0, or running out of time, is "not healthy".
 */
import type { Runner } from '../../common/exec/runner.js';
import type { Fleet } from '../fleet-file.js';
import { commandMessage } from './job.js';
import { DEFAULT_HEALTH_TIMEOUT_SECONDS } from './options.js';

/** The cluster is not healthy; the message carries the command's own words. */
export class UnhealthyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnhealthyError';
  }
}

/**
 * The scheduler's health check for `health` (validation refuses control-plane
 * work without one; without one this check always fails, never passes).
 */
export function healthCheck(runner: Runner, health: Fleet['health']): () => Promise<void> {
  return async () => {
    if (health === undefined) throw new UnhealthyError('no health.command in the fleet file');
    const timeoutSeconds = health.timeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS;
    try {
      await runner.run(health.command, { timeoutMs: timeoutSeconds * 1000 });
    } catch (error) {
      throw new UnhealthyError(`health command ${health.command.join(' ')} failed: ${commandMessage(error)}`);
    }
  };
}
