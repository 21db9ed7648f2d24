/**
 * Decoding Ironic's answers: error bodies and transport failures.
 *
 * Ironic's error body is `{"error_message": "<JSON string>"}` whose inner
 * object carries `faultstring` (older/other services answer the object
 * directly or a `title`). Port of IPA APIClient._error_from_response.
 */
import { isAxiosError } from 'axios';

/** An HTTP answer Ironic gave that the agent did not want. Chained as `cause` of the RestErrors. */
export class IronicResponseError extends Error {
  /** The HTTP status code. */
  readonly status: number;
  /** Ironic's `faultstring` (or the raw body when there was none). */
  readonly faultstring: string;

  constructor(status: number, faultstring: string) {
    super(`Error ${status}: ${faultstring}`);
    this.name = 'IronicResponseError';
    this.status = status;
    this.faultstring = faultstring;
  }
}

/**
 * Extract the human-readable fault from an Ironic error body: `faultstring`,
 * else `title`, else the raw text.
 */
export function decodeFault(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  if (!isRecord(body)) return text;
  let inner: unknown = 'error_message' in body ? body['error_message'] : body;
  if (typeof inner === 'string') {
    try {
      inner = JSON.parse(inner);
    } catch {
      inner = {};
    }
  }
  if (!isRecord(inner)) return text;
  for (const key of ['faultstring', 'title'] as const) {
    const value = inner[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return text;
}

/** Build the error for an unwanted answer (status plus decoded fault). */
export function responseError(status: number, text: string): IronicResponseError {
  return new IronicResponseError(status, decodeFault(text));
}

/**
 * True when the request never got an HTTP answer: refused, reset, DNS,
 * TLS handshake failure or timeout (requests' ConnectionError/Timeout family).
 */
export function isConnectionError(error: unknown): boolean {
  return isAxiosError(error) && error.response === undefined;
}

/** A short, secret-free description of a transport error (code and message). */
export function describeError(error: unknown): string {
  if (isAxiosError(error)) {
    const code = error.code === undefined ? '' : `${error.code}: `;
    return `${code}${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
