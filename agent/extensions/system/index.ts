/** The `system` extension: lockdown (stop serving, take the network down, stay up doing nothing). */
import { defineCommand, noParams } from '../../commands/define-command.js';
import type { Extension } from '../../commands/types.js';

/** Dependencies of the system extension. */
export interface SystemDeps {
  /** Schedules the lockdown after the answer was sent. */
  lockdown: () => void;
}

/** Build the `system` extension. */
export function createSystemExtension(deps: SystemDeps): Extension {
  return {
    name: 'system',
    commands: {
      lockdown: defineCommand({
        mode: 'sync',
        parse: noParams,
        run: async () => {
          deps.lockdown();
          return null;
        },
      }),
    },
  };
}
