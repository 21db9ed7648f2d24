/**
 * Renders the agent's INI configuration for the live ISO: the file lives on
 * the host at `/etc/ironic-python-agent.conf` and is mounted read-only into
 * the container at `/etc/ironic-python-agent/ignition.conf`, where the agent
 * reads it with the rest of `--config-dir` (IPA's oslo.config layout).
 *
 * Every key and value is checked so nothing can add a line or a section.
 */
import { findOption, isIgnoredOption } from '../../common/agent-config/options.js';
import { convertValue, InvalidValueError } from '../../common/agent-config/values.js';
import { ConfigError } from '../../common/errors.js';
import { CONTAINER_CONF_PATH, HOST_CONF_PATH } from '../../container/paths.js';

/** Options the conf sets from dedicated flags; passthrough may not set them too. */
export const RESERVED_KEYS: Readonly<Record<string, string>> = {
  api_url: '--host or --api-url',
  inspection_callback_url: '--host or --inspection-url',
  insecure: '--insecure',
  cafile: '--ca-file',
  root_mount: '--root-mount (the unit mounts the host root there)',
};

/** What goes into the conf. */
export interface AgentConfInput {
  /** Ironic API URLs, joined with commas into `api_url`. At least one. */
  apiUrls: readonly string[];
  /** Inspection callback URLs (`inspection_callback_url`); empty for none. */
  inspectionUrls: readonly string[];
  /** `insecure = True`: skip TLS verification of Ironic. */
  insecure: boolean;
  /** `cafile`: CA bundle path as the container sees it, or null. */
  cafile: string | null;
  /** Extra `[DEFAULT]` options in order (IPA option passthrough). */
  extra: readonly (readonly [string, string])[];
}

const KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f\u2028\u2029]/;

/**
 * Check an option name: letters, digits, `_` and `-`, starting with a letter.
 * @returns an error message, or null when the key is fine
 */
export function checkConfKey(key: string): string | null {
  if (!KEY.test(key)) return `invalid option name "${key}": use letters, digits, "_" and "-", starting with a letter`;
  return null;
}

/**
 * Check an option value: one line, no control characters, no leading or
 * trailing blanks (the INI reader would drop them).
 * @returns an error message, or null when the value is fine
 */
export function checkConfValue(key: string, value: string): string | null {
  if (CONTROL.test(value)) return `the value of "${key}" contains a newline or control character`;
  if (value !== value.trim()) return `the value of "${key}" has leading or trailing whitespace`;
  return null;
}

/**
 * Check a URL for `api_url` / `inspection_callback_url`: absolute http(s),
 * no commas (the option is a comma-separated list) and a valid value.
 * @returns an error message, or null when the URL is fine
 */
export function checkServiceUrl(what: string, url: string): string | null {
  const valueError = checkConfValue(what, url);
  if (valueError !== null) return valueError;
  if (/[\s,]/.test(url)) return `${what} "${url}" must not contain commas or spaces`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${what} "${url}" is not a valid URL (expected e.g. https://ironic.example.com:6385)`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `${what} "${url}" must start with http:// or https://`;
  if (parsed.hostname === '') return `${what} "${url}" has no host`;
  return null;
}

/**
 * Check a passthrough option against the agent's own option table
 * (common/agent-config/options.ts): it must be an option the agent reads, or an IPA
 * option it accepts without effect, and the value must convert. The agent
 * would only warn about an unknown key at boot, on a machine nobody watches.
 * @returns an error message, or null when the option is fine
 */
export function checkAgentOption(key: string, value: string): string | null {
  const spec = findOption(key);
  if (spec === undefined) {
    return isIgnoredOption(key)
      ? null
      : `unknown agent option "${key}" (see "ironic-coreos-agent agent --help" for the options)`;
  }
  try {
    convertValue(spec, value);
    return null;
  } catch (error) {
    if (error instanceof InvalidValueError) return `agent option "${key}" expects ${error.expected}, got "${value}"`;
    throw error;
  }
}

function fail(message: string | null): void {
  if (message !== null) throw new ConfigError(message);
}

/** One `key = value` line. */
function line(key: string, value: string): string {
  return `${key} = ${value}`;
}

/**
 * Render the conf text.
 * @throws ConfigError when a URL, key or value is invalid, a passthrough key
 *   is reserved or repeated, or `insecure` and `cafile` are both set
 */
export function renderAgentConf(input: AgentConfInput): string {
  if (input.apiUrls.length === 0) throw new ConfigError('at least one Ironic API URL is required');
  for (const url of input.apiUrls) fail(checkServiceUrl('api_url', url));
  for (const url of input.inspectionUrls) fail(checkServiceUrl('inspection_callback_url', url));
  if (input.insecure && input.cafile !== null) throw new ConfigError('insecure and cafile are mutually exclusive');
  const lines = [
    '# Written by "ironic-coreos-agent ignition build".',
    `# Host path ${HOST_CONF_PATH}, mounted read-only at ${CONTAINER_CONF_PATH}.`,
    '[DEFAULT]',
    line('api_url', input.apiUrls.join(',')),
  ];
  if (input.inspectionUrls.length > 0) lines.push(line('inspection_callback_url', input.inspectionUrls.join(',')));
  if (input.insecure) lines.push(line('insecure', 'True'));
  if (input.cafile !== null) {
    fail(checkConfValue('cafile', input.cafile));
    lines.push(line('cafile', input.cafile));
  }
  const seen = new Set<string>();
  for (const [key, value] of input.extra) {
    fail(checkConfKey(key));
    fail(checkConfValue(key, value));
    const normalized = key.toLowerCase().replaceAll('-', '_');
    const owner = RESERVED_KEYS[normalized];
    if (owner !== undefined) throw new ConfigError(`option "${key}" is set with ${owner}, not as a passthrough option`);
    if (seen.has(normalized)) throw new ConfigError(`option "${key}" is given more than once`);
    fail(checkAgentOption(key, value));
    seen.add(normalized);
    lines.push(line(key, value));
  }
  return `${lines.join('\n')}\n`;
}
