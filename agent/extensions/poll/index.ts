/** The `poll` extension: get_hardware_info and (standalone only) set_node_info. */
import { InvalidCommandError, InvalidCommandParamsError } from '../../../common/errors.js';
import type { Extension } from '../../commands/types.js';
import type { HardwareDispatcher } from '../../hardware/dispatch.js';

/** Dependencies of the poll extension. */
export interface PollDeps {
  dispatcher: HardwareDispatcher;
  /** True when the agent runs without Ironic lookup. */
  standalone: boolean;
  /** Feed lookup data (`{node, config}`) to the agent. */
  processLookupData: (data: Record<string, unknown>) => void;
}

/** Build the `poll` extension. */
export function createPollExtension(deps: PollDeps): Extension {
  return {
    name: 'poll',
    commands: {
      get_hardware_info: { mode: 'sync', run: () => deps.dispatcher.dispatch('listHardwareInfo') },
      set_node_info: {
        mode: 'sync',
        validate: (params) => {
          const info = params['node_info'];
          if (typeof info !== 'object' || info === null || Array.isArray(info)) {
            throw new InvalidCommandParamsError('set_node_info requires a "node_info" object with "node" and "config"');
          }
        },
        run: async (params) => {
          if (!deps.standalone) {
            throw new InvalidCommandError(
              'Node lookup data can only be set when the Ironic Python Agent is running in standalone mode.',
            );
          }
          deps.processLookupData(params['node_info'] as Record<string, unknown>);
          return null;
        },
      },
    },
  };
}
