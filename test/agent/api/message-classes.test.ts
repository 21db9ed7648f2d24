/**
 * Requests and responses born with the express app's prototypes: the classes
 * themselves, and the real listener of server.ts over HTTP and HTTPS, where
 * each request is seen as it arrives, before express's own set-up.
 */
import { expect } from 'chai';
import { IncomingMessage, ServerResponse, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Socket } from 'node:net';
import express, { type Express } from 'express';
import { messageClassesFor } from '../../../agent/api/message-classes.js';
import { listenApi } from '../../../agent/api/server.js';
import { generateSelfSignedCertificate } from '../../../agent/tls/auto-tls.js';
import { tlsServerOptions } from '../../../agent/tls/server-options.js';

/** What a request looked like as it reached the app, before express's init middleware. */
interface Arrival {
  requestPrototype: boolean;
  responsePrototype: boolean;
}

/** An app answering `GET /probe` with what express's request and response methods give. */
function probeApp(): { app: Express; arrivals: Arrival[] } {
  const app = express();
  const arrivals: Arrival[] = [];
  // express's app function hands every request to app.handle (express lib/express.js).
  type Handle = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;
  const withHandle = app as unknown as { handle: Handle };
  const handle = withHandle.handle.bind(app);
  withHandle.handle = (req, res, next) => {
    arrivals.push({
      requestPrototype: Object.getPrototypeOf(req) === app.request,
      responsePrototype: Object.getPrototypeOf(res) === app.response,
    });
    handle(req, res, next);
  };
  app.get('/probe', (req, res) => {
    res
      .status(201)
      .set('X-Path', req.path)
      .json({ host: req.get('host'), app: req.app === app && res.app === app });
  });
  return { app, arrivals };
}

/** GET `url` (any certificate accepted); status, X-Path header and body. */
function get(url: string): Promise<{ status: number; path: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, path: res.headers['x-path'] as string, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('api/message-classes', () => {
  it("builds requests and responses whose prototypes are the app's, in place of express's own", () => {
    const app = express();
    const expressRequest = Object.getPrototypeOf(app.request) as object;
    const expressResponse = Object.getPrototypeOf(app.response) as object;

    const classes = messageClassesFor(app);
    const req = new classes.IncomingMessage(new Socket());
    const res = new classes.ServerResponse(req);

    expect(Object.getPrototypeOf(req)).to.equal(app.request);
    expect(Object.getPrototypeOf(res)).to.equal(app.response);
    expect(Object.getPrototypeOf(app.request)).to.equal(expressRequest);
    expect(Object.getPrototypeOf(app.response)).to.equal(expressResponse);
    expect(req).to.be.instanceOf(IncomingMessage);
    expect(res).to.be.instanceOf(ServerResponse);
    expect(Object.getOwnPropertyDescriptor(app.request, 'app')).to.include({ value: app, enumerable: true });
    expect(Object.getOwnPropertyDescriptor(app.response, 'app')).to.include({ value: app, enumerable: true });
  });

  for (const scheme of ['http', 'https'] as const) {
    it(`serves ${scheme} requests that arrive with the app's prototypes, express's methods intact`, async () => {
      const { app, arrivals } = probeApp();
      const tls =
        scheme === 'https'
          ? tlsServerOptions(
              await generateSelfSignedCertificate({ advertiseIp: '127.0.0.1', hostname: 'node', now: new Date() }),
            )
          : null;
      const server = await listenApi(app, { host: '127.0.0.1', port: 0, tls });
      try {
        const reply = await get(`${scheme}://127.0.0.1:${server.port}/probe?x=1`);

        expect(reply).to.deep.equal({
          status: 201,
          path: '/probe',
          body: JSON.stringify({ host: `127.0.0.1:${server.port}`, app: true }),
        });
        expect(arrivals).to.deep.equal([{ requestPrototype: true, responsePrototype: true }]);
      } finally {
        await server.close();
      }
    });
  }
});
