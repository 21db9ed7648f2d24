/**
 * The smallest Ironic the agent will look itself up against: `GET /` with a
 * version document, `GET /v1/lookup` with a node and its token, heartbeats
 * accepted. Shapes follow openstack/ironic ironic/api/controllers/v1/ramdisk.py
 * and ironic/api/controllers/root.py. It records when the first lookup and the
 * first heartbeat arrived, and tells when a heartbeat arrives after a given moment.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Ironic's maximum API version the stub reports: new enough for auto-TLS (1.68). */
const MAX_VERSION = '1.82';
/** The node the stub hands out. */
const NODE_UUID = '00000000-0000-4000-8000-00000000b0b0';

/** A running stub. */
export interface IronicStub {
  /** `http://127.0.0.1:<port>`, for the agent's `--api-url`. */
  readonly url: string;
  /** Resolves with `performance.now()` when the first `GET /v1/lookup` arrived. */
  readonly firstLookup: Promise<number>;
  /** Resolves with `performance.now()` when the first heartbeat arrived: the agent has finished starting. */
  readonly firstHeartbeat: Promise<number>;
  /**
   * Resolves with `performance.now()` when the first heartbeat that arrives at or after `since` (a
   * `performance.now()` value, not in the future) does; call it before what should cause that heartbeat.
   */
  heartbeatAfter(since: number): Promise<number>;
  close(): Promise<void>;
}

/** The version document of `GET /`. */
function rootBody(url: string): string {
  const version = {
    id: 'v1',
    links: [{ href: `${url}/v1/`, rel: 'self' }],
    status: 'CURRENT',
    min_version: '1.1',
    version: MAX_VERSION,
  };
  return JSON.stringify({ name: 'OpenStack Ironic API', default_version: version, versions: [version] });
}

/** The lookup answer: the node, and the agent token the agent will require. */
function lookupBody(token: string): string {
  return JSON.stringify({
    node: { uuid: NODE_UUID, properties: {}, instance_info: {}, driver_internal_info: {} },
    config: { heartbeat_timeout: 300, agent_token: token, agent_token_required: true },
  });
}

/** A promise of a time, and the function that resolves it (later calls do nothing). */
function arrival(): [Promise<number>, (at: number) => void] {
  let arrived: (at: number) => void = () => undefined;
  const promise = new Promise<number>((resolve) => {
    arrived = resolve;
  });
  return [promise, arrived];
}

/**
 * Start a stub on 127.0.0.1 (a free port).
 * @param token - the agent token the lookup hands out (32+ characters)
 */
export async function startIronicStub(token: string): Promise<IronicStub> {
  const [firstLookup, lookupArrived] = arrival();
  const waiting = new Set<{ since: number; arrived: (at: number) => void }>();
  const heartbeatArrived = (at: number): void => {
    for (const waiter of waiting)
      if (waiter.since <= at) {
        waiting.delete(waiter);
        waiter.arrived(at);
      }
  };
  const heartbeatAfter = (since: number): Promise<number> => {
    const [promise, arrived] = arrival();
    waiting.add({ since, arrived });
    return promise;
  };
  const firstHeartbeat = heartbeatAfter(0);
  let url = '';
  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '';
    let status = 404;
    let body = '';
    if (req.method === 'GET' && path === '/') [status, body] = [200, rootBody(url)];
    else if (req.method === 'GET' && path.startsWith('/v1/lookup')) {
      lookupArrived(performance.now());
      [status, body] = [200, lookupBody(token)];
    } else if (req.method === 'POST' && path.startsWith('/v1/heartbeat/')) {
      heartbeatArrived(performance.now());
      status = 202;
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(status, {
        ...(body === '' ? {} : { 'content-type': 'application/json' }),
        'content-length': String(Buffer.byteLength(body)),
        'x-openstack-ironic-api-minimum-version': '1.1',
        'x-openstack-ironic-api-maximum-version': MAX_VERSION,
      });
      res.end(body);
    });
  };
  const server: Server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    firstLookup,
    firstHeartbeat,
    heartbeatAfter,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
