/**
 * Command-line options of `ironic-coreos-agent ignition build` and their
 * validation. Pure: files named by options are only read later (cli.ts), and
 * everything here fails with a UsageError that says what to pass instead.
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { UsageError } from '../../common/cli/types.js';
import { DEFAULT_ROOT_MOUNT } from '../../container/paths.js';
import type { ProxySettings } from '../../container/proxy-env.js';
import { checkServiceUrl } from './agent-conf.js';
import { imageReference } from './image-ref.js';
import { DEFAULT_SPEC, isSpecVersion, SPEC_VERSIONS, type SpecVersion } from '../types.js';

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

/** Validated options. Paths are as given (relative to the working directory). */
export interface BuildOptions {
  apiUrls: string[];
  inspectionUrls: string[];
  /** Fully qualified image reference. */
  image: string;
  /** False with `--insecure-registry`. */
  tlsVerify: boolean;
  /** `--ssh-key` files; empty means "find ~/.ssh/id_*.pub" unless `noSshKey`. */
  sshKeyFiles: string[];
  /** `--no-ssh-key`: no key for user core (the live ISO is used without SSH). */
  noSshKey: boolean;
  /** `--agent-config KEY=VALUE` pairs in order. */
  agentConfig: [string, string][];
  insecure: boolean;
  caFile: string | null;
  proxy: ProxySettings;
  pullSecretFile: string | null;
  mergeFiles: string[];
  spec: SpecVersion;
  /** `-o FILE`, or null for stdout. */
  output: string | null;
  rootMount: string;
}

/** The parseArgs option table. */
export const BUILD_OPTIONS = {
  host: { type: 'string' },
  'api-port': { type: 'string' },
  'inspector-port': { type: 'string' },
  inspection: { type: 'string' },
  scheme: { type: 'string' },
  'api-url': { type: 'string', multiple: true },
  'inspection-url': { type: 'string', multiple: true },
  registry: { type: 'string' },
  image: { type: 'string' },
  tag: { type: 'string' },
  'insecure-registry': { type: 'boolean' },
  'ssh-key': { type: 'string', multiple: true },
  'no-ssh-key': { type: 'boolean' },
  'agent-config': { type: 'string', multiple: true },
  insecure: { type: 'boolean' },
  'ca-file': { type: 'string' },
  'http-proxy': { type: 'string' },
  'https-proxy': { type: 'string' },
  'no-proxy': { type: 'string' },
  'pull-secret': { type: 'string' },
  merge: { type: 'string', multiple: true },
  spec: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'root-mount': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `ignition build --help`. */
export const BUILD_USAGE = `Usage: ironic-coreos-agent ignition build [options]

Write the Ignition config for a CoreOS live ISO that runs the agent container.

Ironic (either --host, or --api-url with an optional --inspection-url):
  --host HOST              Ironic host name or address (API on port 6385,
                           inspection data to the API's /v1/continue_inspection)
  --api-port PORT          API port with --host (default ${DEFAULT_API_PORT})
  --inspection MODE        where --host sends inspection data:
                             ironic     <api>/v1/continue_inspection (default;
                                        API 1.84 (Ironic 22.1) and newer)
                             inspector  a standalone ironic-inspector at
                                        <host>:${DEFAULT_INSPECTOR_PORT}/v1/continue (older Ironic)
                             none       no inspection callback
  --inspector-port PORT    ironic-inspector port with --inspection inspector
                           (default ${DEFAULT_INSPECTOR_PORT})
  --scheme http|https      URL scheme with --host (default https with --insecure
                           or --ca-file, else http)
  --api-url URL            full Ironic API URL (repeatable)
  --inspection-url URL     full inspection callback URL (repeatable)
  --insecure               do not verify Ironic's TLS certificate
  --ca-file FILE           CA bundle for Ironic's certificate (PEM)
  --agent-config KEY=VALUE extra agent option in [DEFAULT] (repeatable)

Image:
  --registry REGISTRY      registry and namespace, e.g. quay.io/example
  --image NAME             image name, or a full reference (default ironic-coreos-agent)
  --tag TAG                image tag (default latest)
  --insecure-registry      pull without TLS verification (--tls-verify=false)
  --pull-secret FILE       registry credentials (auth.json) for podman pull
  --http-proxy URL, --https-proxy URL, --no-proxy LIST
                           proxy settings for podman and the agent

Host:
  --ssh-key FILE           public key(s) for user core (repeatable;
                           default: the first ~/.ssh/id_*.pub)
  --no-ssh-key             no SSH key: the live ISO is then reachable only on
                           its console (the agent does not need SSH)
  --root-mount PATH        where the container sees the host root (default ${DEFAULT_ROOT_MOUNT})
  --merge FILE             extra Ignition config whose files, directories, links,
                           units, users and groups are added (repeatable)

Output:
  --spec VERSION           Ignition spec: ${SPEC_VERSIONS.join(', ')} (default ${DEFAULT_SPEC})
  -o, --output FILE        write here (mode 0600) instead of stdout
  -h, --help               show this help
`;

type Values = ReturnType<
  typeof parseArgs<{ options: typeof BUILD_OPTIONS; strict: true; allowPositionals: true }>
>['values'];

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
  if (isIP(bare) === 6) return `[${bare}]`;
  if (isIP(bare) === 4) return bare;
  if (value.includes(':'))
    throw new UsageError(`--host "${value}" must not include a port: use --api-port and --inspector-port`);
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(value)) {
    throw new UsageError(`--host "${value}" is not a valid host name or IP address`);
  }
  return value;
}

/** The Ironic URLs from --host/--api-url/--inspection-url. */
function ironicUrls(v: Values, tls: boolean): { apiUrls: string[]; inspectionUrls: string[] } {
  const apiList = v['api-url'] ?? [];
  const inspectionList = v['inspection-url'] ?? [];
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
  let apiUrls = apiList;
  let inspectionUrls = inspectionList;
  if (v.host !== undefined) {
    if (v.scheme !== undefined && v.scheme !== 'http' && v.scheme !== 'https')
      throw new UsageError(`--scheme must be http or https, got "${v.scheme}"`);
    const scheme = v.scheme ?? (tls ? 'https' : 'http');
    const host = urlHost(v.host);
    const api = `${scheme}://${host}:${port('--api-port', v['api-port'], DEFAULT_API_PORT)}`;
    apiUrls = [api];
    const mode = inspectionMode(v);
    if (mode === 'ironic') inspectionUrls = [`${api}/v1/continue_inspection`];
    if (mode === 'inspector')
      inspectionUrls = [
        `${scheme}://${host}:${port('--inspector-port', v['inspector-port'], DEFAULT_INSPECTOR_PORT)}/v1/continue`,
      ];
  }
  if (apiUrls.length === 0) throw new UsageError('no Ironic address: pass --host HOST or --api-url URL');
  for (const url of apiUrls) fail(checkServiceUrl('--api-url', url));
  for (const url of inspectionUrls) fail(checkServiceUrl('--inspection-url', url));
  if (tls && ![...apiUrls, ...inspectionUrls].some((u) => u.startsWith('https:'))) {
    throw new UsageError('--insecure and --ca-file only apply to https URLs: use https (e.g. --scheme https)');
  }
  return { apiUrls, inspectionUrls };
}

/** The `--inspection` mode with --host; null when --inspection-url gives the URLs instead. */
function inspectionMode(v: Values): InspectionMode | null {
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

/** `KEY=VALUE` pairs from --agent-config. */
function agentConfig(list: readonly string[]): [string, string][] {
  return list.map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--agent-config expects KEY=VALUE, got "${item}"`);
    return [item.slice(0, eq).trim(), item.slice(eq + 1)];
  });
}

/** An absolute, normalised directory path for --root-mount. */
function rootMount(value: string | undefined): string {
  if (value === undefined) return DEFAULT_ROOT_MOUNT;
  const ok = /^(\/[A-Za-z0-9._-]+)+$/.test(value) && !value.split('/').some((part) => part === '.' || part === '..');
  if (!ok)
    throw new UsageError(
      `--root-mount must be an absolute path below / such as ${DEFAULT_ROOT_MOUNT} (letters, digits, ".", "_", "-"), got "${value}"`,
    );
  return value;
}

/** `--tls` values of openshift's build.py and what they mean here. */
const BUILD_PY_TLS: Readonly<Record<string, string>> = {
  off: 'http is the default, so drop it',
  on: 'use --scheme https',
  insecure: 'use --scheme https --insecure',
};

/**
 * Refuse the flags of openshift/ironic-agent-image's ignition/build.py that we
 * spell differently, naming ours (`--tls off|on|insecure`, `--option LINE`).
 * @throws UsageError for either
 */
function refuseBuildPyFlags(argv: readonly string[]): void {
  for (const [index, arg] of argv.entries()) {
    if (arg === '--') return;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (flag !== '--tls' && flag !== '--option') continue;
    const value = inline ?? argv[index + 1];
    if (flag === '--tls') {
      const advice = value === undefined ? undefined : BUILD_PY_TLS[value];
      throw new UsageError(
        `--tls is openshift build.py's flag; here ${advice ?? 'use --scheme https, adding --insecure to skip certificate verification'}`,
      );
    }
    const pair = value === undefined ? null : /^\s*([^=:\s]+)\s*[=:]\s*(.*?)\s*$/.exec(value);
    const example = pair === null ? '--agent-config KEY=VALUE' : `--agent-config ${pair[1] ?? ''}=${pair[2] ?? ''}`;
    throw new UsageError(
      `--option is openshift build.py's flag; here use ${example} (repeatable; checked against the agent's options)`,
    );
  }
}

/**
 * Parse and validate `ignition build` arguments (without `--help`, which the
 * caller handles first).
 * @throws UsageError naming the problem and what to pass instead
 */
export function parseBuildOptions(argv: readonly string[]): BuildOptions {
  refuseBuildPyFlags(argv);
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: BUILD_OPTIONS,
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
  const insecure = values.insecure === true;
  const caFile = values['ca-file'] ?? null;
  if (insecure && caFile !== null) throw new UsageError('use either --insecure or --ca-file, not both');
  if (values['no-ssh-key'] === true && values['ssh-key'] !== undefined)
    throw new UsageError('use either --ssh-key or --no-ssh-key, not both');
  const spec = values.spec ?? DEFAULT_SPEC;
  if (!isSpecVersion(spec)) throw new UsageError(`--spec must be one of ${SPEC_VERSIONS.join(', ')}, got "${spec}"`);
  const image = imageReference(values.registry, values.image, values.tag);
  if ('error' in image) throw new UsageError(image.error);
  return {
    ...ironicUrls(values, insecure || caFile !== null),
    image: image.ref,
    tlsVerify: values['insecure-registry'] !== true,
    sshKeyFiles: values['ssh-key'] ?? [],
    noSshKey: values['no-ssh-key'] === true,
    agentConfig: agentConfig(values['agent-config'] ?? []),
    insecure,
    caFile,
    proxy: {
      httpProxy: values['http-proxy'] ?? null,
      httpsProxy: values['https-proxy'] ?? null,
      noProxy: values['no-proxy'] ?? null,
    },
    pullSecretFile: values['pull-secret'] ?? null,
    mergeFiles: values.merge ?? [],
    spec,
    output: values.output ?? null,
    rootMount: rootMount(values['root-mount']),
  };
}
