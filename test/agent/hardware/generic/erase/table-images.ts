/** Builders of raw MBR/EBR sectors and GPT headers and entries, for the partition-table tests. */

/** An MBR/EBR sector with the given slots (type, start, sectors) and the 0x55AA mark. */
export function mbrSector(slots: readonly (readonly [number, number, number] | null)[], signature = true): Buffer {
  const sector = Buffer.alloc(512);
  slots.forEach((slot, index) => {
    if (slot === null) return;
    const base = 446 + index * 16;
    sector[base + 4] = slot[0];
    sector.writeUInt32LE(slot[1], base + 8);
    sector.writeUInt32LE(slot[2], base + 12);
  });
  if (signature) sector.writeUInt16BE(0x55aa, 510);
  return sector;
}

/** GUID text to its on-disk bytes (first three fields little-endian). */
export function guidBytes(text: string): Buffer {
  const hex = text.replace(/-/g, '');
  const bytes = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8),
  ]);
}

/** One 128-byte GPT entry. */
export function gptEntry(type: string, unique: string, first: number, last: number, name: string): Buffer {
  const entry = Buffer.alloc(128);
  guidBytes(type).copy(entry, 0);
  guidBytes(unique).copy(entry, 16);
  entry.writeBigUInt64LE(BigInt(first), 32);
  entry.writeBigUInt64LE(BigInt(last), 40);
  entry.write(name, 56, 72, 'utf16le');
  return entry;
}

/** A GPT header sector. */
export function gptHeader(fields: {
  my: number;
  alternate: number;
  entries: number;
  count: number;
  size: number;
}): Buffer {
  const header = Buffer.alloc(512);
  header.write('EFI PART', 0, 'latin1');
  header.writeBigUInt64LE(BigInt(fields.my), 24);
  header.writeBigUInt64LE(BigInt(fields.alternate), 32);
  header.writeBigUInt64LE(BigInt(fields.entries), 72);
  header.writeUInt32LE(fields.count, 80);
  header.writeUInt32LE(fields.size, 84);
  return header;
}
