/**
 * The one table of agent options: IPA name, flag, kernel parameter, type,
 * default, AgentConfig field and help text. The loader, the kernel command-line
 * mapper and `agent --help` are all generated from it.
 *
 * Option names, kernel parameters and defaults follow openstack/ironic-python-agent
 * ironic_python_agent/config.py; the `coreos_*`, path and allowlist options are our own.
 */
import type { AgentConfig } from './types.js';

/** The value type of an option and the rules its values must satisfy. */
export type OptionType =
  | { kind: 'string'; pattern?: RegExp; expected?: string }
  | { kind: 'path' }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'float'; min?: number; max?: number }
  | { kind: 'bool' }
  | { kind: 'list'; itemPattern?: RegExp; expected?: string }
  | { kind: 'enum'; choices: readonly string[] }
  | { kind: 'url-list'; joined?: boolean };

/** Help-text groups, in display order. */
export const OPTION_GROUPS = {
  ironic: 'Ironic',
  api: 'API / listen',
  tls: 'TLS',
  lookup: 'Startup, lookup and heartbeat',
  inspection: 'Inspection',
  disks: 'Disks and CoreOS',
  logging: 'Logging',
  paths: 'Paths',
} as const;

/** A key of {@link OPTION_GROUPS}. */
export type OptionGroup = keyof typeof OPTION_GROUPS;

/** AgentConfig fields that options fill (everything except the `sources` record). */
export type OptionField = Exclude<keyof AgentConfig, 'sources'>;

interface OptionBase {
  /** IPA option name (`[DEFAULT]` key); the flag is `--` + name with `_` → `-`. */
  name: string;
  type: OptionType;
  group: OptionGroup;
  help: string;
  /** Kernel command-line parameter (`ipa-…`, or `BOOTIF`). */
  kernel?: string;
  /** Environment variable read by the container unit (upstream CoreOS glue). Empty means unset. */
  env?: string;
  /** Only settable by a flag (config-dir and cmdline paths cannot come from those files). */
  flagOnly?: true;
  /** Never echo the value in errors. */
  secret?: true;
  /** Other names accepted in config files and as flags (ours from before we adopted an IPA/oslo name). */
  aliases?: readonly string[];
}

/** One option; `default` is typed by its AgentConfig field. */
export type OptionSpec = { [K in OptionField]: OptionBase & { field: K; default: AgentConfig[K] } }[OptionField];

/**
 * The config dirs read when no --config-dir is given, in the order they apply
 * (later wins): the CoreOS image's, then IPA's drop-in directory.
 */
export const DEFAULT_CONFIG_DIRS: readonly string[] = ['/etc/ironic-python-agent', '/etc/ironic-python-agent.d'];

const port = { kind: 'int', min: 1, max: 65535 } as const;
const seconds = { kind: 'int', min: 0 } as const;
const bool = { kind: 'bool' } as const;
const path = { kind: 'path' } as const;
const text = { kind: 'string' } as const;

/** Every option the agent understands, grouped as in `agent --help`. */
export const OPTIONS: readonly OptionSpec[] = [
  // Ironic
  {
    name: 'api_url',
    field: 'apiUrls',
    type: { kind: 'url-list' },
    default: [],
    kernel: 'ipa-api-url',
    group: 'ironic',
    help: 'Ironic API URL(s), comma-separated, each http:// or https://; tried in order until one is reachable.',
  },
  {
    name: 'insecure',
    field: 'insecure',
    type: bool,
    default: false,
    kernel: 'ipa-insecure',
    group: 'ironic',
    help: 'Do not verify the TLS certificates of Ironic and of inspection endpoints.',
  },
  {
    name: 'cafile',
    field: 'cafile',
    type: path,
    default: null,
    group: 'ironic',
    help: 'PEM CA bundle used to verify Ironic instead of the system trust store.',
  },
  {
    name: 'certfile',
    field: 'certfile',
    type: path,
    default: null,
    group: 'ironic',
    help: 'PEM client certificate presented to Ironic; needs keyfile too.',
  },
  {
    name: 'keyfile',
    field: 'keyfile',
    type: path,
    default: null,
    group: 'ironic',
    help: 'PEM private key of the client certificate; needs certfile too.',
  },
  {
    name: 'ironic_api_version',
    field: 'ironicApiVersion',
    type: { kind: 'string', pattern: /^\d+\.\d+$/, expected: 'a version such as 1.68' },
    default: null,
    kernel: 'ipa-ironic-api-version',
    group: 'ironic',
    help: 'Pin the Ironic API microversion instead of negotiating it (advanced).',
  },
  {
    name: 'global_request_id',
    field: 'globalRequestId',
    default: null,
    kernel: 'ipa-global-request-id',
    group: 'ironic',
    type: {
      kind: 'string',
      pattern: /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      expected: 'req-<UUID>',
    },
    help: 'Sent to Ironic as the X-OpenStack-Request-ID header.',
  },
  {
    name: 'http_request_timeout',
    field: 'httpRequestTimeout',
    type: { kind: 'int', min: 1 },
    default: 30,
    kernel: 'ipa-http-request-timeout',
    group: 'ironic',
    help: 'Seconds to wait for an HTTP request to Ironic.',
  },
  {
    name: 'agent_token',
    field: 'agentToken',
    type: text,
    default: null,
    kernel: 'ipa-agent-token',
    group: 'ironic',
    secret: true,
    help: 'Pre-shared agent token (normally Ironic hands it out at lookup); prefer a 0600 config file, as flags show in ps.',
  },
  {
    name: 'standalone',
    field: 'standalone',
    type: bool,
    default: false,
    group: 'ironic',
    help: 'Serve the API only: no lookup, no heartbeat.',
  },
  // API / listen
  {
    name: 'listen_host',
    field: 'listenHost',
    type: text,
    default: '::',
    kernel: 'ipa-listen-host',
    group: 'api',
    help: 'Address the API listens on.',
  },
  {
    name: 'listen_port',
    field: 'listenPort',
    type: port,
    default: 9999,
    kernel: 'ipa-listen-port',
    group: 'api',
    help: 'Port the API listens on.',
  },
  {
    name: 'advertise_host',
    field: 'advertiseHost',
    type: text,
    default: null,
    kernel: 'ipa-advertise-host',
    group: 'api',
    help: 'Host put in the callback URL; unset means the source address of the route to Ironic.',
  },
  {
    name: 'advertise_port',
    field: 'advertisePort',
    type: port,
    default: 9999,
    kernel: 'ipa-advertise-port',
    group: 'api',
    help: 'Port put in the callback URL.',
  },
  {
    name: 'advertise_protocol',
    field: 'advertiseProtocol',
    type: { kind: 'enum', choices: ['http', 'https'] },
    default: 'http',
    kernel: 'ipa-advertise-protocol',
    group: 'api',
    help: 'Scheme of the callback URL (becomes https with auto-TLS).',
  },
  {
    name: 'network_interface',
    field: 'networkInterface',
    type: text,
    default: null,
    kernel: 'ipa-network-interface',
    group: 'api',
    help: 'Take the advertised address from this interface.',
  },
  // TLS
  {
    name: 'listen_tls',
    field: 'listenTls',
    type: bool,
    default: false,
    group: 'tls',
    help: 'Serve the API over TLS with tls_cert_file and tls_key_file (disables auto-TLS).',
  },
  {
    name: 'tls_cert_file',
    field: 'tlsCertFile',
    type: path,
    default: null,
    group: 'tls',
    help: 'PEM certificate for listen_tls.',
  },
  {
    name: 'tls_key_file',
    field: 'tlsKeyFile',
    type: path,
    default: null,
    group: 'tls',
    help: 'PEM private key for listen_tls.',
  },
  {
    name: 'enable_auto_tls',
    field: 'enableAutoTls',
    type: bool,
    default: true,
    group: 'tls',
    help: 'Generate a self-signed certificate for the advertised IP when Ironic supports it (API >= 1.68).',
  },
  {
    name: 'auto_tls_allowed_clock_skew',
    field: 'autoTlsAllowedClockSkew',
    type: seconds,
    default: 3600,
    group: 'tls',
    help: 'Seconds the generated certificate is back-dated, to tolerate clock skew.',
  },
  {
    name: 'tls_certificate_curve',
    field: 'tlsCertificateCurve',
    type: { kind: 'enum', choices: ['p256', 'p384', 'p521'] },
    default: 'p384',
    kernel: 'ipa-tls-certificate-curve',
    group: 'tls',
    help: 'Elliptic curve of the generated key.',
  },
  {
    name: 'tls_min_version',
    field: 'tlsMinVersion',
    type: { kind: 'enum', choices: ['1.2', '1.3'] },
    default: '1.2',
    kernel: 'ipa-tls-min-version',
    group: 'tls',
    help: 'Lowest TLS version accepted (1.3 means TLS 1.3 only).',
  },
  {
    name: 'tls_cipher_suites',
    field: 'tlsCipherSuites',
    type: text,
    default: null,
    kernel: 'ipa-tls-cipher-suites',
    group: 'tls',
    help: 'OpenSSL cipher list for TLS 1.2 (default: ECDHE ECDSA/RSA with AES-GCM).',
  },
  // Startup, lookup and heartbeat
  {
    name: 'lookup_timeout',
    field: 'lookupTimeout',
    type: seconds,
    default: 600,
    kernel: 'ipa-lookup-timeout',
    group: 'lookup',
    help: 'Seconds to keep retrying the lookup before exiting with an error.',
  },
  {
    name: 'lookup_interval',
    field: 'lookupInterval',
    type: seconds,
    default: 1,
    kernel: 'ipa-lookup-interval',
    group: 'lookup',
    help: 'First lookup retry delay in seconds; doubles after each failure.',
  },
  {
    name: 'ip_lookup_attempts',
    field: 'ipLookupAttempts',
    type: { kind: 'int', min: 1 },
    default: 6,
    kernel: 'ipa-ip-lookup-attempts',
    group: 'lookup',
    help: 'Attempts to find the address to advertise.',
  },
  {
    name: 'ip_lookup_sleep',
    field: 'ipLookupSleep',
    type: seconds,
    default: 10,
    kernel: 'ipa-ip-lookup-timeout',
    group: 'lookup',
    help: 'Seconds between attempts to find the address to advertise.',
  },
  {
    name: 'hardware_initialization_delay',
    field: 'hardwareInitializationDelay',
    type: seconds,
    default: 0,
    kernel: 'ipa-hardware-initialization-delay',
    group: 'lookup',
    help: 'Seconds to wait at startup before touching hardware.',
  },
  // Inspection
  {
    name: 'inspection_callback_url',
    field: 'inspectionCallbackUrl',
    type: { kind: 'url-list', joined: true },
    default: null,
    kernel: 'ipa-inspection-callback-url',
    group: 'inspection',
    help: 'Inspection endpoint(s), e.g. http://ironic:6385/v1/continue_inspection; when set, inventory is posted there at startup. Without api_url the agent then only serves its API (no lookup or heartbeat), as when Ironic boots it for inspection.',
  },
  {
    name: 'inspection_collectors',
    field: 'inspectionCollectors',
    type: { kind: 'list' },
    default: ['default', 'logs'],
    kernel: 'ipa-inspection-collectors',
    group: 'inspection',
    help: 'Inspection collectors, comma-separated.',
  },
  {
    name: 'inspection_dhcp_wait_timeout',
    field: 'inspectionDhcpWaitTimeout',
    type: seconds,
    default: 60,
    kernel: 'ipa-inspection-dhcp-wait-timeout',
    group: 'inspection',
    help: 'Seconds to wait for DHCP before inspecting (0: do not wait).',
  },
  {
    name: 'inspection_dhcp_all_interfaces',
    field: 'inspectionDhcpAllInterfaces',
    type: bool,
    default: false,
    kernel: 'ipa-inspection-dhcp-all-interfaces',
    group: 'inspection',
    help: 'Wait for every NIC to get an address, not only BOOTIF.',
  },
  {
    name: 'collect_lldp',
    field: 'collectLldp',
    type: bool,
    default: false,
    kernel: 'ipa-collect-lldp',
    group: 'inspection',
    help: 'Listen for LLDP on each NIC for the inventory (deprecated in IPA).',
  },
  {
    name: 'lldp_timeout',
    field: 'lldpTimeout',
    type: { kind: 'float', min: 0 },
    default: 30,
    kernel: 'ipa-lldp-timeout',
    group: 'inspection',
    help: 'Seconds to listen for LLDP packets.',
  },
  {
    name: 'enable_vlan_interfaces',
    field: 'enableVlanInterfaces',
    type: text,
    default: '',
    kernel: 'ipa-enable-vlan-interfaces',
    group: 'inspection',
    help: 'VLAN interfaces to bring up: iface.vlan, iface (all its LLDP VLANs) or all.',
  },
  {
    name: 'bootif',
    field: 'bootif',
    default: null,
    kernel: 'BOOTIF',
    group: 'inspection',
    type: {
      kind: 'string',
      pattern: /^(?:[0-9a-f]{2}(?:-[0-9a-f]{2}){6,20}|[0-9a-f]{2}(?::[0-9a-f]{2}){5})$/i,
      expected: 'a PXE hardware address such as 01-52-54-00-12-34-56',
    },
    help: 'PXE boot interface (set by the PXE loader as the BOOTIF kernel parameter).',
  },
  // Disks and CoreOS
  {
    name: 'disk_wait_attempts',
    field: 'diskWaitAttempts',
    type: seconds,
    default: 10,
    kernel: 'ipa-disk-wait-attempts',
    group: 'disks',
    help: 'Checks for a usable disk at startup.',
  },
  {
    name: 'disk_wait_delay',
    field: 'diskWaitDelay',
    type: seconds,
    default: 3,
    kernel: 'ipa-disk-wait-delay',
    group: 'disks',
    help: 'Seconds between disk checks (0: do not wait).',
  },
  {
    name: 'guard_special_filesystems',
    field: 'guardSpecialFilesystems',
    type: bool,
    default: true,
    kernel: 'ipa-guard-special-filesystems',
    group: 'disks',
    help: 'Refuse to erase disks holding shared filesystems (GPFS, VMFS, GFS2).',
  },
  {
    name: 'root_mount',
    field: 'rootMount',
    type: path,
    default: '/mnt/coreos',
    group: 'disks',
    help: 'Where the host root filesystem is mounted in the container.',
  },
  {
    name: 'device_allowlist',
    field: 'deviceAllowlist',
    default: ['/dev/*'],
    group: 'disks',
    type: {
      kind: 'list',
      itemPattern: /^\/dev\/\S+$/,
      expected: 'device path globs under /dev/, e.g. /dev/sd* or /dev/disk/by-path/*',
    },
    help: 'Globs of device paths the agent may list or touch (repeat the flag or separate with commas).',
  },
  {
    name: 'strict_root_device_hints',
    field: 'strictRootDeviceHints',
    type: bool,
    default: false,
    group: 'disks',
    help: 'Fail when root device hints match more than one disk instead of taking the first.',
  },
  {
    name: 'coreos_copy_network',
    field: 'coreosCopyNetwork',
    type: bool,
    default: false,
    env: 'IPA_COREOS_COPY_NETWORK',
    group: 'disks',
    help: "Pass --copy-network to coreos-installer when the node's meta_data does not say.",
  },
  {
    name: 'coreos_ip_options',
    field: 'coreosIpOptions',
    default: null,
    env: 'IPA_COREOS_IP_OPTIONS',
    group: 'disks',
    type: { kind: 'string', pattern: /^\S+$/, expected: 'one kernel argument without spaces, e.g. ip=dhcp6' },
    help: 'Extra kernel argument for the installed system, e.g. ip=dhcp6.',
  },
  {
    name: 'coreos_allow_unsigned_image',
    field: 'coreosAllowUnsignedImage',
    type: bool,
    default: true,
    group: 'disks',
    help: 'Pass --insecure with --image-url (the image signature may be absent).',
  },
  // Logging
  {
    name: 'debug',
    field: 'debug',
    type: bool,
    default: false,
    kernel: 'ipa-debug',
    group: 'logging',
    help: 'Log at debug level.',
  },
  // oslo.log's use_json (openstack/oslo.log oslo_log/_options.py); log_json was our name for it before.
  {
    name: 'use_json',
    field: 'logJson',
    type: bool,
    default: false,
    group: 'logging',
    aliases: ['log_json'],
    help: 'Write one JSON object per log line (oslo.log use_json).',
  },
  // Paths
  {
    name: 'state_dir',
    field: 'stateDir',
    type: path,
    default: '/run/ironic-coreos-agent',
    group: 'paths',
    help: "Directory (tmpfs) for this boot's token, TLS files and command history.",
  },
  // IPA's own ramdisk reads /etc/ironic-python-agent.d (where Ironic's virtual media puts ironic-tls.conf:
  // openstack/ironic ironic/drivers/modules/image_utils.py prepare_deploy_iso), openshift/ironic-agent-image
  // reads /etc/ironic-python-agent (Dockerfile ENTRYPOINT); we read both, the .d directory last.
  {
    name: 'config_dir',
    field: 'configDirs',
    type: { kind: 'list', itemPattern: /^\//, expected: 'an absolute path' },
    default: [...DEFAULT_CONFIG_DIRS],
    group: 'paths',
    flagOnly: true,
    help:
      'Directory whose *.conf files are read in name order; repeat the flag for more, later directories win ' +
      "(as oslo.config's --config-dir). A missing directory is fine.",
  },
  {
    name: 'cmdline_path',
    field: 'cmdlinePath',
    type: path,
    default: '/proc/cmdline',
    group: 'paths',
    flagOnly: true,
    help: 'Kernel command line to read ipa-* parameters from.',
  },
];

/**
 * IPA/oslo options we accept in config files and on the kernel command line
 * without effect (logged at debug level instead of warned about as unknown).
 */
export const IGNORED_IPA_OPTIONS: readonly string[] = [
  'log_file',
  'log_dir',
  'use_stderr',
  'use_journal',
  'use_syslog',
  'log_config_append',
  'log_date_format',
  'default_log_levels',
  'verbose',
  'ntp_server',
  'fail_if_clock_not_set',
  'md5_enabled',
  'config_drive_rebuild',
  'disable_deep_image_inspection',
  'permitted_image_formats',
  'disable_bootc_deploy',
  'enable_bios_bootloader_install',
  'image_server_user',
  'image_server_password',
  'image_server_auth_strategy',
  'image_download_connection_timeout',
  'image_download_connection_retries',
  'image_download_connection_retry_interval',
  'image_download_max_duration',
  'ignore_bootloader_failure',
  'inject_files_priority',
  'introspection_daemon',
  'introspection_daemon_post_interval',
  'inspection_benchmarks',
  'use_mdns',
];

/** Config-file sections IPA defines besides `[DEFAULT]`; we read none of them except the `[ssl]` aliases. */
export const KNOWN_IPA_SECTIONS: readonly string[] = [
  'mdns',
  'disk_utils',
  'disk_partitioner',
  'metrics',
  'metrics_statsd',
  'container',
  'ssl',
];

/** oslo's deprecated `[ssl]` names for the static TLS files. */
export const SSL_SECTION_ALIASES: Readonly<Record<string, string>> = {
  cert_file: 'tls_cert_file',
  key_file: 'tls_key_file',
};

/** The `--flag` spelling of an option. */
export function flagName(spec: OptionSpec): string {
  return `--${spec.name.replace(/_/g, '-')}`;
}

/** The option's flag followed by the flags of its aliases. */
export function flagNames(spec: OptionSpec): string[] {
  return [spec.name, ...(spec.aliases ?? [])].map((name) => `--${name.replace(/_/g, '-')}`);
}

/** Find an option by IPA name or alias; `-` and `_` are equivalent (oslo treats `guard-special-filesystems` so). */
export function findOption(name: string): OptionSpec | undefined {
  const normalised = name.replace(/-/g, '_');
  return OPTIONS.find((o) => o.name === normalised) ?? OPTIONS.find((o) => o.aliases?.includes(normalised) === true);
}

/** Whether `name` is an IPA option we accept without effect. */
export function isIgnoredOption(name: string): boolean {
  return IGNORED_IPA_OPTIONS.includes(name.replace(/-/g, '_'));
}
