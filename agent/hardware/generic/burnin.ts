/**
 * The GenericHardwareManager's burn-in steps that this agent can run:
 * `burnin_cpu` and `burnin_memory`, both stress-ng as IPA runs them. Offered
 * for cleaning and for servicing (API 1.87+), priority 0 (on request only),
 * abortable, exactly as IPA's get_clean_steps / get_service_steps list them;
 * the result is null.
 *
 * Port of openstack/ironic-python-agent ironic_python_agent/burnin.py
 * (stress_ng, stress_ng_cpu, stress_ng_vm) and hardware.py
 * (GenericHardwareManager.burnin_cpu / burnin_memory). The other burn-in steps
 * are not offered: burnin_disk destroys data (IPA keeps it out of servicing),
 * burnin_gpu needs gpu-burn and CUDA, burnin_network needs fio and a partner
 * node found through a tooz coordination backend. The agent image has
 * stress-ng only when built with `--build-arg BURNIN=true`; without it the
 * steps are still offered (IPA offers them whatever is installed) and fail
 * saying so.
 */
import { CommandExecutionError, InvalidCommandParamsError, RestError } from '../../../common/errors.js';
import { ProcessError } from '../../../common/exec/process-error.js';
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import type { Node, StepContext, StepSpec } from '../types.js';

/** stress-ng's stressor for each step. */
type Stressor = 'cpu' | 'vm';

/** IPA's default run time: 24 hours. */
export const DEFAULT_BURNIN_TIMEOUT_SEC = 86400;
/** IPA's default share of memory for the vm stressor. */
export const DEFAULT_VM_BYTES = '98%';

/**
 * What to do when stress-ng is not there: the agent image ships it only when
 * built with `--build-arg BURNIN=true`, as ironic-python-agent-builder's
 * ramdisks only with its burn-in element.
 */
export const MISSING_STRESS_NG =
  'stress-ng is not installed: run the burn-in steps with an agent image built with --build-arg BURNIN=true ' +
  '(container/README.md, "Burn-in"), or install stress-ng where the agent runs';

/** What the burn-in steps need. */
export interface BurninDeps {
  runner: Runner;
  logger: Logger;
}

const COUNT = /^\d+$/;
/** Seconds, or stress-ng's suffixed times (30s, 5m, 2h, 1d, 1y). */
const TIME = /^\d+[smhdy]?$/;
/** A size with an optional b/k/m/g/t suffix, or a percentage of the memory. */
const BYTES = /^\d+(\.\d+)?(%|[bkmgtBKMGT])?$/;

/** The two steps, as data. */
export function createBurninSteps(deps: BurninDeps): StepSpec[] {
  const spec = (step: string, stressor: Stressor): StepSpec => ({
    step,
    interface: 'deploy',
    priority: { clean: 0, service: 0 },
    abortable: true,
    rebootRequested: false,
    run: async (context) => {
      await stressNg(deps, context, step, stressor);
      return null;
    },
  });
  return [spec('burnin_cpu', 'cpu'), spec('burnin_memory', 'vm')];
}

/**
 * The stress-ng argv from the node's driver_info, with IPA's keys:
 * `agent_burnin_cpu_{cpu,timeout,outputfile}` and
 * `agent_burnin_vm_{vm,vm-bytes,timeout,outputfile}`. A count of 0 means one
 * worker per CPU.
 * @throws InvalidCommandParamsError for a value stress-ng would misread (e.g. an option)
 */
export function stressNgArgv(node: Node, stressor: Stressor): string[] {
  const info = (
    typeof node['driver_info'] === 'object' && node['driver_info'] !== null ? node['driver_info'] : {}
  ) as Record<string, unknown>;
  const key = (suffix: string): string => `agent_burnin_${stressor}_${suffix}`;
  const value = (suffix: string, fallback: string | null, pattern: RegExp | null, expected: string): string | null => {
    const raw = info[key(suffix)];
    if (raw === undefined || raw === null || raw === '') return fallback;
    const text = String(raw).trim();
    const ok = typeof raw !== 'object' && (pattern === null ? text.startsWith('/') : pattern.test(text));
    if (!ok)
      throw new InvalidCommandParamsError(`driver_info ${key(suffix)} must be ${expected}, got ${JSON.stringify(raw)}`);
    return text;
  };
  const count = value(stressor, '0', COUNT, 'a whole number of workers (0: one per CPU)') ?? '0';
  const timeout =
    value('timeout', String(DEFAULT_BURNIN_TIMEOUT_SEC), TIME, 'a run time in seconds or with an s/m/h/d/y suffix') ??
    '';
  const argv = ['stress-ng', `--${stressor}`, count, '--timeout', timeout];
  if (stressor === 'vm')
    argv.push(
      '--vm-bytes',
      value('vm-bytes', DEFAULT_VM_BYTES, BYTES, 'a size such as 4G or a percentage such as 98%') ?? DEFAULT_VM_BYTES,
    );
  argv.push('--metrics-brief');
  const outputfile = value('outputfile', null, null, 'an absolute path');
  if (outputfile !== null) argv.push('--log-file', outputfile);
  return argv;
}

/** Run stress-ng, streaming its report (it writes to stderr) to the log and the command's progress. */
async function stressNg(deps: BurninDeps, context: StepContext, step: string, stressor: Stressor): Promise<void> {
  const argv = stressNgArgv(context.node, stressor);
  deps.logger.info('Burn-in with stress-ng', { step, argv });
  try {
    await deps.runner.run(argv, {
      onLine: (line) => {
        deps.logger.info('stress-ng', { step, line });
        context.progress({ phase: step, line });
      },
    });
  } catch (error) {
    const missing = error instanceof ProcessError && error.notFound;
    const detail = error instanceof RestError ? error.details : error instanceof Error ? error.message : String(error);
    const reason = missing ? `${detail}. ${MISSING_STRESS_NG}` : detail;
    deps.logger.error('Burn-in failed', { step, error: reason });
    throw new CommandExecutionError(`stress-ng (${stressor}) failed with error ${reason}`, { cause: error });
  }
}
