/**
 * First-boot hostname for the installed system (pure).
 *
 * Port of the hostname merge in openshift/ironic-agent-image
 * `install_coreos` (OCPBUGS-9072 and follow-ups): an `/etc/hostname` file is
 * added to the Ignition config so the node does not come up as `localhost`.
 * Unlike upstream, a user-supplied `/etc/hostname` entry is never clobbered
 * (upstream appended a second entry, which Ignition rejects as a duplicate).
 */
import { DeploymentError } from '../../../common/errors.js';

/** The file Ignition writes. */
export const HOSTNAME_PATH = '/etc/hostname';

/** The minimal config created when the node has no Ignition of its own. */
export const MINIMAL_IGNITION_VERSION = '3.0.0';

/** Where the hostname came from. */
export type HostnameSource = 'meta_data local-hostname' | 'meta_data local_hostname' | 'node name' | 'agent hostname';

/** Outcome of {@link addHostnameFile}. */
export interface HostnameMerge {
  /** The config to install (a new object; the input is not modified), or null when there is still none. */
  config: Record<string, unknown> | null;
  /** What happened, for the log. */
  action: 'added' | 'kept-user-entry' | 'no-hostname';
}

/**
 * Python's `urllib.parse.quote` (safe `/`): everything except letters,
 * digits, `_.-~/` is percent-encoded as UTF-8.
 */
export function urlQuote(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~/-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** True when `name` is a valid Linux hostname: RFC 1123 labels, at most 64 characters. */
export function isValidHostname(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  return name.split('.').every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/** True when the config already defines something at `/etc/hostname` (file, directory or link). */
export function hasHostnameEntry(config: Record<string, unknown> | null): boolean {
  const storage = config?.['storage'];
  if (typeof storage !== 'object' || storage === null) return false;
  const nodes = ['files', 'directories', 'links'].flatMap((kind) => {
    const list = (storage as Record<string, unknown>)[kind];
    return Array.isArray(list) ? (list as unknown[]) : [];
  });
  return nodes.some(
    (n) => typeof n === 'object' && n !== null && (n as Record<string, unknown>)['path'] === HOSTNAME_PATH,
  );
}

/**
 * Add `/etc/hostname` (mode 0644, overwrite, `data:,<quoted>`) to `config`.
 *
 * - `hostname` null → config unchanged (`no-hostname`);
 * - the user already has an `/etc/hostname` entry → config unchanged (`kept-user-entry`);
 * - no config → `{"ignition":{"version":"3.0.0"}}` plus the file.
 */
export function addHostnameFile(config: Record<string, unknown> | null, hostname: string | null): HostnameMerge {
  if (hostname === null) return { config, action: 'no-hostname' };
  if (hasHostnameEntry(config)) return { config, action: 'kept-user-entry' };
  const base: Record<string, unknown> = config ?? { ignition: { version: MINIMAL_IGNITION_VERSION } };
  const storage =
    typeof base['storage'] === 'object' && base['storage'] !== null ? (base['storage'] as Record<string, unknown>) : {};
  const files = Array.isArray(storage['files']) ? (storage['files'] as unknown[]) : [];
  const entry = {
    path: HOSTNAME_PATH,
    mode: 0o644,
    overwrite: true,
    contents: { source: `data:,${urlQuote(hostname)}` },
  };
  return { config: { ...base, storage: { ...storage, files: [...files, entry] } }, action: 'added' };
}

/** A chosen hostname and why. */
export interface HostnameChoice {
  hostname: string | null;
  source: HostnameSource | null;
  /** Candidates that were not valid hostnames and were skipped (for a warning). */
  skipped: HostnameSource[];
}

/**
 * Choose the installed system's hostname: meta_data `local-hostname`, then
 * `local_hostname`, then the node name, then the agent's own hostname
 * (upstream used only the latter). An invalid meta_data value is an error
 * (the user asked for it explicitly); an invalid node or agent name is
 * skipped, as are `localhost` names.
 * @throws DeploymentError for an invalid meta_data hostname
 */
export function chooseHostname(
  metaData: Record<string, unknown>,
  nodeName: string | null | undefined,
  agentHostname: string | null | undefined,
): HostnameChoice {
  for (const key of ['local-hostname', 'local_hostname'] as const) {
    const value = metaData[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string' || !isValidHostname(value)) {
      throw new DeploymentError(
        `meta_data ${key} is not a valid hostname (letters, digits and "-" in dot-separated labels, at most 64 characters)`,
      );
    }
    return { hostname: value, source: `meta_data ${key}`, skipped: [] };
  }
  const skipped: HostnameSource[] = [];
  const candidates: [HostnameSource, string | null | undefined][] = [
    ['node name', nodeName],
    ['agent hostname', agentHostname],
  ];
  for (const [source, value] of candidates) {
    if (value === undefined || value === null || value === '' || /^localhost(\.localdomain)?$/.test(value)) continue;
    if (isValidHostname(value)) return { hostname: value, source, skipped };
    skipped.push(source);
  }
  return { hostname: null, source: null, skipped };
}
