/** Static registry of the built-in extensions (IPA loads them through entry points; we list them). */
import type { Extension } from '../commands/types.js';
import { createCleanExtension } from './clean/index.js';
import { createDeployExtension } from './deploy/index.js';
import { createFlowExtension, type FlowRunner } from './flow/index.js';
import { createLogExtension, type LogDeps } from './log/index.js';
import { createPollExtension, type PollDeps } from './poll/index.js';
import { createServiceExtension } from './service/index.js';
import { createStandbyExtension, type StandbyDeps } from './standby/index.js';
import type { StepsExtensionDeps } from './steps-extension.js';
import { createSystemExtension, type SystemDeps } from './system/index.js';

/** Everything the built-in extensions need. */
export interface ExtensionDeps {
  steps: StepsExtensionDeps;
  standby: StandbyDeps;
  poll: PollDeps;
  log: LogDeps;
  system: SystemDeps;
  flowRunner: () => FlowRunner;
}

/** Build every built-in extension. */
export function builtinExtensions(deps: ExtensionDeps): Extension[] {
  return [
    createDeployExtension(deps.steps),
    createCleanExtension(deps.steps),
    createServiceExtension(deps.steps),
    createStandbyExtension(deps.standby),
    createPollExtension(deps.poll),
    createLogExtension(deps.log),
    createSystemExtension(deps.system),
    createFlowExtension(deps.flowRunner),
  ];
}
