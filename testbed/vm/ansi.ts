/**
 * Plain text from a serial console stream: OVMF and the UEFI shell draw with
 * ANSI/VT100 escape sequences (clear screen, cursor moves, colours), which
 * would split the words a test waits for.
 */

/** A CSI sequence (ESC [ params letter), or a lone ESC + one character. */
const SEQUENCE = /\x1b(?:\[[0-9;=?]*[@-~]|[^[])/g;

/** What {@link stripAnsi} returns. */
export interface Stripped {
  /** The chunk's text without escape sequences and carriage returns. */
  text: string;
  /** An unfinished escape sequence at the end, to prepend to the next chunk. */
  carry: string;
}

/**
 * Removes escape sequences and `\r` from `chunk` (which should start with the
 * previous call's `carry`). A sequence cut by the chunk boundary is returned as
 * `carry` instead of being emitted half.
 */
export function stripAnsi(chunk: string): Stripped {
  let body = chunk;
  let carry = '';
  const lastEsc = chunk.lastIndexOf('\x1b');
  if (lastEsc >= 0 && !/^\x1b(?:\[[0-9;=?]*[@-~]|[^[])/.test(chunk.slice(lastEsc))) {
    body = chunk.slice(0, lastEsc);
    carry = chunk.slice(lastEsc);
  }
  return { text: body.replace(SEQUENCE, '').replace(/\r/g, ''), carry };
}
