/**
 * Reading `node.instance_info.configdrive` for `install_coreos` (pure).
 *
 * Ironic passes a configdrive either as a JSON object (`user_data`,
 * `meta_data`, `network_data`) or as a pre-rendered ISO (a base64 string, a
 * URL, or the `******` mask everywhere except `execute_deploy_step`). Only the
 * object form can carry an Ignition config to coreos-installer, so anything
 * else is refused here, before any disk is touched.
 *
 * Port of the configdrive handling in openshift/ironic-agent-image
 * `CoreOSInstallHardwareManager.install_coreos`, with stricter checks: the
 * upstream code only fails later, inside json.dump or coreos-installer.
 */
import { DeploymentError } from '../../../common/errors.js';

/** What `install_coreos` needs from the configdrive. */
export interface ParsedConfigdrive {
  /** `meta_data`; `{}` when absent. */
  metaData: Record<string, unknown>;
  /** The user's Ignition config as an object; null when there is none. */
  ignition: Record<string, unknown> | null;
}

/** The message for a string configdrive; it names what to send instead. */
export const PRE_RENDERED_MESSAGE =
  'Cannot use a pre-rendered configdrive, please pass it as JSON data (a JSON object with user_data / meta_data)';

/**
 * Parse and check the configdrive of a node.
 *
 * - absent, null or empty → no Ignition, empty meta_data;
 * - a string → DeploymentError {@link PRE_RENDERED_MESSAGE};
 * - `user_data` may be an object or a JSON string; absent, null, `""` or `{}`
 *   mean "no Ignition" (as upstream, where these are falsy);
 * - `user_data` must be a JSON object whose `ignition.version` is 3.x.
 *
 * Error messages never quote the user's data (it may hold secrets).
 * @throws DeploymentError on any of the problems above
 */
export function parseConfigdrive(instanceInfo: Record<string, unknown> | undefined): ParsedConfigdrive {
  const drive = instanceInfo?.['configdrive'];
  if (drive === undefined || drive === null || drive === '') return { metaData: {}, ignition: null };
  if (typeof drive === 'string') {
    const masked =
      drive === '******' ? ' (it arrived masked: Ironic only sends the configdrive with execute_deploy_step)' : '';
    throw new DeploymentError(`${PRE_RENDERED_MESSAGE}${masked}`);
  }
  if (!isPlainObject(drive)) {
    throw new DeploymentError(
      `The configdrive must be a JSON object with user_data / meta_data, not ${jsonType(drive)}`,
    );
  }
  return { metaData: parseMetaData(drive['meta_data']), ignition: parseUserData(drive['user_data']) };
}

function parseMetaData(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    throw new DeploymentError(`configdrive meta_data must be a JSON object, not ${jsonType(value)}`);
  }
  return value;
}

function parseUserData(value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === null || value === '') return null;
  const parsed = typeof value === 'string' ? parseJsonText(value) : value;
  if (!isPlainObject(parsed)) {
    throw new DeploymentError(
      `configdrive user_data must be an Ignition config (a JSON object), not ${jsonType(parsed)}`,
    );
  }
  if (Object.keys(parsed).length === 0) return null;
  checkVersion(parsed);
  return parsed;
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // V8 quotes part of the input in its messages: keep only the position.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const where = position?.[1] !== undefined ? ` at position ${position[1]}` : '';
    throw new DeploymentError(
      `configdrive user_data is not valid JSON (syntax error${where}); pass an Ignition 3.x config as a JSON object or a JSON string`,
    );
  }
}

function checkVersion(config: Record<string, unknown>): void {
  const section = config['ignition'];
  const version = isPlainObject(section) ? section['version'] : undefined;
  if (typeof version !== 'string' || version === '') {
    throw new DeploymentError(
      'configdrive user_data is not an Ignition config: ignition.version is missing; install_coreos needs an Ignition 3.x config',
    );
  }
  if (!version.startsWith('3.')) {
    throw new DeploymentError(
      `Ignition config version ${JSON.stringify(version.slice(0, 20))} is not supported: CoreOS needs spec 3.x ` +
        '(for example 3.4.0); translate older configs with Butane or ignition-config-translator',
    );
  }
}

/** True for `{...}` (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON type name of a value, for messages. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
