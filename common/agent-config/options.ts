/**
 * The one table of agent options: IPA name, flag, kernel parameter, type,
 * default, AgentConfig field and help text. The loader, the kernel command-line
 * mapper and `agent --help` are all generated from it.
 *
 * Option names, kernel parameters and defaults follow openstack/ironic-python-agent
 * ironic_python_agent/config.py; the `coreos_*`, path and allowlist options are our own.
 */
import { CONNECTION_OPTIONS } from './options-connection.js';
import { NODE_OPTIONS } from './options-node.js';
import type { OptionSpec } from './option-spec.js';

/** Every option the agent understands, grouped as in `agent --help`. */
export const OPTIONS: readonly OptionSpec[] = [...CONNECTION_OPTIONS, ...NODE_OPTIONS];

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
