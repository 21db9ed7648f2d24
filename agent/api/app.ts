/**
 * `createApp(deps)`: IPA's v1 REST API as an express app (no listening here).
 *
 * Routes are declared with IPA's strict trailing-slash semantics: a request
 * for `/v1` or `/v1/commands` is redirected (308) to the slashed form, as
 * werkzeug does; `/v1/status/` is 404.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { CommandExecutor } from '../commands/executor.js';
import type { Logger } from '../logger.js';
import { DESCRIPTIONS, HttpFault, JSON_CONTENT_TYPE, faultHandler } from './faults.js';
import { rootDocument, v1Document } from './documents.js';
import { TokenGuard } from './agent-token.js';
import { parseCommandBody } from './command-body.js';
import { COMMAND_BODY_LIMITS, readBody } from './request-body.js';

/** What the API needs from the agent. */
export interface ApiAgent {
  /** `{started_at, version}` for `/v1/status`. */
  status(): { started_at: number; version: string };
  /** True when `token` equals the agent's current token. */
  validateToken(token: string | undefined): boolean;
  /** Runs and lists commands. */
  readonly executor: CommandExecutor;
}

/** Build the express app. */
export function createApp(agent: ApiAgent, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const guard = new TokenGuard(agent);
  const router = express.Router({ strict: true, caseSensitive: true });
  app.use(closeUnlessBodyIsRead);

  router.get('/', (req, res) => {
    send(res, rootDocument(rootUrl(req)));
  });
  router.get('/v1/', (req, res) => {
    send(res, v1Document(rootUrl(req)));
  });
  for (const prefix of ['/v1', '']) {
    router.get(`${prefix}/status`, (_req, res) => {
      send(res, agent.status());
    });
    router.get(`${prefix}/commands/`, guard.forGet(), (_req, res) => {
      // Each result on its own: one that cannot be serialised must not fail the list.
      sendJson(
        res,
        `{"commands":[${agent.executor
          .list()
          .map((r) => r.toJSONText())
          .join(',')}]}`,
      );
    });
    router.get(
      `${prefix}/commands/:id`,
      guard.forGet(),
      wrap(async (req, res) => {
        const result = agent.executor.get(String(req.params['id']));
        if (isTrue(req.query['wait'])) await result.wait();
        sendJson(res, result.toJSONText());
      }),
    );
    router.post(
      `${prefix}/commands/`,
      wrap(async (req, res) => {
        // IPA parses the body first (a bad body is 400 even without a token). The
        // token comes first here: an unauthenticated client must not make the
        // agent read, inflate and hold a body (COMMAND_BODY_LIMITS) at all.
        guard.checkPost(req);
        // The server answers no `Expect: 100-continue` by itself (server.ts): only a token holder is invited to send.
        if (/100-continue/i.test(req.headers.expect ?? '')) res.writeContinue();
        const body = parseCommandBody(await readBody(req, COMMAND_BODY_LIMITS));
        const result = await agent.executor.execute(body.name, body.params);
        if (isTrue(req.query['wait'])) await result.wait();
        sendJson(res, result.toJSONText());
      }),
    );
  }
  app.use(router);
  app.use(slashRedirects());
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(
      new HttpFault(
        knownPath(req.path) ? 405 : 404,
        knownPath(req.path) ? DESCRIPTIONS.methodNotAllowed : DESCRIPTIONS.notFound,
      ),
    );
  });
  app.use(faultHandler(logger));
  return app;
}

function send(res: Response, body: unknown): void {
  sendJson(res, JSON.stringify(body));
}

function sendJson(res: Response, text: string): void {
  res.status(200).set('Content-Type', JSON_CONTENT_TYPE).send(text);
}

function rootUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function isTrue(value: unknown): boolean {
  return typeof value === 'string' && value.toLowerCase() === 'true';
}

const COLLECTIONS = new Set(['/v1', '/v1/commands', '/commands']);

/**
 * werkzeug's strict_slashes: redirect the unslashed collection paths. The
 * Location is relative (RFC 9110 §10.2.2 allows it), so it never echoes a
 * client-chosen Host header back (werkzeug builds an absolute one from Host).
 */
function slashRedirects() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!COLLECTIONS.has(req.path)) {
      next();
      return;
    }
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    res.redirect(308, `${req.path}/${query}`);
  };
}

function knownPath(path: string): boolean {
  return path === '/' || path === '/v1/' || /^\/(v1\/)?(status|commands\/(?:[^/]+)?)$/.test(path);
}

type AsyncHandler = (req: Request, res: Response) => Promise<void>;

function wrap(handler: AsyncHandler) {
  return (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };
}

/**
 * Only `POST .../commands/` ever reads a body, and only after the token check.
 * Any other request that announces one is answered with `Connection: close`,
 * so node:http does not read and discard an unbounded body to keep the
 * connection alive. (Faults on the POST route close the same way: faults.ts.)
 */
function closeUnlessBodyIsRead(req: Request, res: Response, next: NextFunction): void {
  const declaresBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (declaresBody && !(req.method === 'POST' && /^\/(v1\/)?commands\/$/.test(req.path)))
    res.set('Connection', 'close');
  next();
}
