/** The `flow` extension: start_flow runs `[{"ext.cmd": params}, ...]` in order, failing on the first failure. */
import { CommandExecutionError, InvalidCommandParamsError } from '../../../common/errors.js';
import { defineCommand, isObject } from '../../commands/define-command.js';
import type { Extension, RawParams } from '../../commands/types.js';
import type { CommandResult } from '../../commands/command-result.js';

/** What the flow extension needs from the executor (given lazily: the executor is built after the extensions). */
export interface FlowRunner {
  has(name: string): boolean;
  executeNested(name: string, params: Record<string, unknown>): Promise<CommandResult>;
}

/** One command of a flow: its full name and its params. */
export interface FlowTask {
  name: string;
  params: Record<string, unknown>;
}

/** Build the `flow` extension. */
export function createFlowExtension(runner: () => FlowRunner): Extension {
  return {
    name: 'flow',
    commands: {
      start_flow: defineCommand({
        mode: 'async',
        parse: (raw) => parseFlowParams(raw, (name) => runner().has(name)),
        run: async (tasks) => {
          for (const { name, params } of tasks) {
            const result = await runner().executeNested(name, params);
            if (result.status !== 'SUCCEEDED') throw new CommandExecutionError(`${name} was failed to be executed`);
          }
          return null;
        },
      }),
    },
  };
}

/**
 * Parse start_flow params into its tasks, in order (IPA flow.start_flow(flow)).
 * Params of a task that are not an object are taken as none.
 * @throws InvalidCommandParamsError when `flow` is not a list of objects,
 *   or names a command `known` does not know
 */
export function parseFlowParams(raw: RawParams, known: (name: string) => boolean): FlowTask[] {
  const flow = raw['flow'];
  if (!Array.isArray(flow))
    throw new InvalidCommandParamsError('start_flow requires "flow": a list of {"<extension>.<command>": params}');
  const entries: readonly unknown[] = flow;
  const tasks: FlowTask[] = [];
  for (const task of entries) {
    if (!isObject(task)) throw new InvalidCommandParamsError('Each flow entry must be an object');
    for (const [name, params] of Object.entries(task)) tasks.push({ name, params: isObject(params) ? params : {} });
  }
  for (const { name } of tasks)
    if (!known(name)) throw new InvalidCommandParamsError(`Unknown command in flow: ${name}`);
  return tasks;
}
