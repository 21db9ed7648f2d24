/**
 * `/run/ostree-booted`, as ostree-prepare-root writes it (ostreedev/ostree
 * src/libotcore/otcore.h, `OTCORE_RUN_BOOTED_KEY_BACKING_ROOTDEVINO`): a
 * GVariant dictionary (`a{sv}`) whose `backing-root-device-inode` entry always
 * holds the device and inode of the booted deployment's directory, a `(tt)`.
 * libostree compares it with each deployment directory to find the booted
 * one; it is the only way when / is a composefs mount, whose device and inode
 * are not the directory's. (Older ostree left the file empty.)
 */

const KEY = 'backing-root-device-inode';

/**
 * The `<dev>:<ino>` of the booted deployment's directory recorded in the
 * file's bytes, or null when it holds no such entry. Reads only that entry:
 * the key, NUL, padding to 8, two little-endian uint64, then the variant's
 * NUL and type `(tt)`, which must be there.
 */
export function backingRootIdentity(bytes: Uint8Array): string | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const key = buffer.indexOf(`${KEY}\0`, 0, 'latin1');
  if (key < 0) return null;
  const value = Math.ceil((key + KEY.length + 1) / 8) * 8;
  if (value + 21 > buffer.length) return null;
  if (buffer.toString('latin1', value + 16, value + 21) !== '\0(tt)') return null;
  return `${buffer.readBigUInt64LE(value)}:${buffer.readBigUInt64LE(value + 8)}`;
}
