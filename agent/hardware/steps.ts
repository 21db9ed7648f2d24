/**
 * Pure step handling: wire step definitions from StepSpecs, and IPA's
 * deduplication of same-named steps across managers.
 */
import type { StepDefinition, StepKind, StepSpec } from './types.js';

/** A manager's candidate steps for one kind. */
export interface ManagerSteps {
  className: string;
  support: number;
  steps: readonly StepDefinition[];
}

/** The wire definition of `spec` for `kind`, or null when the step is not offered for that kind. */
export function toStepDefinition(spec: StepSpec, kind: StepKind): StepDefinition | null {
  const priority = spec.priority[kind];
  if (priority === undefined) return null;
  const definition: StepDefinition = {
    step: spec.step,
    priority,
    interface: spec.interface,
    reboot_requested: spec.rebootRequested ?? false,
  };
  if (kind !== 'deploy' && spec.abortable !== undefined) definition.abortable = spec.abortable;
  if (spec.argsinfo !== undefined) definition.argsinfo = spec.argsinfo;
  return definition;
}

/**
 * Keep one step per name across managers. Port of IPA hardware.deduplicate_steps:
 * the highest support level wins, then the higher priority, then the manager
 * name in alphabetical order. Managers keep their own list order.
 */
export function deduplicateSteps(candidates: readonly ManagerSteps[]): Record<string, StepDefinition[]> {
  const winners = new Map<string, { className: string; support: number; step: StepDefinition }>();
  for (const manager of candidates) {
    for (const step of manager.steps) {
      const current = winners.get(step.step);
      if (current === undefined || beats(manager, step, current)) {
        winners.set(step.step, { className: manager.className, support: manager.support, step });
      }
    }
  }
  const result: Record<string, StepDefinition[]> = {};
  for (const manager of candidates) {
    result[manager.className] = manager.steps.filter((s) => winners.get(s.step)?.className === manager.className);
  }
  return result;
}

function beats(
  challenger: { className: string; support: number },
  step: StepDefinition,
  current: { className: string; support: number; step: StepDefinition },
): boolean {
  if (challenger.support !== current.support) return challenger.support > current.support;
  if (step.priority !== current.step.priority) return step.priority > current.step.priority;
  return challenger.className < current.className;
}
