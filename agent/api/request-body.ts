/**
 * Reads a request body under hard limits, for `POST /v1/commands/`.
 *
 * IPA lets werkzeug read the whole body (ironic_python_agent/api/app.py
 * `api_run_command`); here the size on the wire and the size after undoing
 * `Content-Encoding` are both capped, a declared `Content-Length` over the cap
 * is refused before a byte is read, and reading stops at the first byte over
 * it, so a client cannot make the agent hold more than the cap in memory.
 */
import type { IncomingMessage } from 'node:http';
import { TextDecoder } from 'node:util';
import { gunzip, inflate, type ZlibOptions } from 'node:zlib';
import { HttpFault } from './faults.js';

/** Caps of one body, in bytes. */
export interface BodyLimits {
  /** Bytes as sent (possibly compressed). */
  wireBytes: number;
  /** Bytes after `Content-Encoding` is undone (a gzip bomb stops here). */
  decodedBytes: number;
}

const MIB = 1024 * 1024;

/**
 * The command body cap: 80 MiB on the wire and decoded. Ironic puts the whole
 * node, configdrive included, into `deploy.execute_deploy_step`, and current
 * Ironic accepts provisioning bodies (with the configdrive) of up to 64 MiB
 * (openstack/ironic ironic/conf/api.py `max_json_body_size_provision`). The
 * rest of the node and the configdrive's JSON re-escaping come on top of
 * that, hence 16 MiB of headroom. Only a token holder (Ironic) gets this far.
 */
export const COMMAND_BODY_LIMITS: Readonly<BodyLimits> = { wireBytes: 80 * MIB, decodedBytes: 80 * MIB };

type Inflate = (input: Buffer, options: ZlibOptions) => Promise<Buffer>;

function promised(fn: typeof gunzip): Inflate {
  return (input, options) =>
    new Promise((resolve, reject) => {
      fn(input, options, (error, result) => {
        if (error === null) resolve(result);
        else reject(error);
      });
    });
}

/** The encodings body-parser (and so express) accepted before; `null` is no encoding. */
const ENCODINGS: ReadonlyMap<string, Inflate | null> = new Map([
  ['identity', null],
  ['gzip', promised(gunzip)],
  ['deflate', promised(inflate)],
]);

/**
 * Read the whole body of `req` as text.
 * @throws HttpFault 415 for an unknown charset or content encoding, 413 over a
 *   limit, 400 for a body that cannot be decompressed; the client's own abort
 *   error (ECONNRESET) when it goes away mid-body
 */
export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<string> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const inflater = ENCODINGS.get(encoding);
  if (inflater === undefined) throw new HttpFault(415, `Unsupported content encoding "${encoding}"`);
  const decoder = textDecoder(req.headers['content-type']);
  const wireLimit = inflater === null ? Math.min(limits.wireBytes, limits.decodedBytes) : limits.wireBytes;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > wireLimit) throw tooLarge('', wireLimit);
  const raw = await collect(req, wireLimit);
  if (inflater === null) return decoder.decode(raw);
  try {
    return decoder.decode(await inflater(raw, { maxOutputLength: limits.decodedBytes }));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('decoded ', limits.decodedBytes);
    throw new HttpFault(
      400,
      `The ${encoding} request body cannot be decoded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function tooLarge(what: string, limit: number): HttpFault {
  return new HttpFault(413, `The ${what}request body is larger than the limit of ${limit} bytes`);
}

/** A decoder for the `charset` of `Content-Type` (UTF-8 when absent). */
function textDecoder(contentType: string | undefined): TextDecoder {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '')?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset);
  } catch {
    throw new HttpFault(415, `Unsupported charset "${charset.toUpperCase()}"`);
  }
}

/**
 * Collect the body, stopping (paused, listeners removed) at the first chunk
 * over `limit`. Not `for await`: leaving that loop early destroys the socket,
 * and the 413 could no longer be sent.
 */
function collect(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const stop = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > limit) {
        stop();
        req.pause();
        reject(tooLarge('', limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    const onClose = (): void => {
      stop();
      reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
