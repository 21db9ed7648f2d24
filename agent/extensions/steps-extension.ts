/**
 * One factory for IPA's three step extensions (deploy, clean, service), which
 * upstream are three copies of the same file: `get_<kind>_steps` and
 * `execute_<kind>_step`.
 */
import {
  CleaningError,
  DeploymentError,
  HardwareManagerMethodNotFound,
  IncompatibleHardwareMethodError,
  InvalidCommandParamsError,
  RestError,
  ServicingError,
  VersionMismatch,
} from '../../common/errors.js';
import type { Logger } from '../logger.js';
import type { CommandSpec, Extension } from '../commands/types.js';
import type { HardwareDispatcher } from '../hardware/dispatch.js';
import type { Node, Port, StepContext, StepKind } from '../hardware/types.js';

/** What the steps extensions need from the agent. */
export interface StepsExtensionDeps {
  dispatcher: HardwareDispatcher;
  logger: Logger;
  /** Remember the node Ironic sent (IPA hardware.cache_node). */
  cacheNode: (node: Node) => void;
}

const STEP_ERRORS: Record<StepKind, new (details?: string, options?: { cause?: unknown }) => RestError> = {
  clean: CleaningError,
  deploy: DeploymentError,
  service: ServicingError,
};

/** Build the `deploy`, `clean` or `service` extension. */
export function createStepsExtension(kind: StepKind, deps: StepsExtensionDeps): Extension {
  const commands: Record<string, CommandSpec> = {
    [`get_${kind}_steps`]: {
      mode: 'sync',
      run: async (params) => {
        if (isNode(params['node'])) deps.cacheNode(params['node']);
        return { [`${kind}_steps`]: deps.dispatcher.steps(kind), hardware_manager_version: deps.dispatcher.versions() };
      },
    },
    [`execute_${kind}_step`]: {
      mode: 'async',
      validate: (params) => {
        validateStepParams(kind, params);
      },
      run: (params, context) => executeStep(kind, deps, params, context.progress),
    },
  };
  return { name: kind, commands };
}

async function executeStep(
  kind: StepKind,
  deps: StepsExtensionDeps,
  params: Record<string, unknown>,
  progress: (p: Record<string, unknown>) => void,
): Promise<Record<string, unknown>> {
  const step = params['step'] as Record<string, unknown>;
  const node = params['node'] as Node;
  const ports = Array.isArray(params['ports']) ? (params['ports'] as Port[]) : [];
  deps.cacheNode(node);
  checkVersions(deps.dispatcher.versions(), params[`${kind}_version`]);
  const name = String(step['step']);
  const args = { ...extraKwargs(kind, params), ...asRecord(step['args']) };
  const result = await runFirstCompatible(kind, deps, name, { node, ports, args, kind, progress });
  deps.logger.info('Step finished', { kind, step: name });
  return { [`${kind}_result`]: result ?? null, [`${kind}_step`]: step };
}

/**
 * Run the step on the first manager that does not defer it (IPA dispatch_to_managers).
 * Unlike IPA, which dispatches any method name, only implementations offered
 * for this kind run: Ironic never sends a step it was not offered, and a
 * direct caller must not reach e.g. erase_devices_metadata through
 * service.execute_service_step on an active node.
 */
async function runFirstCompatible(
  kind: StepKind,
  deps: StepsExtensionDeps,
  name: string,
  context: StepContext,
): Promise<unknown> {
  const found = deps.dispatcher.findSteps(name);
  const offered = found.filter(({ spec }) => spec.priority[kind] !== undefined);
  if (found.length > 0 && offered.length === 0) {
    const names = Object.values(deps.dispatcher.steps(kind))
      .flat()
      .map((s) => s.step);
    throw new HardwareManagerMethodNotFound(
      `${name} (not offered as a ${kind} step; ${kind} steps: ${names.length === 0 ? 'none' : names.join(', ')})`,
    );
  }
  for (const { manager, spec } of offered) {
    deps.logger.info('Executing step', { kind, step: name, manager: manager.className });
    try {
      return await spec.run(context);
    } catch (error) {
      if (error instanceof IncompatibleHardwareMethodError) {
        deps.logger.info('Manager deferred the step to the next one', { step: name, manager: manager.className });
        continue;
      }
      if (error instanceof RestError) throw error;
      const ErrorClass = STEP_ERRORS[kind];
      throw new ErrorClass(
        `Error performing ${kind} step ${name}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  throw new HardwareManagerMethodNotFound(name);
}

/**
 * IPA hardware.check_versions: when Ironic sends the versions it cached at
 * get_*_steps time and they differ from ours, the command ends CLEAN_VERSION_MISMATCH.
 */
export function checkVersions(actual: Record<string, string>, provided: unknown): void {
  if (provided === undefined || provided === null) return;
  if (typeof provided !== 'object' || !sameVersions(actual, provided as Record<string, unknown>)) {
    throw new VersionMismatch(actual, provided);
  }
}

function sameVersions(actual: Record<string, string>, provided: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(actual), ...Object.keys(provided)]);
  for (const key of keys) if (actual[key] !== provided[key]) return false;
  return true;
}

function validateStepParams(kind: StepKind, params: Record<string, unknown>): void {
  const step = params['step'];
  if (typeof step !== 'object' || step === null || Array.isArray(step)) {
    throw new InvalidCommandParamsError(`execute_${kind}_step requires a "step" object`);
  }
  if (typeof (step as Record<string, unknown>)['step'] !== 'string') {
    throw new InvalidCommandParamsError(`Malformed ${kind}_step, no "step" key: ${JSON.stringify(step)}`);
  }
  const args = (step as Record<string, unknown>)['args'];
  if (args !== undefined && args !== null && (typeof args !== 'object' || Array.isArray(args))) {
    throw new InvalidCommandParamsError(`${kind} step "args" must be an object`);
  }
  if (!isNode(params['node']))
    throw new InvalidCommandParamsError(`execute_${kind}_step requires a "node" object with a uuid`);
}

/** Keyword arguments other than the known ones are passed to the step like IPA's **kwargs. */
function extraKwargs(kind: StepKind, params: Record<string, unknown>): Record<string, unknown> {
  const known = new Set(['step', 'node', 'ports', `${kind}_version`]);
  return Object.fromEntries(Object.entries(params).filter(([k]) => !known.has(k)));
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { uuid?: unknown }).uuid === 'string';
}
