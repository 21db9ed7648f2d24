/**
 * Command-line options of `ironic-coreos-agent ignition build`: the option
 * table (which also gives `--help`) and the validation of the parsed values.
 * Pure: files named by options are only read later (cli.ts), and everything
 * here fails with a UsageError that says what to pass instead.
 */
import { parseOptions, type OptionValues } from '../../common/cli/options.js';
import { UsageError } from '../../common/cli/types.js';
import { DEFAULT_ROOT_MOUNT } from '../../container/paths.js';
import type { ProxySettings } from '../../container/proxy-env.js';
import { refuseBuildPyFlags } from './build-py-flags.js';
import { imageReference } from './image-ref.js';
import { DEFAULT_API_PORT, DEFAULT_INSPECTOR_PORT, ironicUrls } from './ironic-urls.js';
import { DEFAULT_SPEC, isSpecVersion, SPEC_VERSIONS, type SpecVersion } from '../types.js';

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

const IRONIC = 'Ironic (either --host, or --api-url with an optional --inspection-url)';

/** The options of `ignition build`, in help order. */
export const BUILD_OPTIONS = {
  host: {
    type: 'string',
    value: 'host',
    section: IRONIC,
    help: `Ironic host name or address (API on port ${DEFAULT_API_PORT},\ninspection data to the API's /v1/continue_inspection)`,
  },
  'api-port': {
    type: 'string',
    value: 'port',
    section: IRONIC,
    help: `API port with --host (default ${DEFAULT_API_PORT})`,
  },
  inspection: {
    type: 'string',
    value: 'mode',
    section: IRONIC,
    help: [
      'Where --host sends inspection data:',
      '  ironic     <api>/v1/continue_inspection (default;',
      '             API 1.84 (Ironic 22.1) and newer)',
      '  inspector  a standalone ironic-inspector at',
      `             <host>:${DEFAULT_INSPECTOR_PORT}/v1/continue (older Ironic)`,
      '  none       no inspection callback',
    ].join('\n'),
  },
  'inspector-port': {
    type: 'string',
    value: 'port',
    section: IRONIC,
    help: `ironic-inspector port with --inspection inspector\n(default ${DEFAULT_INSPECTOR_PORT})`,
  },
  scheme: {
    type: 'string',
    value: 'http|https',
    section: IRONIC,
    help: 'URL scheme with --host (default https with --insecure\nor --ca-file, else http)',
  },
  'api-url': {
    type: 'string',
    multiple: true,
    value: 'url',
    section: IRONIC,
    help: 'Full Ironic API URL (repeatable)',
  },
  'inspection-url': {
    type: 'string',
    multiple: true,
    value: 'url',
    section: IRONIC,
    help: 'Full inspection callback URL (repeatable)',
  },
  insecure: { type: 'boolean', section: IRONIC, help: "Do not verify Ironic's TLS certificate" },
  'ca-file': { type: 'string', value: 'file', section: IRONIC, help: "CA bundle for Ironic's certificate (PEM)" },
  'agent-config': {
    type: 'string',
    multiple: true,
    value: 'key=value',
    section: IRONIC,
    help: 'Extra agent option in [DEFAULT] (repeatable)',
  },
  registry: {
    type: 'string',
    value: 'registry',
    section: 'Image',
    help: 'Registry and namespace, e.g. quay.io/example',
  },
  image: {
    type: 'string',
    value: 'name',
    section: 'Image',
    help: 'Image name, or a full reference (default ironic-coreos-agent)',
  },
  tag: { type: 'string', value: 'tag', section: 'Image', help: 'Image tag (default latest)' },
  'insecure-registry': {
    type: 'boolean',
    section: 'Image',
    help: 'Pull without TLS verification (--tls-verify=false)',
  },
  'pull-secret': {
    type: 'string',
    value: 'file',
    section: 'Image',
    help: 'Registry credentials (auth.json) for podman pull',
  },
  'http-proxy': { type: 'string', value: 'url', section: 'Image', help: 'HTTP proxy for podman and the agent' },
  'https-proxy': { type: 'string', value: 'url', section: 'Image', help: 'HTTPS proxy for podman and the agent' },
  'no-proxy': { type: 'string', value: 'list', section: 'Image', help: 'Hosts reached without the proxy' },
  'ssh-key': {
    type: 'string',
    multiple: true,
    value: 'file',
    section: 'Host',
    help: 'Public key(s) for user core (repeatable;\ndefault: the first ~/.ssh/id_*.pub)',
  },
  'no-ssh-key': {
    type: 'boolean',
    section: 'Host',
    help: 'No SSH key: the live ISO is then reachable only on\nits console (the agent does not need SSH)',
  },
  'root-mount': {
    type: 'string',
    value: 'path',
    section: 'Host',
    help: `Where the container sees the host root (default ${DEFAULT_ROOT_MOUNT})`,
  },
  merge: {
    type: 'string',
    multiple: true,
    value: 'file',
    section: 'Host',
    help: 'Extra Ignition config whose files, directories, links,\nunits, users and groups are added (repeatable)',
  },
  spec: {
    type: 'string',
    value: 'version',
    section: 'Output',
    help: `Ignition spec: ${SPEC_VERSIONS.join(', ')} (default ${DEFAULT_SPEC})`,
  },
  output: {
    type: 'string',
    short: 'o',
    value: 'file',
    section: 'Output',
    help: 'Write here (mode 0600) instead of stdout',
  },
} as const;

/** Parsed `ignition build` arguments. */
export type BuildValues = OptionValues<typeof BUILD_OPTIONS>;

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

/**
 * Validate parsed `ignition build` values.
 * @throws UsageError naming the problem and what to pass instead
 */
export function buildOptions(values: BuildValues): BuildOptions {
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
    sshKeyFiles: [...(values['ssh-key'] ?? [])],
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
    mergeFiles: [...(values.merge ?? [])],
    spec,
    output: values.output ?? null,
    rootMount: rootMount(values['root-mount']),
  };
}

/**
 * Parse and validate `ignition build` arguments (without `--help`, which the
 * command handles first).
 * @throws UsageError naming the problem and what to pass instead
 */
export function parseBuildOptions(argv: readonly string[]): BuildOptions {
  refuseBuildPyFlags(argv);
  return buildOptions(parseOptions(argv, BUILD_OPTIONS).values);
}
