/**
 * What the runtime bundle (scripts/bundle.mjs) gives express' body-parser and
 * raw-body when they `require('iconv-lite')`: the three calls they make
 * (expressjs/body-parser lib/read.js `encodingExists` and `decode`,
 * stream-utils/raw-body index.js `getDecoder`), answered by node's WHATWG
 * `TextDecoder` instead of iconv-lite's own tables, which are 479 KB of the API
 * chunk's source that node keeps resident (bench/README.md, "Before the first
 * lookup"). The agent never calls them: it reads command bodies itself
 * (agent/api/request-body.ts) and installs none of body-parser's middleware;
 * they stay usable should an express parser ever be used, with WHATWG's
 * encodings instead of iconv-lite's (the labels mostly agree; one that differs:
 * streamed `latin1` is windows-1252, so 0x80-0x9F are not C1 controls). An
 * encoding `TextDecoder` does not know fails with iconv-lite's own message,
 * which raw-body turns into its 415.
 */
import { Buffer } from 'node:buffer';
import { TextDecoder } from 'node:util';

/** iconv-lite's error for an unknown encoding, which raw-body recognises (`/^Encoding not recognized: /`). */
function notRecognized(encoding: string): Error {
  return new Error(`Encoding not recognized: '${encoding}' (searched as: '${encoding.toLowerCase()}')`);
}

/** A `TextDecoder` for `encoding`, or iconv-lite's error for an unknown one. */
function decoderFor(encoding: string): TextDecoder {
  try {
    return new TextDecoder(encoding);
  } catch {
    throw notRecognized(encoding);
  }
}

/** True when `encoding` can be decoded. */
export function encodingExists(encoding: string): boolean {
  try {
    decoderFor(encoding);
    return true;
  } catch {
    return false;
  }
}

/** Decode a whole buffer; iconv-lite strips a leading byte order mark, as `TextDecoder` does. */
export function decode(buffer: Uint8Array | string, encoding: string): string {
  return decoderFor(encoding).decode(typeof buffer === 'string' ? Buffer.from(buffer, 'binary') : buffer);
}

/** A streaming decoder: `write` each chunk, `end` for what a split character left over. */
export interface StreamDecoder {
  write(chunk: Uint8Array): string;
  end(): string | undefined;
}

/** A streaming decoder for `encoding`. */
export function getDecoder(encoding: string): StreamDecoder {
  const decoder = decoderFor(encoding);
  return {
    write: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode() || undefined,
  };
}
