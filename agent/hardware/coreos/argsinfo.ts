/**
 * The `install_coreos` step's declared arguments. Ironic refuses step args
 * that are not declared in `argsinfo`, so every argument the step reads is
 * listed here, all optional.
 */
import type { ArgInfo } from '../types.js';

/** Names of the accepted step arguments. */
export const INSTALL_COREOS_ARGS = ['console', 'platform', 'save_partlabel', 'save_partindex', 'delete_karg'] as const;

/** One accepted argument name. */
export type InstallCoreosArg = (typeof INSTALL_COREOS_ARGS)[number];

/** `argsinfo` of `install_coreos` (wire shape). */
export const INSTALL_COREOS_ARGSINFO: Record<InstallCoreosArg, ArgInfo> = {
  console: {
    description:
      'Kernel and bootloader console for the installed system, in console= syntax (e.g. "ttyS0,115200n8" or "tty0"); ' +
      'a string or a list for several consoles. Passed as --console.',
    required: false,
  },
  platform: {
    description: 'Ignition platform ID of the installed system (e.g. "metal", "qemu", "vmware"). Passed as --platform.',
    required: false,
  },
  save_partlabel: {
    description:
      'Keep existing partitions whose partition label matches this glob (e.g. "data*"); a string or a list. Passed as --save-partlabel.',
    required: false,
  },
  save_partindex: {
    description:
      'Keep existing partitions with this number or range ("5", "5-7", "5-", "-7"); a string, number or list. Passed as --save-partindex.',
    required: false,
  },
  delete_karg: {
    description:
      "Kernel arguments to remove from the installed system's defaults; a list or a space-separated string. One --delete-karg each.",
    required: false,
  },
};
