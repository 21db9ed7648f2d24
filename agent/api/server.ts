/** Listen/close wrapper for the API app: plain HTTP or HTTPS (auto or static TLS). */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { messageClassesFor } from './message-classes.js';

/** A listening API server. */
export interface ApiServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Stop accepting connections and drop open ones. */
  close(): Promise<void>;
}

/**
 * Listen on `host:port`. With `tls`, serve HTTPS. Requests and responses are
 * built with `app`'s prototypes (message-classes.ts).
 * @throws the listen error (e.g. EADDRINUSE) with the address in the message
 */
export async function listenApi(
  app: Express,
  options: { host: string; port: number; tls?: ServerOptions | null },
): Promise<ApiServer> {
  const classes = messageClassesFor(app);
  const server: Server =
    options.tls === undefined || options.tls === null
      ? createHttpServer(classes, app)
      : createHttpsServer({ ...options.tls, ...classes }, app);
  server.keepAliveTimeout = 65_000;
  // Without a listener node:http answers `Expect: 100-continue` with `100 Continue`
  // at once, inviting an upload before the token is checked; the app sends it
  // itself once the token is valid (app.ts).
  server.on('checkContinue', app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          `cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}; check listen_host / listen_port`,
        ),
      );
    });
    server.listen({ host: options.host, port: options.port, ipv6Only: false }, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
