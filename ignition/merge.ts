/**
 * Appends the entries of extra Ignition configs (`--merge FILE`) to the
 * generated one: storage files, directories and links, systemd units, and
 * passwd users and groups. Anything that would silently override or drop
 * data is an error: a path, unit, user or group defined twice, a section we
 * do not merge, or a config newer than the target spec (its fields might not
 * exist in the older spec).
 */
import { ConfigError } from '../common/errors.js';
import { compareSpec, isSpecVersion, type IgnitionConfig, type MergedEntry, type SpecVersion } from './types.js';

/** One extra config: a name for messages (its file name) and the parsed JSON. */
export interface MergeSource {
  name: string;
  config: unknown;
}

/** The sections merged, as `top.key` → the field that identifies an entry. */
const MERGED: Readonly<Record<string, Readonly<Record<string, 'path' | 'name'>>>> = {
  storage: { files: 'path', directories: 'path', links: 'path' },
  systemd: { units: 'name' },
  passwd: { users: 'name', groups: 'name' },
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Check the merge file's `ignition` section: a 3.x version not newer than `spec`, nothing else. */
function checkHeader(source: MergeSource, config: Record<string, unknown>, spec: SpecVersion): void {
  const header = config['ignition'];
  const version = isObject(header) ? header['version'] : undefined;
  if (typeof version !== 'string' || !isSpecVersion(version)) {
    throw new ConfigError(
      `merge file ${source.name}: ignition.version must be one of 3.0.0 to 3.4.0, got ${JSON.stringify(version)}`,
    );
  }
  if (compareSpec(version, spec) > 0) {
    throw new ConfigError(
      `merge file ${source.name} is Ignition ${version}, newer than --spec ${spec}: pass --spec ${version} or lower its version`,
    );
  }
  const extra = Object.keys(header as Record<string, unknown>).filter((k) => k !== 'version');
  if (extra.length > 0)
    throw new ConfigError(`merge file ${source.name}: ignition.${extra[0]} is not supported in merged configs`);
}

/** The identity of an entry for duplicate detection: paths share one namespace across storage kinds. */
function entryKey(top: string, section: string, entry: MergedEntry, idField: 'path' | 'name'): string {
  const id = entry[idField];
  if (typeof id !== 'string' || id === '') throw new ConfigError(`${top}.${section} entry without a ${idField}`);
  return top === 'storage' ? `storage:${id}` : `${top}.${section}:${id}`;
}

/** Keys of every entry already in `config`. */
function existingKeys(config: IgnitionConfig): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [top, sections] of Object.entries(MERGED)) {
    for (const [section, idField] of Object.entries(sections)) {
      const list =
        ((config as unknown as Record<string, Record<string, MergedEntry[] | undefined>>)[top] ?? {})[section] ?? [];
      for (const entry of list) keys.set(entryKey(top, section, entry, idField), 'the generated config');
    }
  }
  return keys;
}

/** Append one section's entries, rejecting duplicates. */
function appendSection(
  result: IgnitionConfig,
  source: MergeSource,
  top: string,
  section: string,
  value: unknown,
  keys: Map<string, string>,
): void {
  const idField = MERGED[top]?.[section];
  if (idField === undefined) {
    throw new ConfigError(
      `merge file ${source.name}: ${top}.${section} is not supported (only storage.files/directories/links, systemd.units and passwd.users/groups are merged)`,
    );
  }
  if (!Array.isArray(value)) throw new ConfigError(`merge file ${source.name}: ${top}.${section} must be a list`);
  const sections = result as unknown as Record<string, Record<string, MergedEntry[] | undefined> | undefined>;
  const target = (sections[top] ??= {});
  const list = target[section] ?? [];
  for (const entry of value) {
    if (!isObject(entry)) throw new ConfigError(`merge file ${source.name}: ${top}.${section} entries must be objects`);
    const key = entryKey(top, section, entry, idField);
    const owner = keys.get(key);
    if (owner !== undefined) {
      const hint = key === 'passwd.users:core' ? ' (add SSH keys with --ssh-key instead)' : '';
      throw new ConfigError(
        `merge file ${source.name}: ${top}.${section} "${String(entry[idField])}" is already defined in ${owner}${hint}`,
      );
    }
    keys.set(key, `merge file ${source.name}`);
    list.push(entry);
  }
  target[section] = list;
}

/**
 * Merge `sources` into a copy of `base`, in order.
 * @throws ConfigError on an unsupported section, a duplicate entry, a bad or
 *   too new version, or a config that is not a JSON object
 */
export function mergeIgnition(
  base: IgnitionConfig,
  sources: readonly MergeSource[],
  spec: SpecVersion,
): IgnitionConfig {
  const result = structuredClone(base);
  const keys = existingKeys(result);
  for (const source of sources) {
    if (!isObject(source.config)) throw new ConfigError(`merge file ${source.name} is not a JSON object`);
    checkHeader(source, source.config, spec);
    for (const [top, value] of Object.entries(source.config)) {
      if (top === 'ignition') continue;
      if (MERGED[top] === undefined)
        throw new ConfigError(`merge file ${source.name}: section "${top}" is not supported`);
      if (!isObject(value)) throw new ConfigError(`merge file ${source.name}: ${top} must be an object`);
      for (const [section, entries] of Object.entries(value))
        appendSection(result, source, top, section, entries, keys);
    }
  }
  return result;
}
