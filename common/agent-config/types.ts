/**
 * The agent's typed configuration. Built by loadConfig (agent/config/load.ts)
 * from, lowest to highest precedence: defaults, INI files in the config dir,
 * the kernel command line (`ipa-*`), then CLI flags.
 */

/** Where a value came from, for error messages ("--listen-port", "/etc/.../a.conf [DEFAULT] listen_port", "kernel cmdline ipa-listen-port"). */
export type ConfigSources = Record<string, string>;

/** Every option the agent understands. Field comments give IPA's option name and our default. */
export interface AgentConfig {
  /** `api_url`: Ironic API URLs (comma-separated in IPA). Empty when unset. */
  apiUrls: string[];
  /** `inspection_callback_url`. Default null. */
  inspectionCallbackUrl: string | null;
  /** `inspection_collectors`. Default `['default', 'logs']`. */
  inspectionCollectors: string[];
  /** `inspection_dhcp_wait_timeout` seconds. Default 60. */
  inspectionDhcpWaitTimeout: number;
  /** `inspection_dhcp_all_interfaces`. Default false. */
  inspectionDhcpAllInterfaces: boolean;
  /** `insecure`: skip TLS verification of Ironic. Default false. */
  insecure: boolean;
  /** `cafile`: CA bundle for Ironic. Default null. */
  cafile: string | null;
  /** `certfile` / `keyfile`: client certificate for Ironic. Default null. */
  certfile: string | null;
  keyfile: string | null;
  /** `listen_host`. Default `::`. */
  listenHost: string;
  /** `listen_port`. Default 9999. */
  listenPort: number;
  /** `advertise_host`. Default null (detected from the route to Ironic). */
  advertiseHost: string | null;
  /** `advertise_port`. Default 9999. */
  advertisePort: number;
  /** `advertise_protocol`. Default `http` (becomes https with TLS). */
  advertiseProtocol: 'http' | 'https';
  /** `lookup_timeout` seconds. Default 600. */
  lookupTimeout: number;
  /** `lookup_interval` seconds (initial backoff). Default 1. */
  lookupInterval: number;
  /** `ip_lookup_attempts`. Default 6. */
  ipLookupAttempts: number;
  /** `ip_lookup_sleep` seconds. Default 10. */
  ipLookupSleep: number;
  /** `network_interface`: take the advertise IP from this NIC. Default null. */
  networkInterface: string | null;
  /** `agent_token`: pre-shared token. Default null. */
  agentToken: string | null;
  /** `standalone`: serve the API without lookup or heartbeat. Default false. */
  standalone: boolean;
  /** `global_request_id`, sent as X-OpenStack-Request-ID. Default null. */
  globalRequestId: string | null;
  /** `ironic_api_version`: pin the API version. Default null (discover). */
  ironicApiVersion: string | null;
  /** `http_request_timeout` seconds. Default 30. */
  httpRequestTimeout: number;
  /** `enable_auto_tls`. Default true. */
  enableAutoTls: boolean;
  /** `listen_tls`: static TLS from tls_cert_file/tls_key_file. Default false. */
  listenTls: boolean;
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
  /** `tls_certificate_curve`: p256, p384 or p521. Default p384. */
  tlsCertificateCurve: 'p256' | 'p384' | 'p521';
  /** `auto_tls_allowed_clock_skew` seconds. Default 3600. */
  autoTlsAllowedClockSkew: number;
  /** `tls_min_version`: 1.2 or 1.3. Default 1.2. */
  tlsMinVersion: '1.2' | '1.3';
  /** `tls_cipher_suites`: OpenSSL cipher list for TLS 1.2. Default null (IPA's ECDHE AES-GCM list). */
  tlsCipherSuites: string | null;
  /** `debug`. Default false. */
  debug: boolean;
  /** oslo.log `use_json` (formerly our `log_json`): JSON log lines. Default false. */
  logJson: boolean;
  /** `hardware_initialization_delay` seconds. Default 0. */
  hardwareInitializationDelay: number;
  /** `disk_wait_attempts` / `disk_wait_delay`. Defaults 10 / 3. */
  diskWaitAttempts: number;
  diskWaitDelay: number;
  /** `collect_lldp`. Default false. */
  collectLldp: boolean;
  /** `lldp_timeout` seconds. Default 30. */
  lldpTimeout: number;
  /** `enable_vlan_interfaces`. Default ''. */
  enableVlanInterfaces: string;
  /** `guard_special_filesystems`. Default true. */
  guardSpecialFilesystems: boolean;
  /** Kernel `BOOTIF` (PXE MAC, `01-aa-bb-...`). Default null. */
  bootif: string | null;
  /** Our own `--root-mount`: where the host root is mounted. Default `/mnt/coreos`. */
  rootMount: string;
  /** Our own `--device-allowlist`: globs of device paths that may ever be listed or touched. Default `['/dev/*']`. */
  deviceAllowlist: string[];
  /** Our own `--state-dir` (tmpfs). Default `/run/ironic-coreos-agent`. */
  stateDir: string;
  /** Our own `strict_root_device_hints`: more than one matching disk is an error. Default false. */
  strictRootDeviceHints: boolean;
  /** Our own `coreos_copy_network` default when meta_data does not say (IPA_COREOS_COPY_NETWORK). Default false. */
  coreosCopyNetwork: boolean;
  /** Our own `coreos_ip_options`: an extra karg such as `ip=dhcp6` (IPA_COREOS_IP_OPTIONS). Default null. */
  coreosIpOptions: string | null;
  /** Our own `coreos_allow_unsigned_image`: pass --insecure with --image-url. Default true (upstream behaviour). */
  coreosAllowUnsignedImage: boolean;
  /** Config dirs read in this order (later wins). Default `/etc/ironic-python-agent`, `/etc/ironic-python-agent.d`. */
  configDirs: string[];
  /** Kernel command line file that was read. */
  cmdlinePath: string;
  /** Where each non-default value came from, by IPA option name. */
  sources: ConfigSources;
}
