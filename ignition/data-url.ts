/**
 * RFC 2397 `data:` URLs for Ignition file contents.
 *
 * Text is percent-encoded (`data:,…`) when that is no longer than base64,
 * which keeps small configs readable; binary data and text that would grow
 * past base64 (non-ASCII, many symbols) use `data:;base64,…`. Ignition
 * accepts both forms in every 3.x spec.
 */

/** How a data URL encodes its payload. */
export type DataUrlEncoding = 'percent' | 'base64';

/** Options for {@link toDataUrl}. */
export interface DataUrlOptions {
  /** Force one encoding. Default: the shorter one (percent on a tie), base64 for binary. */
  encoding?: DataUrlEncoding;
}

/** True when `bytes` is valid UTF-8 (so it can be percent-encoded as text). */
export function isUtf8Text(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** `data:,` plus the percent-encoded UTF-8 text. */
function percentUrl(text: string): string {
  return `data:,${encodeURIComponent(text)}`;
}

/** `data:;base64,` plus the base64 of the bytes. */
function base64Url(bytes: Uint8Array): string {
  return `data:;base64,${Buffer.from(bytes).toString('base64')}`;
}

/**
 * Encode `content` as a data URL.
 * @param content - text (encoded as UTF-8) or raw bytes
 * @throws TypeError when percent encoding is forced on bytes that are not UTF-8
 */
export function toDataUrl(content: string | Uint8Array, options: DataUrlOptions = {}): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const text = isUtf8Text(bytes) ? Buffer.from(bytes).toString('utf8') : null;
  if (options.encoding === 'base64') return base64Url(bytes);
  if (options.encoding === 'percent') {
    if (text === null) throw new TypeError('cannot percent-encode binary data as a text data URL; use base64');
    return percentUrl(text);
  }
  if (text === null) return base64Url(bytes);
  const percent = percentUrl(text);
  const base64 = base64Url(bytes);
  return percent.length <= base64.length ? percent : base64;
}

/**
 * Decode a data URL produced by {@link toDataUrl} (or any RFC 2397 URL).
 * @throws TypeError when `url` is not a data URL
 */
export function fromDataUrl(url: string): Buffer {
  const match = /^data:([^,]*),(.*)$/s.exec(url);
  if (match?.[1] === undefined || match[2] === undefined) throw new TypeError(`not a data URL: ${url.slice(0, 40)}`);
  const isBase64 = match[1].split(';').includes('base64');
  return isBase64 ? Buffer.from(match[2], 'base64') : Buffer.from(decodeURIComponent(match[2]), 'utf8');
}
