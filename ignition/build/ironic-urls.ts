/**
 * The Ironic URLs of `ignition build`, from `--host` (with `--api-port`,
 * `--scheme`, `--inspection`, `--inspector-port`) or given in full
 * (`--api-url`, `--inspection-url`). Pure; every rule fails with a UsageError
 * that says what to pass instead.
 */
import { ipFamily } from '../../common/net/ip.js';
import { UsageError } from '../../common/cli/types.js';
import { checkServiceUrl } from './agent-conf.js';

/** Ironic API port used with `--host`. */
export const DEFAULT_API_PORT = 6385;
/** ironic-inspector port used with `--host --inspection inspector` (callback path `/v1/continue`). */
export const DEFAULT_INSPECTOR_PORT = 5050;

/**
 * Where `--host` sends inspection data. `ironic`: Ironic's own
 * `/v1/continue_inspection` on the API (API 1.84, Ironic 22.1 and newer;
 * openstack/ironic ironic/api/controllers/v1/ramdisk.py ContinueInspectionController),
 * the endpoint Ironic itself puts on the kernel command line when it boots the
 * ramdisk for inspection (inspect_utils.get_inspection_callback). `inspector`:
 * the retired standalone ironic-inspector's `:5050/v1/continue`, for older
 * Ironic such as 21.4. `none`: no inspection callback in the conf.
 */
export const INSPECTION_MODES = ['ironic', 'inspector', 'none'] as const;
/** One of {@link INSPECTION_MODES}. */
export type InspectionMode = (typeof INSPECTION_MODES)[number];

/** The options the URLs come from, as parsed. */
export interface IronicUrlFlags {
  readonly host?: string | undefined;
  readonly 'api-port'?: string | undefined;
  readonly 'inspector-port'?: string | undefined;
  readonly inspection?: string | undefined;
  readonly scheme?: string | undefined;
  readonly 'api-url'?: readonly string[] | undefined;
  readonly 'inspection-url'?: readonly string[] | undefined;
}

/** The validated URLs. */
export interface IronicUrls {
  apiUrls: string[];
  inspectionUrls: string[];
}

/** A port number 1–65535. */
function port(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    throw new UsageError(`${flag} must be a port number 1-65535, got "${text}"`);
  return Number(text);
}

/** `--host` as it goes into a URL (IPv6 in brackets). */
export function urlHost(value: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value))
    throw new UsageError(`--host takes a host name or address, not a URL; use --api-url "${value}"`);
  const bare = value.replace(/^\[(.*)\]$/, '$1');
  const family = ipFamily(bare);
  if (family === 6) return `[${bare}]`;
  if (family === 4) return bare;
  if (value.includes(':'))
    throw new UsageError(`--host "${value}" must not include a port: use --api-port and --inspector-port`);
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(value)) {
    throw new UsageError(`--host "${value}" is not a valid host name or IP address`);
  }
  return value;
}

/**
 * The Ironic URLs from --host/--api-url/--inspection-url.
 * @param tls - `--insecure` or `--ca-file` was given: `--host` URLs default to https
 * @throws UsageError for conflicting or invalid flags
 */
export function ironicUrls(v: IronicUrlFlags, tls: boolean): IronicUrls {
  const apiList = v['api-url'] ?? [];
  if (v.host !== undefined && apiList.length > 0) throw new UsageError('use either --host or --api-url, not both');
  if (
    v.host === undefined &&
    (v['api-port'] !== undefined ||
      v['inspector-port'] !== undefined ||
      v.scheme !== undefined ||
      v.inspection !== undefined)
  ) {
    throw new UsageError('--api-port, --inspection, --inspector-port and --scheme only apply with --host');
  }
  const urls =
    v.host === undefined
      ? { apiUrls: [...apiList], inspectionUrls: [...(v['inspection-url'] ?? [])] }
      : hostUrls(v.host, v, tls);
  if (urls.apiUrls.length === 0) throw new UsageError('no Ironic address: pass --host HOST or --api-url URL');
  for (const url of urls.apiUrls) fail(checkServiceUrl('--api-url', url));
  for (const url of urls.inspectionUrls) fail(checkServiceUrl('--inspection-url', url));
  if (tls && ![...urls.apiUrls, ...urls.inspectionUrls].some((u) => u.startsWith('https:'))) {
    throw new UsageError('--insecure and --ca-file only apply to https URLs: use https (e.g. --scheme https)');
  }
  return urls;
}

/** The URLs `--host` gives, with its port, scheme and inspection flags. */
function hostUrls(host: string, v: IronicUrlFlags, tls: boolean): IronicUrls {
  if (v.scheme !== undefined && v.scheme !== 'http' && v.scheme !== 'https')
    throw new UsageError(`--scheme must be http or https, got "${v.scheme}"`);
  const scheme = v.scheme ?? (tls ? 'https' : 'http');
  const name = urlHost(host);
  const api = `${scheme}://${name}:${port('--api-port', v['api-port'], DEFAULT_API_PORT)}`;
  const mode = inspectionMode(v);
  if (mode === 'ironic') return { apiUrls: [api], inspectionUrls: [`${api}/v1/continue_inspection`] };
  if (mode === 'inspector') {
    const inspector = port('--inspector-port', v['inspector-port'], DEFAULT_INSPECTOR_PORT);
    return { apiUrls: [api], inspectionUrls: [`${scheme}://${name}:${inspector}/v1/continue`] };
  }
  return { apiUrls: [api], inspectionUrls: [...(v['inspection-url'] ?? [])] };
}

/** The `--inspection` mode with --host; null when --inspection-url gives the URLs instead. */
function inspectionMode(v: IronicUrlFlags): InspectionMode | null {
  const given = v.inspection;
  if (given !== undefined && !(INSPECTION_MODES as readonly string[]).includes(given)) {
    throw new UsageError(`--inspection must be one of ${INSPECTION_MODES.join(', ')}, got "${given}"`);
  }
  const mode = (given ?? 'ironic') as InspectionMode;
  if (v['inspector-port'] !== undefined && mode !== 'inspector') {
    throw new UsageError(
      "--inspector-port only applies with --inspection inspector (Ironic's own inspection uses the API port)",
    );
  }
  if ((v['inspection-url'] ?? []).length > 0) {
    if (given !== undefined) throw new UsageError('use either --inspection or --inspection-url, not both');
    return null;
  }
  return mode;
}

function fail(message: string | null): void {
  if (message !== null) throw new UsageError(message);
}
