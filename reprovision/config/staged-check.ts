/**
 * What staged mode cannot do: its Ignition runs with the new /var
 * bind-mounted at /var, so a config that mounts its own filesystem at /var
 * (or below it) would hide or split it. Such a config needs firstboot mode,
 * where the initrd mounts /var as Fedora CoreOS does.
 */
import { ReprovisionError } from '../errors.js';

/** @throws ReprovisionError when the config (JSON text, already validated) puts a filesystem at or below /var */
export function checkStagedConfig(text: string): void {
  const config = JSON.parse(text) as { storage?: { filesystems?: unknown } };
  const filesystems = Array.isArray(config.storage?.filesystems) ? (config.storage.filesystems as unknown[]) : [];
  filesystems.forEach((fs, index) => {
    const path = (fs as { path?: unknown } | null)?.path;
    if (typeof path === 'string' && (path === '/var' || path.startsWith('/var/'))) {
      throw new ReprovisionError(
        `$.storage.filesystems.${index} mounts a filesystem at ${path}, which staged mode cannot apply`,
        'Use --mode firstboot for this config (the initrd mounts it, as on a first boot); nothing was changed',
      );
    }
  });
}
