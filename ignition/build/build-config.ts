/**
 * Builds the Ignition document for the agent live ISO as an object (never by
 * string templating): user `core` with SSH keys, the agent conf, optional CA,
 * pull secret and proxy credentials, and the enabled `ironic-agent.service`.
 */
import { ConfigError } from '../../common/errors.js';
import { AUTHFILE_PATH, HOST_CA_PATH, HOST_CONF_PATH, PROXY_ENV_PATH, UNIT_NAME } from '../../container/paths.js';
import { toDataUrl } from '../data-url.js';
import type { IgnitionConfig, IgnitionFile, IgnitionUnit, SpecVersion } from '../types.js';

/** Owner read/write only: files that may hold a token, a pull secret or proxy credentials. */
export const SECRET_MODE = 0o600;
/** World-readable: public material such as a CA certificate. */
export const PUBLIC_MODE = 0o644;

/** Everything the document is made of, already rendered and validated. */
export interface IgnitionBuildInput {
  spec: SpecVersion;
  /** Public keys for user `core`; none leaves out the `passwd` section (no SSH access). */
  sshKeys: readonly string[];
  /** The agent conf text (see agent-conf.ts). */
  conf: string;
  /** The `ironic-agent.service` text (see container/systemd-unit.ts). */
  unit: string;
  /** PEM CA bundle for Ironic (and the registry), or null. */
  caPem: string | null;
  /** Registry pull secret JSON, or null. */
  pullSecret: string | null;
  /** EnvironmentFile text with proxy variables that carry credentials, or null. */
  proxyEnv: string | null;
}

/** A regular file entry that replaces whatever is at `path`. */
export function fileEntry(path: string, contents: string, mode: number): IgnitionFile {
  return { path, mode, overwrite: true, contents: { source: toDataUrl(contents) } };
}

/**
 * The Ignition config object.
 * @throws ConfigError when a key repeats
 */
export function buildIgnitionConfig(input: IgnitionBuildInput): IgnitionConfig {
  if (new Set(input.sshKeys).size !== input.sshKeys.length) throw new ConfigError('an SSH public key is listed twice');
  const files: IgnitionFile[] = [fileEntry(HOST_CONF_PATH, input.conf, SECRET_MODE)];
  if (input.caPem !== null) files.push(fileEntry(HOST_CA_PATH, input.caPem, PUBLIC_MODE));
  if (input.pullSecret !== null) files.push(fileEntry(AUTHFILE_PATH, input.pullSecret, SECRET_MODE));
  if (input.proxyEnv !== null) files.push(fileEntry(PROXY_ENV_PATH, input.proxyEnv, SECRET_MODE));
  const unit: IgnitionUnit = { name: UNIT_NAME, enabled: true, contents: input.unit };
  return {
    ignition: { version: input.spec },
    ...(input.sshKeys.length === 0
      ? {}
      : { passwd: { users: [{ name: 'core', sshAuthorizedKeys: [...input.sshKeys] }] } }),
    storage: { files },
    systemd: { units: [unit] },
  };
}

/** The document as written to disk: two-space JSON and a final newline. */
export function serializeIgnition(config: IgnitionConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}
