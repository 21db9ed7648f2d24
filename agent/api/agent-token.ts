/**
 * Agent-token checks, as IPA does them:
 * - `POST /v1/commands/` always needs `?agent_token=` equal to the agent's token;
 * - the GET command routes are checked only once a GET has carried a VALID
 *   token (IPA's upgrade path: Ironic 21.4 polls `GET /v1/commands/` with no
 *   token). IPA arms the check on any token; requiring a valid one means a
 *   stray request cannot lock Ironic 21.4 out of its status polls.
 * Failures are werkzeug's `401 Unauthorized: Token invalid.`
 */
import type { NextFunction, Request, Response } from 'express';
import { HttpFault } from './faults.js';

/** What the guard needs. */
export interface TokenValidator {
  validateToken(token: string | undefined): boolean;
}

/** Per-app token state (the "GET carried a token" flag lives here, not in a module). */
export class TokenGuard {
  private getTokenSeen = false;

  constructor(private readonly validator: TokenValidator) {}

  /** Middleware for the GET command routes. */
  forGet() {
    return (req: Request, _res: Response, next: NextFunction): void => {
      const token = queryToken(req);
      const valid = this.validator.validateToken(token);
      if (valid) this.getTokenSeen = true;
      if (this.getTokenSeen && !valid) {
        next(new HttpFault(401, 'Token invalid.'));
        return;
      }
      next();
    };
  }

  /** Check a POST; throws the 401 fault. */
  checkPost(req: Request): void {
    if (!this.validator.validateToken(queryToken(req))) throw new HttpFault(401, 'Token invalid.');
  }
}

function queryToken(req: Request): string | undefined {
  const value = req.query['agent_token'];
  return typeof value === 'string' ? value : undefined;
}
