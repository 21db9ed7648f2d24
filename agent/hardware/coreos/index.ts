/**
 * CoreOSInstallHardwareManager: offers the `install_coreos` deploy step.
 *
 * Port of openshift/ironic-agent-image `hardware_manager/ironic_coreos_install.py`
 * (name `CoreOSInstallHardwareManager`, version "1", support SERVICE_PROVIDER).
 */
import { SupportLevel, type HardwareManager } from '../types.js';
import { createInstallCoreosStep, type CoreOSDeps } from './install-coreos.js';

export type { CoreOSConfig, CoreOSDeps } from './install-coreos.js';

/** The manager's wire name and class name. */
export const COREOS_MANAGER_NAME = 'CoreOSInstallHardwareManager';

/** Build the CoreOS hardware manager. */
export function createCoreOSManager(deps: CoreOSDeps): HardwareManager {
  return {
    name: COREOS_MANAGER_NAME,
    className: COREOS_MANAGER_NAME,
    version: '1',
    evaluateSupport: async () => SupportLevel.SERVICE_PROVIDER,
    steps: [createInstallCoreosStep(deps)],
    methods: {},
  };
}
