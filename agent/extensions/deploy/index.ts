/** The `deploy` extension: get_deploy_steps and execute_deploy_step (see steps-extension.ts). */
import type { Extension } from '../../commands/types.js';
import { createStepsExtension, type StepsExtensionDeps } from '../steps-extension.js';

/** Build the `deploy` extension. */
export function createDeployExtension(deps: StepsExtensionDeps): Extension {
  return createStepsExtension('deploy', deps);
}
