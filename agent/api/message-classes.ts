/**
 * Requests and responses born with the express app's prototypes.
 *
 * express gives every request and response its application's prototypes as
 * they arrive (`setPrototypeOf(req, app.request)` in express's
 * lib/middleware/init.js). V8 gives an object whose prototype changed a map of
 * its own, so each request and response then grows fresh maps as properties
 * are added to it, never the shared ones of the previous request; and the young
 * objects of such a request survive V8's scavenges and are promoted to the old
 * generation, where only a full collection frees them. A bare node:http server
 * that changes each response's prototype scavenged in 2-3 ms instead of 0.2 ms
 * on node 20, its heap growing until a full collection, and promoted 15 times
 * as much on node 22 (bench/README.md, "The p99 and the heartbeat after a
 * command").
 *
 * node:http builds each request and response from the server's
 * `IncomingMessage` and `ServerResponse` options
 * (https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener).
 * Built from the classes here, they already have the app's prototypes: express
 * still sets them, and V8 leaves an object alone when its prototype is already
 * the one given, so its maps stay shared.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';

/** The classes for node:http's `IncomingMessage` and `ServerResponse` server options. */
export interface MessageClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse<IncomingMessage>;
}

/**
 * Classes whose instances have `app`'s request and response prototypes; the
 * prototypes of the classes take the place of `app.request` and `app.response`
 * (the same prototype chain and the same own properties, express's `app`).
 * Call once per app, before it serves a request.
 */
export function messageClassesFor(app: Express): MessageClasses {
  class ApiRequest extends IncomingMessage {}
  class ApiResponse extends ServerResponse {}
  app.request = standIn(ApiRequest.prototype, app.request);
  app.response = standIn(ApiResponse.prototype, app.response);
  return { IncomingMessage: ApiRequest, ServerResponse: ApiResponse };
}

/** `prototype`, given `replaced`'s prototype and own properties (but its own `constructor`). */
function standIn<T extends object>(prototype: object, replaced: T): T {
  const { constructor: _ignored, ...properties } = Object.getOwnPropertyDescriptors(replaced);
  Object.setPrototypeOf(prototype, Object.getPrototypeOf(replaced) as object | null);
  Object.defineProperties(prototype, properties);
  return prototype as T;
}
