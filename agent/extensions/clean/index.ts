/** The `clean` extension: get_clean_steps and execute_clean_step (see steps-extension.ts). */
import type { Extension } from '../../commands/types.js';
import { createStepsExtension, type StepsExtensionDeps } from '../steps-extension.js';

/** Build the `clean` extension. */
export function createCleanExtension(deps: StepsExtensionDeps): Extension {
  return createStepsExtension('clean', deps);
}
