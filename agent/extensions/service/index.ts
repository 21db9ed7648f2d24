/** The `service` extension: get_service_steps and execute_service_step (see steps-extension.ts). */
import type { Extension } from '../../commands/types.js';
import { createStepsExtension, type StepsExtensionDeps } from '../steps-extension.js';

/** Build the `service` extension. */
export function createServiceExtension(deps: StepsExtensionDeps): Extension {
  return createStepsExtension('service', deps);
}
