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
  RestError,
  ServicingError,
  VersionMismatch,
} from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { defineCommand } from '../commands/define-command.js';
import type { Extension } from '../commands/types.js';
import type { HardwareDispatcher } from '../hardware/dispatch.js';
import type { Node, StepContext, StepKind } from '../hardware/types.js';
import { parseExecuteStepParams, parseGetStepsParams, type ExecuteStepParams } from './step-params.js';

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
  const commands = {
    [`get_${kind}_steps`]: defineCommand({
      mode: 'sync',
      parse: parseGetStepsParams,
      run: async ({ node }) => {
        if (node !== null) deps.cacheNode(node);
        return { [`${kind}_steps`]: deps.dispatcher.steps(kind), hardware_manager_version: deps.dispatcher.versions() };
      },
    }),
    [`execute_${kind}_step`]: defineCommand({
      mode: 'async',
      parse: (raw) => parseExecuteStepParams(kind, raw),
      run: (params, context) => executeStep(kind, deps, params, context.progress),
      // Steps are safe to run again: erasing metadata is idempotent, and
      // install_coreos re-checks its install stamp (same config and disk only).
      resumable: true,
    }),
  };
  return { name: kind, commands };
}

async function executeStep(
  kind: StepKind,
  deps: StepsExtensionDeps,
  params: ExecuteStepParams,
  progress: (p: Record<string, unknown>) => void,
): Promise<Record<string, unknown>> {
  const { step, name, args, node, ports } = params;
  deps.cacheNode(node);
  checkVersions(deps.dispatcher.versions(), params.versions);
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
  if (typeof provided !== 'object' || !sameVersions(actual, provided)) throw new VersionMismatch(actual, provided);
}

function sameVersions(actual: Record<string, string>, provided: object): boolean {
  const given = new Map<string, unknown>(Object.entries(provided));
  const keys = new Set([...Object.keys(actual), ...given.keys()]);
  for (const key of keys) if (actual[key] !== given.get(key)) return false;
  return true;
}
