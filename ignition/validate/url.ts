/**
 * Source-URL checks of the Ignition validator (pure).
 *
 * Ignition parses `source` URLs with Go's net/url and `data:` URLs with an
 * RFC 2397 lexer. These functions reproduce the verdicts that matter
 * (accepted or not, by spec version), written from the observed behaviour of
 * `ignition-validate` 2.14; the messages are ours.
 */

/** Schemes each spec minor version accepts (besides `data`, checked separately). */
function allowedSchemes(minor: number): Set<string> {
  const schemes = ['http', 'https', 'tftp', 's3'];
  if (minor >= 2) schemes.push('gs');
  if (minor >= 4) schemes.push('arn');
  return new Set(schemes);
}

/**
 * Check an Ignition `source` URL.
 * @param minor - the spec minor version (3.minor.0)
 * @returns null when accepted, else the reason
 */
export function checkSourceUrl(raw: string, minor: number): string | null {
  const parsed = parseUrl(raw);
  if (typeof parsed === 'string') return parsed;
  if (parsed.scheme === 'data') return checkDataUrl(raw);
  if (!allowedSchemes(minor).has(parsed.scheme)) return 'invalid url scheme';
  if (parsed.scheme === 's3' && /(^|&)versionId(=(&|$)|&|$)/.test(parsed.query)) return 'invalid S3 object VersionId';
  if (parsed.scheme === 'arn') return checkS3Arn(raw);
  return null;
}

/** Scheme of an http(s) proxy URL, or a parse error (prefixed `!`). */
export function urlScheme(raw: string): string {
  const parsed = parseUrl(raw);
  return typeof parsed === 'string' ? `!${parsed}` : parsed.scheme;
}

interface ParsedUrl {
  scheme: string;
  query: string;
}

/** Go net/url.Parse, reduced to its accept/reject decision, scheme and query. */
function parseUrl(raw: string): ParsedUrl | string {
  if (/[\u0000-\u001f\u007f]/.test(raw)) return 'unable to parse url';
  const hash = raw.indexOf('#');
  const main = hash < 0 ? raw : raw.slice(0, hash);
  if (hash >= 0 && !validEscapes(raw.slice(hash + 1))) return 'unable to parse url';
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(main);
  if (main.startsWith(':')) return 'unable to parse url';
  const scheme = schemeMatch?.[1]?.toLowerCase() ?? '';
  let rest = schemeMatch === null ? main : main.slice(schemeMatch[0].length);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, query };
    if ((rest.split('/')[0] ?? '').includes(':')) return 'unable to parse url';
  }
  if (rest.startsWith('//') && !rest.startsWith('///')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    if (!validAuthority(authority)) return 'unable to parse url';
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  return validEscapes(rest) ? { scheme, query } : 'unable to parse url';
}

function validAuthority(authority: string): boolean {
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo) || !validEscapes(userinfo)) return false;
  }
  const host = authority.slice(at + 1);
  let port = '';
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return false;
    port = host.slice(close + 1);
  } else if (host.includes(':')) {
    port = host.slice(host.lastIndexOf(':'));
  }
  if (port !== '' && !/^:[0-9]*$/.test(port)) return false;
  // Hosts may only hold unreserved and sub-delimiter characters (non-ASCII is allowed).
  if (/[^A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%\u0080-\uffff]/.test(host)) return false;
  return validEscapes(host) && !/%(?!25)[0-7][0-9A-Fa-f]/.test(host);
}

function validEscapes(text: string): boolean {
  return !/%(?![0-9A-Fa-f]{2})/.test(text);
}

function checkS3Arn(raw: string): string | null {
  const full = `arn:${raw.slice(raw.indexOf(':') + 1)}`;
  const parts = full.split(':');
  if (parts.length < 6 || parts[2] !== 's3') return 'invalid S3 ARN format';
  const resource = parts.slice(5).join(':');
  const segments = full.split('/').length;
  if (resource.startsWith('accesspoint/') ? segments < 3 : segments < 2) return 'invalid S3 ARN format';
  return null;
}

const TSPECIALS = new Set('()<>@,;:\\"/[]?='.split(''));

function isToken(c: string): boolean {
  const code = c.charCodeAt(0);
  return code > 0x20 && code < 0x7f && !TSPECIALS.has(c);
}

/**
 * Check an RFC 2397 `data:` URL the way Ignition's decoder does: media type
 * `type/subtype` (type text, image, audio, video, application, message,
 * multipart or x-*), `;attr=value` parameters, an optional `;base64`, a comma,
 * then URL-safe characters with valid `%XX` escapes, or valid padded base64.
 * @returns null when accepted, else the reason
 */
export function checkDataUrl(raw: string): string | null {
  if (!raw.startsWith('data:')) return 'missing data prefix';
  const comma = findDataComma(raw, 5);
  if (typeof comma === 'string') return comma;
  const data = raw.slice(comma.index + 1);
  if (comma.base64) {
    if (!/^[A-Za-z0-9+/=\n]*$/.test(data)) return 'invalid data character';
    return validBase64(data.replace(/[\r\n]/g, '')) ? null : 'illegal base64 data';
  }
  for (const c of data) {
    const code = c.codePointAt(0) ?? 0;
    if (code > 0x7f || code <= 0x20 || code === 0x7f || '<>#"{}|\\^[]`'.includes(c)) return 'invalid data character';
  }
  if (!validEscapes(data)) return 'invalid escape sequence in data';
  return null;
}

/** Walk media type and parameters; return where the data starts and whether it is base64. */
function findDataComma(raw: string, start: number): { index: number; base64: boolean } | string {
  let i = start;
  if (raw[i] !== ';' && raw[i] !== ',') {
    if (i >= raw.length) return 'missing comma before data';
    if (!isToken(raw[i] ?? '')) return 'invalid character after data prefix';
    let slash = i;
    while (slash < raw.length && raw[slash] !== '/') {
      if (!isToken(raw[slash] ?? '')) return 'invalid character for media type';
      slash += 1;
    }
    if (slash >= raw.length) return 'missing media type slash';
    if (!/^([xX]-|text|image|audio|video|application|message|multipart)/.test(raw.slice(i, slash)))
      return 'invalid media type';
    i = slash + 1;
    while (i < raw.length && raw[i] !== ';' && raw[i] !== ',') {
      if (!isToken(raw[i] ?? '')) return 'invalid character for media subtype';
      i += 1;
    }
    if (i >= raw.length) return 'incomplete media type';
  }
  while (raw[i] === ';') {
    const param = readParameter(raw, i + 1);
    if (typeof param === 'string') return param;
    if (param.base64) return { index: param.next, base64: true };
    i = param.next;
  }
  if (raw[i] !== ',') return i >= raw.length ? 'missing comma before data' : 'expected semicolon or comma';
  return { index: i, base64: false };
}

function readParameter(raw: string, start: number): { next: number; base64: boolean } | string {
  let i = start;
  if (i >= raw.length || raw[i] === '=' || raw[i] === ',') return 'unterminated parameter sequence';
  while (i < raw.length && raw[i] !== '=' && raw[i] !== ',') {
    if (!isToken(raw[i] ?? '')) return 'invalid character for parameter attribute';
    i += 1;
  }
  if (i >= raw.length) return 'unterminated parameter sequence';
  if (raw[i] === ',') return raw.slice(start, i) === 'base64' ? { next: i, base64: true } : 'expected base64';
  i += 1;
  if (raw[i] === '"') {
    i += 1;
    while (i < raw.length && raw[i] !== '"') {
      if ((raw.codePointAt(i) ?? 0) > 0x7f) return 'invalid character for parameter value';
      i += raw[i] === '\\' ? 2 : 1;
    }
    if (i >= raw.length) return 'unclosed quoted string';
    i += 1;
  } else {
    const valueStart = i;
    if (i >= raw.length) return 'missing comma before data';
    if (!isToken(raw[i] ?? '')) return 'invalid character for parameter value';
    while (i < raw.length && raw[i] !== ';' && raw[i] !== ',') {
      if (!isToken(raw[i] ?? '')) return 'invalid character for parameter value';
      i += 1;
    }
    if (i >= raw.length) return 'missing comma before data';
    if (!validEscapes(raw.slice(valueStart, i))) return 'invalid escape sequence in parameter value';
  }
  if (raw[i] !== ';' && raw[i] !== ',')
    return i >= raw.length ? 'missing comma before data' : 'expected semicolon or comma';
  return { next: i, base64: false };
}

/** Standard padded base64, as Go's StdEncoding decodes it. */
function validBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  const pad = text.indexOf('=');
  if (pad < 0) return true;
  return pad >= text.length - 2 && /^=+$/.test(text.slice(pad));
}
