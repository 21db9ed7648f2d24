/**
 * Fetching what a config names over HTTP(S), streamed: a body is hashed as it
 * arrives and never held whole, and the caller's byte limit ends a download
 * early. axios, as in the rest of the tree (agent/ironic/http.ts).
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import axios from 'axios';

/** What one GET gave. */
export interface FetchResult {
  readonly bytes: number;
  /** Hex digests of the body, by algorithm (`sha256`, `sha512`). */
  readonly digests: Readonly<Record<'sha256' | 'sha512', string>>;
  /** The body, only when asked for (`keep`). */
  readonly body?: Buffer;
}

/** Options of {@link HttpGet}. */
export interface GetOptions {
  /** Fail once the body exceeds this many bytes. */
  readonly maxBytes: number;
  /** Keep the body in memory (only for small things: the config itself). */
  readonly keep?: boolean;
  readonly timeoutMs?: number;
}

/** GET a URL; rejects with an Error whose message says what failed (status, refused, too big). */
export type HttpGet = (url: string, options: GetOptions) => Promise<FetchResult>;

/** The real {@link HttpGet}. */
export const axiosGet: HttpGet = async (url, options) => {
  const response = await axios.get<Readable>(url, {
    responseType: 'stream',
    timeout: options.timeoutMs ?? 30_000,
    maxRedirects: 5,
    validateStatus: () => true,
  });
  if (response.status !== 200) {
    response.data.destroy();
    throw new Error(`HTTP ${response.status} from ${url}`);
  }
  return consume(response.data, url, options);
};

/** Hash (and maybe keep) a body stream, failing past `maxBytes`. */
async function consume(stream: Readable, url: string, options: GetOptions): Promise<FetchResult> {
  const sha256 = createHash('sha256');
  const sha512 = createHash('sha512');
  const kept: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    if (bytes > options.maxBytes) {
      stream.destroy();
      throw new Error(`${url} is larger than ${options.maxBytes} bytes`);
    }
    sha256.update(buffer);
    sha512.update(buffer);
    if (options.keep === true) kept.push(buffer);
  }
  return {
    bytes,
    digests: { sha256: sha256.digest('hex'), sha512: sha512.digest('hex') },
    ...(options.keep === true ? { body: Buffer.concat(kept) } : {}),
  };
}
