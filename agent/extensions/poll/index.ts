/** The `poll` extension: get_hardware_info and (standalone only) set_node_info. */
import { InvalidCommandError, InvalidCommandParamsError } from '../../../common/errors.js';
import { defineCommand, isObject, noParams } from '../../commands/define-command.js';
import type { Extension, RawParams } from '../../commands/types.js';
import type { HardwareDispatcher } from '../../hardware/dispatch.js';

/** Dependencies of the poll extension. */
export interface PollDeps {
  dispatcher: HardwareDispatcher;
  /** True when the agent runs without Ironic lookup. */
  standalone: boolean;
  /** Feed lookup data (`{node, config}`) to the agent. */
  processLookupData: (data: Record<string, unknown>) => void;
}

/** Params of set_node_info. */
export interface SetNodeInfoParams {
  /** The lookup data (`{node, config}`) to apply. */
  nodeInfo: Record<string, unknown>;
}

/** Build the `poll` extension. */
export function createPollExtension(deps: PollDeps): Extension {
  return {
    name: 'poll',
    commands: {
      get_hardware_info: defineCommand({
        mode: 'sync',
        parse: noParams,
        run: () => deps.dispatcher.dispatch('listHardwareInfo'),
      }),
      set_node_info: defineCommand({
        mode: 'sync',
        parse: parseSetNodeInfoParams,
        run: async ({ nodeInfo }) => {
          if (!deps.standalone) {
            throw new InvalidCommandError(
              'Node lookup data can only be set when the Ironic Python Agent is running in standalone mode.',
            );
          }
          deps.processLookupData(nodeInfo);
          return null;
        },
      }),
    },
  };
}

/**
 * Parse set_node_info params (IPA poll.set_node_info(node_info)).
 * @throws InvalidCommandParamsError without a `node_info` object
 */
export function parseSetNodeInfoParams(raw: RawParams): SetNodeInfoParams {
  const nodeInfo = raw['node_info'];
  if (!isObject(nodeInfo)) {
    throw new InvalidCommandParamsError('set_node_info requires a "node_info" object with "node" and "config"');
  }
  return { nodeInfo };
}
