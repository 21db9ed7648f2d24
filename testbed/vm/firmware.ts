/**
 * OVMF, the UEFI firmware a VM boots: Debian's `ovmf` package ships the code
 * (read-only flash) and a template of the variable store. Each VM gets its own
 * copy of the variable store, because the firmware writes its boot entries
 * there and VMs must not share or change the template.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where Debian's `ovmf` package installs the 4 MiB (2 MB-variable) builds. */
export const OVMF_DIR = '/usr/share/OVMF';

/** The firmware's two flash images. */
export interface Ovmf {
  /** Firmware code, mapped read-only (pflash unit 0). */
  code: string;
  /** Template variable store; never written, copied per VM. */
  varsTemplate: string;
}

/**
 * Finds OVMF_CODE_4M.fd and OVMF_VARS_4M.fd (no Secure Boot: that build needs SMM).
 * @returns the paths, or `{ missing }` naming what to install.
 */
export function findOvmf(dir: string = OVMF_DIR): Ovmf | { missing: string } {
  return checkOvmf({ code: join(dir, 'OVMF_CODE_4M.fd'), varsTemplate: join(dir, 'OVMF_VARS_4M.fd') });
}

/** `ovmf` itself when both files exist, else `{ missing }` naming the first absent one and what to install. */
export function checkOvmf(ovmf: Ovmf): Ovmf | { missing: string } {
  for (const file of [ovmf.code, ovmf.varsTemplate])
    if (!existsSync(file)) return { missing: `${file} is missing (apt-get install ovmf)` };
  return ovmf;
}

/** Copies the variable-store template into `dir` as `OVMF_VARS.fd`; returns the copy's path. */
export function copyVars(ovmf: Ovmf, dir: string): string {
  const vars = join(dir, 'OVMF_VARS.fd');
  copyFileSync(ovmf.varsTemplate, vars);
  return vars;
}
