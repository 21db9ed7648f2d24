/**
 * `pxe ignition wrap | unwrap`: an Ignition config as a standalone initrd that
 * is appended to the live initramfs on PXE boots.
 *
 * wrap writes the same bytes `coreos-installer pxe ignition wrap` does (an xz
 * newc archive holding only `config.ign`); unwrap reads any initrd (any mix of
 * gzip, xz, zstd and plain archives) and returns `config.ign`. Port of
 * coreos-installer `pxe_ignition_{wrap,unwrap}` (src/live/mod.rs), facts only.
 */
import { IsoError } from './errors.js';
import { validateIgnitionJson } from './ignition.js';
import { Initrd, INITRD_IGNITION_PATH, initrdToBytes, readInitrd, type InitrdCodecs } from './initrd.js';
import type { XzCodec } from './xz.js';

/**
 * The initrd bytes wrapping `ignition` (validated as a JSON object first).
 * @param source where the config came from, for error messages.
 */
export async function wrapIgnition(ignition: Buffer, source: string, xz: XzCodec): Promise<Buffer> {
  validateIgnitionJson(ignition, source);
  const initrd = new Initrd();
  initrd.add(INITRD_IGNITION_PATH, ignition);
  return initrdToBytes(initrd, xz);
}

/**
 * The `config.ign` bytes held by an initrd image.
 * @throws IsoError `couldn't find Ignition config in archive` when it has none.
 */
export async function unwrapIgnition(initrdBytes: Buffer, codecs: InitrdCodecs): Promise<Buffer> {
  const initrd = await readInitrd(initrdBytes, codecs, (path) => path === INITRD_IGNITION_PATH);
  const config = initrd.get(INITRD_IGNITION_PATH);
  if (config === undefined) throw new IsoError("couldn't find Ignition config in archive");
  return config;
}
