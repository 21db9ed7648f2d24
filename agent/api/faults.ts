/**
 * HTTP errors in IPA's WSME shape `{faultcode, faultstring}`. werkzeug-raised
 * errors keep werkzeug's "<code> <name>: <description>" text, as IPA answers
 * (IPA ironic_python_agent/api/app.py `format_exception`; werkzeug
 * src/werkzeug/exceptions.py for the names and default descriptions).
 */
import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Request, Response } from 'express';
import { RestError, toRestError } from '../../common/errors.js';
import type { Logger } from '../logger.js';

/** werkzeug's reason phrases where they differ from Node's (werkzeug/exceptions.py). */
const REASONS: Readonly<Record<number, string>> = {
  413: 'Request Entity Too Large',
  414: 'Request URI Too Large',
  416: 'Requested Range Not Satisfiable',
};

/** werkzeug's default descriptions. */
export const DESCRIPTIONS = {
  badRequest: 'The browser (or proxy) sent a request that this server could not understand.',
  notFound:
    'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  methodNotAllowed: 'The method is not allowed for the requested URL.',
} as const;

/** `"<code> <reason>"` as werkzeug names the status. */
export function statusLine(status: number): string {
  return `${status} ${REASONS[status] ?? STATUS_CODES[status] ?? 'Error'}`;
}

/** An HTTP-level error with werkzeug's text. */
export class HttpFault extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(`${statusLine(status)}: ${description}`);
    this.name = 'HttpFault';
  }
}

/**
 * The Content-Type of every JSON answer, charset included: what express'
 * `res.type('application/json')` sends, without express asking send's `mime`
 * table for the charset (express lib/response.js res.set), so that the table
 * is never loaded (scripts/bundle-patches.mjs).
 */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Send a fault body with its status. */
export function sendFault(res: Response, status: number, faultstring: string): void {
  res
    .status(status)
    .set('Content-Type', JSON_CONTENT_TYPE)
    .send(JSON.stringify({ faultcode: status >= 500 ? 'Server' : 'Client', faultstring }));
}

/**
 * The single error middleware:
 * - HttpFault → werkzeug text;
 * - any other error carrying a 4xx `status`/`statusCode` (body parsing,
 *   express's `decode_param`, zlib wrapped by a parser) → that 4xx as a Client
 *   fault: a client's mistake is never an internal error;
 * - a request the client aborted → logged at debug (nobody is left to answer);
 * - anything else → normalised to a RestError (never an unserialisable body),
 *   logged as an internal error.
 * A fault answered before the request body was read closes the connection:
 * otherwise node:http would read (and discard) the rest of it, up to whatever
 * the client declared, to keep the connection alive.
 */
export function faultHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (isAborted(error)) {
      logger.debug('Request aborted by the client', { method: req.method });
      res.destroy();
      return;
    }
    if (hasUnreadBody(req)) res.set('Connection', 'close');
    if (error instanceof HttpFault) {
      sendFault(res, error.status, error.message);
      return;
    }
    const status = clientStatus(error);
    if (status !== undefined) {
      sendFault(res, status, `${statusLine(status)}: ${clientDescription(error, status)}`);
      return;
    }
    const restError: RestError = toRestError(error);
    if (restError.code >= 500)
      logger.error('Internal server error', { type: restError.type, details: restError.details });
    sendFault(res, restError.code, restError.toFault().faultstring);
  };
}

/** The 4xx status a foreign (non-RestError) error carries, if any. */
function clientStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || error instanceof RestError) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && Number.isInteger(code) && code >= 400 && code < 500 ? code : undefined;
}

/** The error's own message when it may be shown (http-errors' `expose`), else werkzeug's default. */
function clientDescription(error: unknown, status: number): string {
  const { message, expose } = error as { message?: unknown; expose?: unknown };
  if (expose === false || typeof message !== 'string' || message === '')
    return status === 400 ? DESCRIPTIONS.badRequest : (STATUS_CODES[status] ?? 'Error');
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}`;
}

/** True for errors that only say the client went away mid-request (raw-body, node:http, streams). */
function isAborted(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { type, code } = error as { type?: unknown; code?: unknown };
  return (
    type === 'request.aborted' ||
    code === 'ECONNRESET' ||
    code === 'ECONNABORTED' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE'
  );
}

/** The request announced a body and it has not been read to its end. */
function hasUnreadBody(req: Request): boolean {
  const declared = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  return declared && !req.readableEnded;
}
