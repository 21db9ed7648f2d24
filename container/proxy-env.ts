/**
 * Proxy variables for the agent unit. podman reads them for `pull` and, by
 * default (`--http-proxy=true`), passes them into the container.
 *
 * A proxy URL with credentials (`http://user:secret@proxy:3128`) must not sit
 * in the world-readable unit file (or `systemctl show`), so such variables go
 * into a mode-0600 EnvironmentFile instead of `Environment=` lines.
 */
import { ConfigError } from '../common/errors.js';

/** Proxy settings from the command line; null when unset. */
export interface ProxySettings {
  httpProxy: string | null;
  httpsProxy: string | null;
  noProxy: string | null;
}

/** A variable name and its value. */
export type EnvPair = readonly [string, string];

/** Where each variable goes. */
export interface ProxyEnvironment {
  /** `Environment=` lines in the unit. */
  inline: EnvPair[];
  /** Lines of the EnvironmentFile; empty when no proxy has credentials. */
  secret: EnvPair[];
}

/** No proxy configured. */
export const NO_PROXY_SETTINGS: ProxySettings = { httpProxy: null, httpsProxy: null, noProxy: null };

const PROXY_SCHEMES = new Set(['http:', 'https:', 'socks5:', 'socks5h:']);

/**
 * Check a proxy URL (`--http-proxy` / `--https-proxy`).
 * @returns an error message, or null when the URL is fine
 */
export function checkProxyUrl(flag: string, value: string): string | null {
  if (/[\s'"\\]/.test(value) || /[\u0000-\u001f\u007f]/.test(value)) {
    return `${flag} must not contain spaces, quotes, backslashes or control characters (percent-encode them)`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${flag} "${value}" is not a URL (expected e.g. http://proxy.example.com:3128)`;
  }
  if (!PROXY_SCHEMES.has(url.protocol)) return `${flag} must use http, https, socks5 or socks5h, got "${url.protocol}"`;
  return null;
}

/**
 * Check a `--no-proxy` list: comma-separated hosts, domains or CIDRs.
 * @returns an error message, or null when it is fine
 */
export function checkNoProxy(value: string): string | null {
  if (!/^[A-Za-z0-9.*:/[\]_-]+(,[A-Za-z0-9.*:/[\]_-]+)*$/.test(value)) {
    return `--no-proxy "${value}" must be a comma-separated list of hosts, domains or CIDRs without spaces`;
  }
  return null;
}

/** True when the proxy URL carries a user name or password. */
function hasCredentials(value: string): boolean {
  const url = new URL(value);
  return url.username !== '' || url.password !== '';
}

/**
 * Decide where each proxy variable goes. Upper-case names, as podman and
 * image-customization-controller use.
 * @throws ConfigError when a value is invalid
 */
export function proxyEnvironment(settings: ProxySettings): ProxyEnvironment {
  const result: ProxyEnvironment = { inline: [], secret: [] };
  const urls: [string, string, string | null][] = [
    ['HTTP_PROXY', '--http-proxy', settings.httpProxy],
    ['HTTPS_PROXY', '--https-proxy', settings.httpsProxy],
  ];
  for (const [name, flag, value] of urls) {
    if (value === null) continue;
    const problem = checkProxyUrl(flag, value);
    if (problem !== null) throw new ConfigError(problem);
    (hasCredentials(value) ? result.secret : result.inline).push([name, value]);
  }
  if (settings.noProxy !== null) {
    const problem = checkNoProxy(settings.noProxy);
    if (problem !== null) throw new ConfigError(problem);
    result.inline.push(['NO_PROXY', settings.noProxy]);
  }
  return result;
}

/**
 * The EnvironmentFile text: `NAME='value'` lines. Single quotes keep systemd
 * from interpreting anything; values were checked to contain none.
 */
export function renderEnvironmentFile(pairs: readonly EnvPair[]): string {
  return pairs.map(([name, value]) => `${name}='${value}'\n`).join('');
}
