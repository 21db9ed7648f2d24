/**
 * Parse `/proc/mdstat`: which md arrays the kernel knows and which block
 * devices are bound to them.
 *
 * The format is the kernel's (drivers/md/md.c `md_seq_show`): one header line
 * per array, `md127 : active raid1 vdb1[1] vda1[0]`, or `md126 : inactive
 * vda3[0](S)` for an array without a running personality, optionally with
 * ` (read-only)` / ` (auto-read-only)` after `active`; each member is
 * `<kernel name>[<slot>]` followed by flags `(W)`, `(J)`, `(F)`, `(S)`, `(R)`.
 * Lines that are not array headers (Personalities, blocks, resync progress,
 * bitmap, `unused devices`) are ignored.
 */

/** One device bound to an md array. */
export interface MdMember {
  /** Kernel name (`vda1`, `nvme0n1p2`), without `/dev/`. */
  kname: string;
  /** Slot number in the array. */
  slot: number;
  /** Flag letters: F faulty, S spare, W write-mostly, J journal, R replacement. */
  flags: string[];
}

/** One md array from /proc/mdstat. */
export interface MdArray {
  /** Kernel name (`md127`). */
  kname: string;
  active: boolean;
  /** The personality (`raid1`, `linear`, ...), null for an inactive array. */
  level: string | null;
  members: MdMember[];
}

const HEADER = /^(md[^\s:]*)\s*:\s*(active|inactive)\b(.*)$/;
const MEMBER = /^([^\s[\]]+)\[(\d+)\]((?:\([A-Z]\))*)$/;

/** Parse the text of /proc/mdstat. Unknown lines are skipped. */
export function parseMdstat(text: string): MdArray[] {
  const arrays: MdArray[] = [];
  for (const line of text.split('\n')) {
    const header = HEADER.exec(line.trimEnd());
    if (header === null) continue;
    const [, kname = '', state, rest = ''] = header;
    const words = rest
      .replace(/^\s*\((?:auto-)?read-only\)/, '')
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    const active = state === 'active';
    const level = active && words.length > 0 && !MEMBER.test(words[0] ?? '') ? (words.shift() ?? null) : null;
    const members: MdMember[] = [];
    for (const word of words) {
      const m = MEMBER.exec(word);
      if (m === null) continue;
      members.push({ kname: m[1] ?? '', slot: Number(m[2]), flags: (m[3] ?? '').match(/[A-Z]/g) ?? [] });
    }
    arrays.push({ kname, active, level, members });
  }
  return arrays;
}
