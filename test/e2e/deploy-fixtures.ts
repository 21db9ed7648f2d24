/**
 * Inputs of the install_coreos deploys in deploy.test.ts (and the demo): the
 * user's Ignition, the configdrive variants and what the installed system's
 * Ignition must then be, spelled out independently of the agent's code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The deploy steps of the Metal3 customDeploy path: install_coreos at priority 80
 * (metal3-io/baremetal-operator pkg/provisioner/ironic/ironic.go).
 */
export const INSTALL_COREOS_STEPS = JSON.stringify([
  { interface: 'deploy', step: 'install_coreos', args: {}, priority: 80 },
]);

/** A secret inside the user's Ignition: it must never reach a log. */
export const PASSWORD_HASH = '$6$depsalt$ZEROmEEtCH5v8uQx0kL2r1ExampleHashForTheDeployTestOnly/';

/** The user's Ignition config (spec 3.4.0) with a user and one file of its own. */
export const USER_IGNITION = {
  ignition: { version: '3.4.0' },
  passwd: {
    users: [
      {
        name: 'core',
        passwordHash: PASSWORD_HASH,
        sshAuthorizedKeys: [
          'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIALaBEwuvYD4Ddxb72F9eEBwivlIJ5SmgOK4k6nDoF+u core@dep',
        ],
      },
    ],
  },
  storage: {
    files: [{ path: '/etc/motd', mode: 420, contents: { source: 'data:,installed%20by%20ironic-coreos-agent%0A' } }],
  },
};

/** USER_IGNITION plus the first-boot `/etc/hostname` file the agent adds (mode 0644, overwrite). */
export function expectedIgnition(hostname: string): Record<string, unknown> {
  return {
    ...USER_IGNITION,
    storage: {
      files: [
        ...USER_IGNITION.storage.files,
        { path: '/etc/hostname', mode: 420, overwrite: true, contents: { source: `data:,${hostname}` } },
      ],
    },
  };
}

/** `--config-drive` JSON: the Ignition as user_data, meta_data as given. */
export function jsonConfigDrive(userData: unknown, metaData: Record<string, unknown> = {}): string {
  return JSON.stringify({ user_data: userData, meta_data: metaData });
}

/**
 * A config-drive directory (openstack/latest/user_data + meta_data.json) under
 * `dir`: the baremetal CLI turns it into a gzipped, base64-encoded ISO 9660
 * image, i.e. a pre-rendered configdrive string. Returns its path.
 */
export function preRenderedConfigDriveDir(dir: string): string {
  const latest = join(dir, 'openstack', 'latest');
  mkdirSync(latest, { recursive: true });
  writeFileSync(join(latest, 'user_data'), JSON.stringify(USER_IGNITION));
  writeFileSync(join(latest, 'meta_data.json'), JSON.stringify({ 'local-hostname': 'prerendered' }));
  return dir;
}
