/**
 * Random raw HTTP requests for the API fuzzer (test/agent/api/fuzz.test.ts):
 * methods, paths (bad percent-escapes, very long, raw unicode), tokens,
 * content encodings, charsets and bodies (random bytes, truncated or deeply
 * nested JSON, broken gzip, declared lengths the body never reaches, clients
 * vanishing mid-body). Deterministic for a seed.
 */
import { gzipSync, deflateSync, brotliCompressSync } from 'node:zlib';

/** A seeded PRNG (mulberry32): the same seed gives the same requests. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** `n` random bytes. */
  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(256)));
  }
}

/** How the client ends its side. */
export type Ending = 'wait' | 'half-close' | 'vanish';

/** One fuzzed request. */
export interface FuzzCase {
  /** Everything to write, in order. */
  bytes: Buffer;
  /** `wait`: the request is complete, an answer must come; otherwise the client ends early. */
  ending: Ending;
  /** Short description for failure messages. */
  label: string;
}

const METHODS = ['GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'PROPFIND', 'G@T'];
const PATHS = [
  '/',
  '/v1',
  '/v1/',
  '/v1/status',
  '/status',
  '/v1/status/',
  '/v1/commands',
  '/v1/commands/',
  '/commands/',
  '/v1/commands/abc',
];
const ESCAPES = ['%', '%z', '%zz', '%E0%A4%A', '%C3%A9', '%00', '%2F..%2F', '%FF%FE', '%%41'];
const ENCODINGS = ['gzip', 'deflate', 'br', 'bogus', 'gzip, deflate', 'identity', 'x-gzip', ''];
const CHARSETS = ['utf-8', 'latin1', 'utf-16le', 'bogus', 'x-user-defined', '"utf-8"', ''];
const TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '*/*',
  '',
];
const COMMANDS = ['test.echo', 'test.echo', 'test.async', 'test.fail', 'nope.run', 'test.nope', 'nodot', ''];

/** A path with the random extras. */
function path(r: Random, token: string): string {
  let base = r.pick(PATHS);
  const roll = r.int(10);
  if (roll === 0) base += r.pick(ESCAPES);
  else if (roll === 1) base = `/v1/commands/${r.pick(ESCAPES)}${r.pick(ESCAPES)}`;
  else if (roll === 2) base = `/v1/commands/${'a'.repeat(r.pick([300, 5000, 20_000]))}`;
  else if (roll === 3) base = `/v1/commands/${r.pick(['é', '☃', '\u{1F600}', 'ü/ß'])}`;
  const query = [];
  if (r.int(3) > 0) query.push(`agent_token=${r.pick([token, token, token, 'wrong', '', '%zz'])}`);
  if (r.int(4) === 0) query.push(`wait=${r.pick(['true', 'false', 'TRUE', '%'])}`);
  if (r.int(10) === 0) query.push(r.pick(['a[b]=c', 'agent_token=1&agent_token=2', '%=%', '&&&']));
  return query.length === 0 ? base : `${base}?${query.join('&')}`;
}

/** A JSON value nested `depth` levels. */
function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** The body before any content encoding. */
function plainBody(r: Random): Buffer {
  const command = JSON.stringify({
    name: r.pick(COMMANDS),
    params: r.int(4) === 0 ? [] : { text: 'hi', n: r.int(1000) },
  });
  switch (r.int(8)) {
    case 0:
      return r.bytes(r.int(2048));
    case 1:
      return Buffer.from(command.slice(0, r.int(command.length)));
    case 2:
      return Buffer.from(`{"name": "test.echo", "params": {"v": ${nested(r.pick([50, 99, 101, 5000]))}}}`);
    case 3:
      return Buffer.from(r.pick(['', 'null', '[]', '"x"', '{"name": 1, "params": {}}', '{"params": {}}']));
    default:
      return Buffer.from(command);
  }
}

/** Apply a (possibly bogus or broken) content encoding. */
function encode(r: Random, body: Buffer, encoding: string): Buffer {
  const broken = r.int(4) === 0;
  let out = body;
  if (encoding === 'gzip' || encoding === 'x-gzip') out = gzipSync(body);
  else if (encoding === 'deflate') out = deflateSync(body);
  else if (encoding === 'br') out = brotliCompressSync(body);
  if (broken && out.length > 4) out = Buffer.concat([out.subarray(0, r.int(out.length)), r.bytes(r.int(16))]);
  if (encoding === 'gzip' && r.int(20) === 0) out = gzipSync(Buffer.alloc(8 * 1024 * 1024)); // a small bomb
  return out;
}

/** The headers and body of a request with a body, and how the client ends. */
function withBody(r: Random): { headers: string[]; body: Buffer; ending: Ending } {
  const headers: string[] = [];
  const type = r.pick(TYPES);
  const charset = r.pick(CHARSETS);
  if (type !== '') headers.push(`Content-Type: ${type}${charset === '' ? '' : `; charset=${charset}`}`);
  const encoding = r.pick(ENCODINGS);
  if (encoding !== '') headers.push(`Content-Encoding: ${encoding}`);
  const body = encode(r, plainBody(r), encoding);
  const shape = r.int(10);
  if (shape === 0)
    return {
      headers: [...headers, `Content-Length: ${63 * 1024 * 1024}`],
      body: body.subarray(0, 64),
      ending: r.pick(['half-close', 'vanish'] as const),
    };
  if (shape === 1) return { headers: [...headers, `Content-Length: ${body.length + 100}`], body, ending: 'vanish' };
  if (shape === 2) {
    const chunked = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
    return { headers: [...headers, 'Transfer-Encoding: chunked'], body: chunked, ending: 'wait' };
  }
  if (shape === 3)
    return { headers: [...headers, `Content-Length: ${r.pick(['-1', 'abc', '1, 2'])}`], body, ending: 'wait' };
  return { headers: [...headers, `Content-Length: ${body.length}`], body, ending: 'wait' };
}

/**
 * A well-formed authenticated command POST with at most one thing wrong
 * (encoding, charset, body, length, path, token), so that mistakes reach the
 * code behind the token check.
 */
function nearValidPost(r: Random, token: string): FuzzCase {
  const command = Buffer.from(
    JSON.stringify({
      name: r.pick(['test.echo', 'test.async', 'test.fail']),
      params: { text: 'hi', list: [1, { a: null }] },
    }),
  );
  const headers = ['Host: 127.0.0.1', 'Content-Type: application/json'];
  let target = `/v1/commands/?agent_token=${token}${r.int(4) === 0 ? '&wait=true' : ''}`;
  let body: Buffer = command;
  let ending: Ending = 'wait';
  const mutation = r.int(9);
  if (mutation === 0) {
    const encoding = r.pick(ENCODINGS.filter((e) => e !== ''));
    headers.push(`Content-Encoding: ${encoding}`);
    body = encode(r, command, encoding);
  } else if (mutation === 1) {
    headers[1] = `Content-Type: application/json; charset=${r.pick(CHARSETS)}`;
  } else if (mutation === 2) {
    body = plainBody(r);
  } else if (mutation === 3) {
    target = `/v1/commands/${r.pick(ESCAPES)}?agent_token=${token}`;
  } else if (mutation === 4) {
    headers.push(`Content-Length: ${63 * 1024 * 1024}`);
    ending = r.pick(['half-close', 'vanish'] as const);
  } else if (mutation === 5) {
    target = `/v1/commands/?agent_token=${r.pick(['', 'x', `${token}x`])}`;
  }
  if (ending === 'wait') headers.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`POST ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'utf8');
  return {
    bytes: Buffer.concat([head, body]),
    ending,
    label: `near-valid POST #${mutation} ${target.replace(token, '<token>')} [${headers.slice(1).join('; ')}] body ${body.length} B, ${ending}`,
  };
}

/** One random request for the agent API. */
export function randomRequest(r: Random, token: string): FuzzCase {
  if (r.int(3) === 0) return nearValidPost(r, token);
  const method = r.pick(METHODS);
  const target = path(r, token);
  const headers = ['Host: 127.0.0.1'];
  if (r.int(3) === 0) headers.push('Connection: close');
  let body: Buffer = Buffer.alloc(0);
  let ending: Ending = 'wait';
  if ((method !== 'GET' && method !== 'HEAD') || r.int(5) === 0) {
    const part = withBody(r);
    headers.push(...part.headers);
    body = part.body;
    ending = part.ending;
  }
  const head = Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'utf8');
  return {
    bytes: Buffer.concat([head, body]),
    ending,
    label: `${method} ${target.slice(0, 120).replace(token, '<token>')} [${headers.slice(1).join('; ').slice(0, 200)}] body ${body.length} B, ${ending}`,
  };
}
