/**
 * The active hardware managers and dispatch over them, with IPA's semantics
 * (port of hardware.get_managers, dispatch_to_managers, dispatch_to_all_managers).
 */
import {
  HardwareManagerMethodNotFound,
  HardwareManagerNotFound,
  IncompatibleHardwareMethodError,
} from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { deduplicateSteps, toStepDefinition } from './steps.js';
import type {
  HardwareManager,
  ManagerDispatch,
  ManagerMethodArgs as MethodArgs,
  ManagerMethodResult as MethodResult,
  ManagerMethods,
  StepDefinition,
  StepKind,
  StepSpec,
} from './types.js';

/** A manager with the support level it reported. */
export interface ActiveManager {
  manager: HardwareManager;
  support: number;
}

/** Holds the managers in priority order. */
export class HardwareDispatcher implements ManagerDispatch {
  private constructor(
    readonly active: readonly ActiveManager[],
    private readonly logger: Logger,
  ) {}

  /**
   * Probe every manager, keep those above NONE sorted by support (stable), then
   * initialize them in that order, only after all were probed, each with this
   * dispatcher (port of openstack/ironic-python-agent
   * ironic_python_agent/hardware.py get_managers_detail: probe all, sort, then
   * initialize).
   * @throws HardwareManagerNotFound when none supports the machine
   */
  static async create(managers: readonly HardwareManager[], logger: Logger): Promise<HardwareDispatcher> {
    const probed: ActiveManager[] = [];
    for (const manager of managers) {
      const support = await manager.evaluateSupport();
      logger.info('Hardware manager evaluated', { manager: manager.className, support });
      if (support > 0) probed.push({ manager, support });
    }
    if (probed.length === 0) throw new HardwareManagerNotFound();
    const sorted = probed
      .map((m, i) => ({ m, i }))
      .sort((a, b) => b.m.support - a.m.support || a.i - b.i)
      .map((x) => x.m);
    const dispatcher = new HardwareDispatcher(sorted, logger);
    for (const { manager } of sorted) await manager.initialize?.({ hardware: dispatcher });
    return dispatcher;
  }

  /**
   * Call `method` on the first manager that has it and does not defer with
   * IncompatibleHardwareMethodError. Other errors propagate at once.
   * @throws HardwareManagerMethodNotFound
   */
  async dispatch<K extends keyof ManagerMethods>(method: K, ...args: MethodArgs<K>): Promise<MethodResult<K>> {
    for (const { manager } of this.active) {
      const fn = manager.methods[method] as ((...a: MethodArgs<K>) => Promise<MethodResult<K>>) | undefined;
      if (fn === undefined) continue;
      try {
        return await fn.apply(manager.methods, args);
      } catch (error) {
        if (error instanceof IncompatibleHardwareMethodError) {
          this.logger.debug('Manager deferred method', { manager: manager.className, method });
          continue;
        }
        throw error;
      }
    }
    throw new HardwareManagerMethodNotFound(method);
  }

  /**
   * Call `method` on every manager that has it: `{ClassName: result}`.
   * @throws HardwareManagerMethodNotFound when none handled it
   */
  async dispatchAll<K extends keyof ManagerMethods>(
    method: K,
    ...args: MethodArgs<K>
  ): Promise<Record<string, MethodResult<K>>> {
    const results: Record<string, MethodResult<K>> = {};
    for (const { manager } of this.active) {
      const fn = manager.methods[method] as ((...a: MethodArgs<K>) => Promise<MethodResult<K>>) | undefined;
      if (fn === undefined) continue;
      try {
        results[manager.className] = await fn.apply(manager.methods, args);
      } catch (error) {
        if (!(error instanceof IncompatibleHardwareMethodError)) throw error;
      }
    }
    if (Object.keys(results).length === 0) throw new HardwareManagerMethodNotFound(method);
    return results;
  }

  /** `hardware_manager_version`: `{name: version}` of every active manager. */
  versions(): Record<string, string> {
    return Object.fromEntries(this.active.map(({ manager }) => [manager.name, manager.version]));
  }

  /** `{ClassName: [steps]}` for `kind`, deduplicated across managers. */
  steps(kind: StepKind): Record<string, StepDefinition[]> {
    return deduplicateSteps(
      this.active.map(({ manager, support }) => ({
        className: manager.className,
        support,
        steps: manager.steps.map((s) => toStepDefinition(s, kind)).filter((s): s is StepDefinition => s !== null),
      })),
    );
  }

  /**
   * Every implementation of the step Ironic asked for, in support order. The
   * caller runs the first and falls through on IncompatibleHardwareMethodError,
   * like dispatch().
   */
  findSteps(name: string): Array<{ manager: HardwareManager; spec: StepSpec }> {
    const found: Array<{ manager: HardwareManager; spec: StepSpec }> = [];
    for (const { manager } of this.active) {
      const spec = manager.steps.find((s) => s.step === name);
      if (spec !== undefined) found.push({ manager, spec });
    }
    return found;
  }
}
