/**
 * Pure renderers for the test bed's `ironic.conf` and `inspector.conf`.
 *
 * The Ironic configuration is a standalone one: noauth, rpc_transport none (the
 * combined `ironic` process), sqlite, fake and manual-management hardware, no
 * DHCP or Neutron, short callback timeouts. The API listens on the host end of
 * the node veths (`hostIp`) instead of loopback. Added: the `inspector` inspect
 * interface and an `[inspector]` section that points at a local
 * ironic-inspector, and the differences of newer Ironic releases (see
 * {@link SuiteProfile}). oslo.config keeps text after a value as
 * part of the value, so comments are always on lines of their own.
 */
import { join } from 'node:path';
import { type ResolvedSettings, inspectorUrl, ironicUrl, layout } from './ironic-settings.js';
import { SUITE_PROFILES, type IronicSuite, type SuiteProfile } from './ironic-suites.js';

/** One config line: a key/value pair, or a comment when `value` is undefined. */
type Line = readonly [key: string, value?: string | number | boolean];
/** Sections in file order. */
type Sections = ReadonlyArray<readonly [name: string, lines: readonly Line[]]>;

/** Render sections as oslo.config INI text (comments on their own lines). */
export function renderIni(header: string, sections: Sections): string {
  const out = [`# ${header}`];
  for (const [name, lines] of sections) {
    out.push('', `[${name}]`);
    for (const [key, value] of lines) out.push(value === undefined ? `# ${key}` : `${key} = ${String(value)}`);
  }
  return `${out.join('\n')}\n`;
}

/** `enabled_inspect_interfaces` of a release: ironic-inspector's interface where the test bed uses it, else Ironic's own `agent`. */
export function inspectInterfaces(profile: SuiteProfile): string {
  return ['no-inspect', 'fake', profile.inspection].join(',');
}

/**
 * Render `ironic.conf` for the Ironic of `suite` (the standalone configuration
 * on `hostIp`, plus the inspector wiring and the release's differences).
 */
export function renderIronicConf(s: ResolvedSettings, suite: IronicSuite = 'bookworm'): string {
  const p = layout(s.dir);
  const profile = SUITE_PROFILES[suite];
  const graceful: Line[] = [['SIGTERM must not wait 60 s for in-flight work'], ['graceful_shutdown_timeout', 15]];
  const sections: Array<readonly [string, readonly Line[]]> = [
    [
      'DEFAULT',
      [
        ['no keystone: every API request is treated as an admin request'],
        ['auth_strategy', 'noauth'],
        ['single process (the combined "ironic" command): the API calls the conductor in-process'],
        ['rpc_transport', 'none'],
        ['host', 'ironic-testbed'],
        ['my_ip', s.hostIp],
        ['debug', true],
        ['log_file', join(p.log, 'ironic.log')],
        ['use_stderr', false],
        ['state_path', p.state],
        ['tempdir', p.tmp],
        ['pybasedir', '/usr/lib/python3/dist-packages/ironic'],
        ['enabled_hardware_types', 'fake-hardware,manual-management'],
        ['manual-management only loads with pxe or ipxe boot enabled'],
        ['enabled_boot_interfaces', 'fake,pxe'],
        ['enabled_deploy_interfaces', 'custom-agent,direct,fake'],
        ['default_deploy_interface', 'custom-agent'],
        ['enabled_power_interfaces', 'fake,agent'],
        ['enabled_management_interfaces', 'fake,noop'],
        ['enabled_network_interfaces', 'noop'],
        ['default_network_interface', 'noop'],
        ['"inspector" delegates in-band inspection to ironic-inspector, "agent" is Ironic\'s own (see [inspector])'],
        ['enabled_inspect_interfaces', inspectInterfaces(profile)],
        ['enabled_raid_interfaces', 'no-raid,agent,fake'],
        ['enabled_rescue_interfaces', 'no-rescue,agent,fake'],
        ['enabled_vendor_interfaces', 'no-vendor,fake'],
        ['enabled_bios_interfaces', 'no-bios,fake'],
        ['enabled_console_interfaces', 'no-console,fake'],
        ['enabled_storage_interfaces', 'noop,fake'],
        ...(profile.newerOptions ? [['enabled_firmware_interfaces', 'no-firmware,fake'] as const] : []),
        ['hash_ring_algorithm', 'sha256'],
        ...(profile.gracefulShutdownSection === 'DEFAULT' ? graceful : []),
      ],
    ],
    [
      'api',
      [
        ['the host end of the node veths: reachable from every node namespace'],
        ['host_ip', s.hostIp],
        ['port', s.port],
        ['api_workers', 1],
        ['sent to the agent as config.heartbeat_timeout at lookup'],
        ['ramdisk_heartbeat_timeout', s.heartbeatTimeout],
      ],
    ],
    [
      'conductor',
      [
        ['automated_clean', s.automatedClean],
        ['deploy_callback_timeout', s.callbackTimeout],
        ['clean_callback_timeout', s.callbackTimeout],
        ...(profile.newerOptions ? [['service_callback_timeout', s.callbackTimeout] as const] : []),
        ['check_provision_state_interval', s.checkProvisionInterval],
        ['power_state_change_timeout', 10],
        ['file:// image URLs must live under these paths (21.4.4 security fix)'],
        ['file_url_allowed_paths', `${p.images},${p.httpboot}`],
        ...(profile.gracefulShutdownSection === 'conductor' ? graceful : []),
      ],
    ],
    [
      'database',
      [
        ['connection', `sqlite:///${join(s.dir, 'ironic.sqlite')}`],
        ['sqlite_synchronous', false],
      ],
    ],
    ['dhcp', [['dhcp_provider', 'none']]],
    [
      'deploy',
      [
        ['fast_track', s.fastTrack],
        ['erase_devices_priority', 0],
        ['erase_devices_metadata_priority', 10],
        ['http_url is only used by the direct deploy interface; the test bed starts no server for it'],
        ['http_root', p.httpboot],
        ['http_url', `http://${s.hostIp}:${s.httpPort}`],
      ],
    ],
    [
      'agent',
      [
        ['deploy_logs_local_path', p.deployLogs],
        ['auto-TLS: where Ironic keeps the certificate each agent sends as agent_verify_ca'],
        ['certificates_path', join(p.state, 'certificates')],
        ['the fake power driver never changes state: poll it briefly after standby.power_off'],
        ['post_deploy_get_power_state_retries', 2],
        ['post_deploy_get_power_state_retry_interval', 1],
        ...(profile.newerOptions && s.requireTls !== undefined
          ? ([['refuse heartbeats whose callback URL is not https'], ['require_tls', s.requireTls]] as const)
          : []),
      ],
    ],
    ['service_catalog', [['noauth: how the conductor knows its own API URL'], ['endpoint_override', ironicUrl(s)]]],
    [
      'pxe',
      [
        ['tftp_root', p.tftpboot],
        ['tftp_master_path', join(p.tftpboot, 'master_images')],
        ['images_path', join(p.state, 'images')],
        ['instance_master_path', join(p.state, 'master_images')],
      ],
    ],
    ['oslo_concurrency', [['lock_path', p.lock]]],
    [
      'oslo_policy',
      [
        ['an empty directory of our own: with an empty value oslo.policy parses ironic.conf as policy (HTTP 500)'],
        ['policy_dirs', p.policy],
      ],
    ],
  ];
  const inspector = inspectorSection(s, profile);
  if (inspector.length > 0) sections.push(['inspector', inspector]);
  return renderIni(
    'standalone Ironic test bed (noauth, sqlite, single process); generated by testbed/ironic-config.ts',
    sections,
  );
}

/** The `[inspector]` lines: the local ironic-inspector (when running) and the newer releases' own inspection. */
function inspectorSection(s: ResolvedSettings, profile: SuiteProfile): Line[] {
  const lines: Line[] = [];
  if (s.inspector && profile.inspection === 'inspector') {
    lines.push(
      ['the local ironic-inspector (noauth)'],
      ['auth_type', 'none'],
      ['endpoint_override', inspectorUrl(s)],
      ['how often Ironic asks ironic-inspector whether inspection finished (seconds)'],
      ['status_check_period', s.inspectorStatusCheckPeriod],
    );
  }
  if (profile.newerOptions) {
    lines.push(
      ['the fake boot interface cannot boot the inspection ramdisk: the test starts the agent itself'],
      ['require_managed_boot', false],
    );
  }
  if (profile.inspectionHooks !== undefined) {
    lines.push(
      [
        'the "agent" interface sets the properties ironic-inspector\'s default hooks set (scheduler, root_disk_selection)',
      ],
      ['hooks', profile.inspectionHooks],
    );
  }
  return lines;
}

/**
 * Render `inspector.conf`: standalone ironic-inspector with sqlite, noauth, an
 * in-process message transport, the noop PXE filter (no dnsmasq, no iptables)
 * and processed introspection data kept in its database (Ironic copies it into
 * its node inventory when inspection finishes).
 */
export function renderInspectorConf(s: ResolvedSettings): string {
  const p = layout(s.dir);
  return renderIni('standalone ironic-inspector for the test bed; generated by testbed/ironic-config.ts', [
    [
      'DEFAULT',
      [
        ['auth_strategy', 'noauth'],
        ['standalone', true],
        ['API and conductor in one process: an in-memory message transport is enough'],
        ['transport_url', 'fake://'],
        ['listen_address', s.hostIp],
        ['listen_port', s.inspectorPort],
        ['host', 'ironic-testbed-inspector'],
        ['debug', true],
        ['log_file', join(p.log, 'inspector.log')],
        ['use_stderr', false],
        ['no pause between two introspections'],
        ['introspection_delay', 0],
        ['graceful_shutdown_timeout', 15],
      ],
    ],
    ['database', [['connection', `sqlite:///${join(s.dir, 'inspector.sqlite')}`]]],
    [
      'ironic',
      [
        ['auth_type', 'none'],
        ['endpoint_override', ironicUrl(s)],
      ],
    ],
    [
      'processing',
      [
        ['Ironic fetches the processed data when inspection finishes: keep it'],
        ['store_data', 'database'],
        ['ramdisk_logs_dir', p.ramdiskLogs],
        ...(s.inspectorProcessingHooks === '' ? [] : [['processing_hooks', s.inspectorProcessingHooks] as const]),
      ],
    ],
    ['pxe_filter', [['no dnsmasq or iptables on the test machine'], ['driver', 'noop']]],
    ['oslo_concurrency', [['lock_path', p.lock]]],
    ['oslo_policy', [['policy_dirs', p.inspectorPolicy]]],
  ]);
}

/** Shell snippet with the environment for the `baremetal` CLI (written as `env.sh` for debugging). */
export function renderEnvSh(s: ResolvedSettings): string {
  return [
    '# source this to drive the test bed by hand: . env.sh; baremetal node list',
    'export OS_AUTH_TYPE=none',
    `export OS_ENDPOINT=${ironicUrl(s)}`,
    'export OS_BAREMETAL_API_VERSION=latest',
    '',
  ].join('\n');
}
