/**
 * A CoreOS live ISO's Ignition embed area and the initrd stored in it.
 *
 * Port of coreos-installer `IsoConfig` / `InitrdEmbedArea` (src/live/embed.rs),
 * facts only: the area is read once, decoded into an {@link Initrd}, and on
 * write re-encoded and zero-padded to the full area length, so removing every
 * member restores the pristine all-zero area.
 */
import type { FileHandle } from 'node:fs/promises';
import { IsoError, withContext } from './errors.js';
import { locateEmbedArea, UNRECOGNIZED_ISO, type EmbedArea } from './embed-area.js';
import { Initrd, initrdToBytes, readInitrd, type InitrdCodecs } from './initrd.js';
import { IsoFs, type ByteSource } from './iso9660.js';
import type { XzCodec } from './xz.js';

/** A live ISO's embed area and its decoded contents. */
export interface LiveIso {
  /** Where the area is. */
  area: EmbedArea;
  /** Its files (empty when the area is all zeros). */
  initrd: Initrd;
}

/** A ByteSource reading from an open file of known size. */
export function fileByteSource(handle: FileHandle, size: number): ByteSource {
  return {
    size,
    read: async (offset, length) => {
      const buffer = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0) throw new IsoError(`reading ${length} bytes at ${offset}: unexpected end of file`);
        done += bytesRead;
      }
      return buffer;
    },
  };
}

/**
 * Parse the ISO, find the embed area and decode what it holds.
 * @throws IsoError `parsing ISO9660 image` when it is not a (complete) ISO 9660 image;
 *   `Unrecognized CoreOS ISO image.` when there is no usable embed area or its contents
 *   cannot be decoded.
 */
export async function readLiveIso(source: ByteSource, codecs: InitrdCodecs): Promise<LiveIso> {
  const iso = await withContext('parsing ISO9660 image', () => IsoFs.open(source));
  const area = await locateEmbedArea(iso, source.size);
  const bytes = await source.read(area.offset, area.length);
  if (bytes.every((byte) => byte === 0)) return { area, initrd: new Initrd() };
  const initrd = await withContext(UNRECOGNIZED_ISO, () =>
    withContext('decoding initrd embed area', () => readInitrd(bytes, codecs)),
  );
  return { area, initrd };
}

/**
 * The exact bytes to store in the area: the xz initrd zero-padded to the area
 * length, or all zeros when the initrd is empty.
 * @throws IsoError `Compressed initramfs is too large: N > CAP` when it does not fit.
 */
export async function renderArea(initrd: Initrd, capacity: number, xz: XzCodec): Promise<Buffer> {
  const data = initrd.isEmpty() ? Buffer.alloc(0) : await initrdToBytes(initrd, xz);
  if (data.length > capacity) throw new IsoError(`Compressed initramfs is too large: ${data.length} > ${capacity}`);
  const area = Buffer.alloc(capacity);
  data.copy(area);
  return area;
}
