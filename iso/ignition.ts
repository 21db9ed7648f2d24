/**
 * `iso ignition embed | show | remove`: manage the Ignition config embedded in
 * a CoreOS live ISO, compatible byte for byte with `coreos-installer iso ignition`.
 *
 * Every check (input JSON, output path, ISO layout, existing config, size) runs
 * before the first byte is written. Port of coreos-installer
 * `iso_ignition_{embed,show,remove}` (src/live/mod.rs), facts only.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { IsoError, withContext } from './errors.js';
import { INITRD_IGNITION_PATH, type InitrdCodecs } from './initrd.js';
import { checkOutputAvailable, streamIso, verifyNotTty, writeAt, writeNewIso, type IsoOutput } from './iso-output.js';
import { fileByteSource, readLiveIso, renderArea, type LiveIso } from './live-iso.js';

/** Message when embedding over an existing config without `force` (upstream's exact text). */
export const ALREADY_EMBEDDED = 'This ISO image already has an embedded Ignition config; use -f to force.';
/** Message of `show` on an ISO without config (upstream's exact text). */
export const NOT_EMBEDDED = 'No embedded Ignition config.';

/** What the operations need from outside. */
export interface IsoIgnitionDeps {
  codecs: InitrdCodecs;
  /** Where `-o -` writes the image. */
  stdout: NodeJS.WritableStream;
}

/** Options of `iso ignition embed`. */
export interface EmbedOptions {
  /** The ISO to read (and modify in place when `output` is in-place). */
  isoPath: string;
  /** The config bytes, already read; must be JSON. */
  ignition: Buffer;
  /** Where the config came from, for error messages (a path or "stdin"). */
  ignitionSource: string;
  /** Replace an existing config. */
  force: boolean;
  /** In place, a new file, or stdout. */
  output: IsoOutput;
  /**
   * Told when the config is not a JSON object. coreos-installer embeds any
   * bytes unchanged, and so do we (the ISO stays byte-compatible), but the
   * user hears that Ignition will reject it at boot.
   */
  onWarning?: (message: string) => void;
}

/** Options of `iso ignition remove`. */
export interface RemoveOptions {
  /** The ISO to read (and modify in place when `output` is in-place). */
  isoPath: string;
  /** In place, a new file, or stdout. */
  output: IsoOutput;
}

/**
 * Check that an Ignition config is JSON (coreos-installer embeds it as is, and
 * Ignition would reject it at boot). The error never quotes the content, which
 * may hold secrets.
 * @throws IsoError naming the source and, when known, the failing position;
 *   also when the JSON is not an object.
 */
export function validateIgnitionJson(bytes: Buffer, source: string): void {
  const problem = ignitionJsonProblem(bytes, source);
  if (problem !== null) throw new IsoError(problem);
}

/** What is wrong with the config as JSON, or null. Never quotes the content. */
export function ignitionJsonProblem(bytes: Buffer, source: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    const where = position === undefined ? '' : ` (at byte ${position})`;
    return `Ignition config from ${source} is not valid JSON${where}; fix it (ignition-validate can check it) and try again.`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `Ignition config from ${source} must be a JSON object (e.g. {"ignition": {"version": "3.0.0"}}).`;
  }
  return null;
}

/** Embed `options.ignition` as `config.ign`, keeping other members of the area. */
export async function embedIgnition(options: EmbedOptions, deps: IsoIgnitionDeps): Promise<void> {
  const problem = ignitionJsonProblem(options.ignition, options.ignitionSource);
  if (problem !== null)
    options.onWarning?.(`${problem} Embedding it unchanged, as coreos-installer does; Ignition will fail at boot.`);
  await modifyIso(options.isoPath, options.output, deps, (iso) => {
    if (!options.force && iso.initrd.get(INITRD_IGNITION_PATH) !== undefined) throw new IsoError(ALREADY_EMBEDDED);
    iso.initrd.add(INITRD_IGNITION_PATH, options.ignition);
  });
}

/** Remove `config.ign` from the area; an area left empty becomes all zeros again. */
export async function removeIgnition(options: RemoveOptions, deps: IsoIgnitionDeps): Promise<void> {
  await modifyIso(options.isoPath, options.output, deps, (iso) => {
    iso.initrd.remove(INITRD_IGNITION_PATH);
  });
}

/**
 * The embedded config bytes, unchanged.
 * @throws IsoError `No embedded Ignition config.` when there is none.
 */
export async function showIgnition(isoPath: string, codecs: InitrdCodecs): Promise<Buffer> {
  const { handle, size } = await openIso(isoPath, false);
  try {
    const iso = await readLiveIso(fileByteSource(handle, size), codecs);
    const config = iso.initrd.get(INITRD_IGNITION_PATH);
    if (config === undefined) throw new IsoError(NOT_EMBEDDED);
    return config;
  } finally {
    await handle.close();
  }
}

/** Read the ISO, apply `change` to its initrd, render the area, then write it to `output`. */
async function modifyIso(
  isoPath: string,
  output: IsoOutput,
  deps: IsoIgnitionDeps,
  change: (iso: LiveIso) => void,
): Promise<void> {
  if (output.kind === 'stdout') verifyNotTty(deps.stdout);
  await checkOutputAvailable(output);
  const { handle, size } = await openIso(isoPath, output.kind === 'in-place');
  try {
    const iso = await readLiveIso(fileByteSource(handle, size), deps.codecs);
    change(iso);
    const bytes = await renderArea(iso.initrd, iso.area.length, deps.codecs.xz);
    if (output.kind === 'in-place') await writeAt(handle, iso.area.offset, bytes);
    else if (output.kind === 'stdout') await streamIso(handle, size, iso.area.offset, bytes, deps.stdout);
    else await writeNewIso(isoPath, output.path, iso.area.offset, bytes);
  } finally {
    await handle.close();
  }
}

async function openIso(path: string, writable: boolean): Promise<{ handle: FileHandle; size: number }> {
  return withContext(`opening ${path}`, async () => {
    const handle = await open(path, writable ? 'r+' : 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new IsoError(`${path} is not a regular file`);
      return { handle, size: info.size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  });
}
