/**
 * The params of the step commands, checked and typed at the API edge:
 * `get_<kind>_steps(node, ports)` and
 * `execute_<kind>_step(step, node, ports, <kind>_version, **kwargs)`
 * (openstack/ironic-python-agent ironic_python_agent/extensions/deploy.py,
 * clean.py, service.py).
 */
import { InvalidCommandParamsError } from '../../common/errors.js';
import { isObject } from '../commands/define-command.js';
import type { RawParams } from '../commands/types.js';
import type { Node, Port, StepKind } from '../hardware/types.js';

/** Params of `get_<kind>_steps`. */
export interface GetStepsParams {
  /** The node, when one with a uuid was sent (the agent caches it); null otherwise. */
  node: Node | null;
}

/** Params of `execute_<kind>_step`. */
export interface ExecuteStepParams {
  /** The step object as Ironic sent it; answered back as `<kind>_step`. */
  step: Readonly<Record<string, unknown>>;
  /** `step.step`: which step to run. */
  name: string;
  /** The step's arguments: the unknown params (IPA's **kwargs) overlaid with `step.args`. */
  args: Record<string, unknown>;
  node: Node;
  /** The node's ports; entries without a string `address` are left out (no step reads ports). */
  ports: Port[];
  /**
   * `<kind>_version` as sent, checked when the step runs: a mismatch is the
   * command's result (CLEAN_VERSION_MISMATCH), not a refused request.
   */
  versions: unknown;
}

/** Parse `get_<kind>_steps` params; nothing is refused. */
export function parseGetStepsParams(raw: RawParams): GetStepsParams {
  const node = raw['node'];
  return { node: isNode(node) ? node : null };
}

/**
 * Parse `execute_<kind>_step` params.
 * @throws InvalidCommandParamsError without a `step` object naming the step,
 *   with `step.args` that is not an object, or without a `node` with a uuid
 */
export function parseExecuteStepParams(kind: StepKind, raw: RawParams): ExecuteStepParams {
  const step = raw['step'];
  if (!isObject(step)) throw new InvalidCommandParamsError(`execute_${kind}_step requires a "step" object`);
  const name = step['step'];
  if (typeof name !== 'string') {
    throw new InvalidCommandParamsError(`Malformed ${kind}_step, no "step" key: ${JSON.stringify(step)}`);
  }
  const args = step['args'] ?? {};
  if (!isObject(args)) throw new InvalidCommandParamsError(`${kind} step "args" must be an object`);
  const node = raw['node'];
  if (!isNode(node)) throw new InvalidCommandParamsError(`execute_${kind}_step requires a "node" object with a uuid`);
  return {
    step,
    name,
    args: { ...extraKwargs(kind, raw), ...args },
    node,
    ports: portsOf(raw['ports']),
    versions: raw[`${kind}_version`],
  };
}

/** Keyword arguments other than the known ones are passed to the step like IPA's **kwargs. */
function extraKwargs(kind: StepKind, raw: RawParams): Record<string, unknown> {
  const known = new Set(['step', 'node', 'ports', `${kind}_version`]);
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !known.has(k)));
}

function portsOf(value: unknown): Port[] {
  return Array.isArray(value) ? value.filter(isPort) : [];
}

function isPort(value: unknown): value is Port {
  return isObject(value) && typeof value['address'] === 'string';
}

function isNode(value: unknown): value is Node {
  return isObject(value) && typeof value['uuid'] === 'string';
}
