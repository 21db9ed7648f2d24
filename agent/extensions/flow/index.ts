/** The `flow` extension: start_flow runs `[{"ext.cmd": params}, ...]` in order, failing on the first failure. */
import { CommandExecutionError, InvalidCommandParamsError } from '../../../common/errors.js';
import type { Extension } from '../../commands/types.js';
import type { CommandResult } from '../../commands/command-result.js';

/** What the flow extension needs from the executor (given lazily: the executor is built after the extensions). */
export interface FlowRunner {
  has(name: string): boolean;
  executeNested(name: string, params: Record<string, unknown>): Promise<CommandResult>;
}

/** Build the `flow` extension. */
export function createFlowExtension(runner: () => FlowRunner): Extension {
  return {
    name: 'flow',
    commands: {
      start_flow: {
        mode: 'async',
        validate: (params) => {
          for (const [name] of tasks(params['flow']))
            if (!runner().has(name)) throw new InvalidCommandParamsError(`Unknown command in flow: ${name}`);
        },
        run: async (params) => {
          for (const [name, taskParams] of tasks(params['flow'])) {
            const result = await runner().executeNested(name, taskParams);
            if (result.status !== 'SUCCEEDED') throw new CommandExecutionError(`${name} was failed to be executed`);
          }
          return null;
        },
      },
    },
  };
}

function tasks(flow: unknown): Array<[string, Record<string, unknown>]> {
  if (!Array.isArray(flow))
    throw new InvalidCommandParamsError('start_flow requires "flow": a list of {"<extension>.<command>": params}');
  const out: Array<[string, Record<string, unknown>]> = [];
  for (const task of flow) {
    if (typeof task !== 'object' || task === null || Array.isArray(task))
      throw new InvalidCommandParamsError('Each flow entry must be an object');
    for (const [name, params] of Object.entries(task as Record<string, unknown>)) {
      out.push([name, typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {}]);
    }
  }
  return out;
}
