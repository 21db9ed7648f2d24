/**
 * HTTP errors in IPA's WSME shape `{faultcode, faultstring}`. werkzeug-raised
 * errors keep werkzeug's "<code> <name>: <description>" text, as IPA answers.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { RestError, toRestError } from '../errors.js';
import type { Logger } from '../logger.js';

/** werkzeug's reason phrases for the codes the API produces. */
const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
};

/** werkzeug's default descriptions. */
export const DESCRIPTIONS = {
  notFound: 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  methodNotAllowed: 'The method is not allowed for the requested URL.',
} as const;

/** An HTTP-level error with werkzeug's text. */
export class HttpFault extends Error {
  constructor(readonly status: number, readonly description: string) {
    super(`${status} ${REASONS[status] ?? 'Error'}: ${description}`);
    this.name = 'HttpFault';
  }
}

/** Send a fault body with its status. */
export function sendFault(res: Response, status: number, faultstring: string): void {
  res.status(status).type('application/json').send(JSON.stringify({ faultcode: status >= 500 ? 'Server' : 'Client', faultstring }));
}

/**
 * The single error middleware: RestError → its code and `"<message>: <details>"`,
 * HttpFault → werkzeug text, anything else normalised to a RestError (never an
 * unserialisable body).
 */
export function faultHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof HttpFault) {
      sendFault(res, error.status, error.message);
      return;
    }
    if (isBodyParserError(error)) {
      sendFault(res, error.status, `${error.status} ${REASONS[error.status] ?? 'Error'}: ${error.message}`);
      return;
    }
    const restError: RestError = toRestError(error);
    if (restError.code >= 500) logger.error('Internal server error', { type: restError.type, details: restError.details });
    const fault = restError.toFault();
    sendFault(res, restError.code, fault.faultstring);
  };
}

function isBodyParserError(error: unknown): error is { status: number; message: string } {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error &&
    typeof (error as { status: unknown }).status === 'number' && typeof (error as { type: unknown }).type === 'string' &&
    String((error as { type: string }).type).startsWith('entity.');
}
