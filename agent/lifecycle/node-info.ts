/**
 * `poll.set_node_info`'s `node_info` read as lookup data: how a standalone
 * agent learns its node (IPA standalone mode's process_lookup_data input,
 * openstack/ironic-python-agent ironic_python_agent/extensions/poll.py
 * set_node_info). Pure.
 */
import { InvalidCommandParamsError } from '../../common/errors.js';
import type { LookupData } from '../ironic/lookup-data.js';
import type { Node } from '../hardware/types.js';

/**
 * `{node, config}` from `node_info`; a config that is not an object counts as empty.
 * @throws InvalidCommandParamsError when `node` is not an object with a string uuid
 */
export function parseNodeInfo(data: Record<string, unknown>): LookupData {
  const node = data['node'];
  const config = data['config'];
  if (!isNode(node)) throw new InvalidCommandParamsError('node_info.node must be an object with a uuid');
  return { node, config: isObject(config) ? config : {} };
}

function isNode(value: unknown): value is Node {
  return isObject(value) && typeof value['uuid'] === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
