/**
 * Boot Loader Specification entries as ostree writes them
 * (https://uapi-group.org/specifications/specs/boot_loader_specification/,
 * ostreedev/ostree src/libostree/ostree-bootloader-grub2.c and
 * ostree-sysroot-deploy.c): one `key value` pair per line. ostree numbers its
 * entries so that the highest `version` is deployment 0, the default.
 */

/** One parsed entry. */
export interface BlsEntry {
  /** The file name under loader/entries. */
  readonly file: string;
  readonly title: string;
  /** ostree's sort key: higher boots first. */
  readonly version: number;
  /** The `options` line, unexpanded (it may hold `$ignition_firstboot`). */
  readonly options: string;
  /** The `ostree=` argument: `/ostree/boot.N/<stateroot>/<bootcsum>/<bootserial>`. */
  readonly ostreePath: string | undefined;
}

/** Parse an entry file's text; unknown keys are ignored. */
export function parseBlsEntry(file: string, text: string): BlsEntry {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*(\S+)\s+(.*?)\s*$/.exec(line);
    if (match === null || match[1]!.startsWith('#')) continue;
    if (!fields.has(match[1]!)) fields.set(match[1]!, match[2]!);
  }
  const options = fields.get('options') ?? '';
  const ostreeArg = options.split(/\s+/).find((arg) => arg.startsWith('ostree='));
  const version = Number(fields.get('version'));
  return {
    file,
    title: fields.get('title') ?? '',
    version: Number.isFinite(version) ? version : 0,
    options,
    ostreePath: ostreeArg?.slice('ostree='.length),
  };
}

/** Entries in boot order: the default first (highest version, then file name). */
export function bootOrder(entries: readonly BlsEntry[]): BlsEntry[] {
  return [...entries].sort((a, b) => b.version - a.version || a.file.localeCompare(b.file));
}
