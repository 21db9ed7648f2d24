/**
 * A real HTTP(S) server that answers like a real Ironic 21.4.4 (Debian
 * bookworm's) does: the bodies, status codes and version headers of `GET /`,
 * lookup and heartbeat (openstack/ironic ironic/api/controllers/v1/ramdisk.py), records
 * every request, and lets each test decide the answers.
 */
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, verbatim. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What to answer. */
export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Destroy the socket without answering. */
  hangUp?: boolean;
}

/** Python json.dumps formatting (", " and ": " separators), as Ironic writes bodies. */
export function pyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Ironic's error body: `{"error_message": "<JSON string with faultcode/faultstring/debuginfo>"}`. */
export function ironicError(faultstring: string, faultcode: 'Client' | 'Server' = 'Client'): string {
  return pyJson({ error_message: pyJson({ faultcode, faultstring, debuginfo: null }) });
}

/** `GET /` as captured (default_version.version = max). */
export function rootBody(baseUrl: string, max = '1.82'): string {
  const version = {
    id: 'v1',
    links: [{ href: `${baseUrl}/v1/`, rel: 'self' }],
    status: 'CURRENT',
    min_version: '1.1',
    version: max,
  };
  return pyJson({
    name: 'OpenStack Ironic API',
    description: 'Ironic is an OpenStack project which enables the provision and management of baremetal machines.',
    default_version: version,
    versions: [version],
  });
}

/** The captured node UUID and token of the custom-agent deploy. */
export const NODE_UUID = 'c712b7a5-9f27-4921-b70e-0f181671403b';
export const TOKEN = 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc';
export const MAC = '52:54:00:d4:61:b7';

/** The captured lookup answer in `wait call-back`, with `config` overridable. */
export function lookupBody(baseUrl: string, config: Record<string, unknown> = {}): string {
  return pyJson({
    node: {
      uuid: NODE_UUID,
      properties: {},
      instance_info: { configdrive: '******' },
      driver_internal_info: {
        deploy_steps: [
          { step: 'deploy', priority: 100, argsinfo: null, interface: 'deploy' },
          { step: 'prepare_instance_boot', priority: 60, argsinfo: null, interface: 'deploy' },
          { step: 'tear_down_agent', priority: 40, argsinfo: null, interface: 'deploy' },
          { step: 'switch_to_tenant_network', priority: 30, argsinfo: null, interface: 'deploy' },
          { step: 'boot_instance', priority: 20, argsinfo: null, interface: 'deploy' },
        ],
        last_power_state_change: '2026-11-21T08:19:52.082213',
        user_deploy_steps: [{ interface: 'deploy', step: 'install_coreos', args: {}, priority: 80 }],
        deploy_step_index: 0,
        agent_secret_token: '******',
      },
      links: [
        { href: `${baseUrl}/v1/nodes/${NODE_UUID}`, rel: 'self' },
        { href: `${baseUrl}/nodes/${NODE_UUID}`, rel: 'bookmark' },
      ],
    },
    config: {
      metrics: {
        backend: 'noop',
        prepend_host: false,
        prepend_uuid: false,
        prepend_host_reverse: true,
        global_prefix: null,
      },
      metrics_statsd: { statsd_host: 'localhost', statsd_port: 8125 },
      heartbeat_timeout: 300,
      agent_token: TOKEN,
      agent_token_required: true,
      disable_deep_image_inspection: false,
      permitted_image_formats: ['raw', 'qcow2', 'iso'],
      enable_bios_bootloader_install: true,
      ...config,
    },
  });
}

/** Captured failure texts. */
export const FAULTS = {
  notFound: 'Resource could not be found.',
  incompleteLookup: "At least one of 'addresses' and 'node_uuid' parameters is required",
  invalidToken: 'Invalid or missing agent token received.',
  tokenRequired: 'Agent token is required for heartbeat processing.',
  locked: `Node ${NODE_UUID} is locked by host ironic-testbed, please retry after the current operation is completed.`,
} as const;

/** Fake Ironic: answers through `handler` (default: the captured happy path). */
export class FakeIronic {
  readonly requests: RecordedRequest[] = [];
  /** Decides each answer; replace it per test. */
  handler: (request: RecordedRequest) => Answer;
  /** The `default_version.version` the default handler reports. */
  maxVersion = '1.82';
  url = '';
  private server: Server | null = null;

  private constructor() {
    this.handler = (request) => this.happyPath(request);
  }

  /** Start on 127.0.0.1:0 (HTTPS when `tls` is given). */
  static async start(tls?: ServerOptions): Promise<FakeIronic> {
    const fake = new FakeIronic();
    const listener = (req: IncomingMessage, res: ServerResponse): void => fake.handle(req, res);
    const server = tls === undefined ? createHttpServer(listener) : createHttpsServer(tls, listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    const { port } = server.address() as AddressInfo;
    fake.url = `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
    return fake;
  }

  /** The captured happy path: `GET /`, lookup 200, heartbeat 202. */
  happyPath(request: RecordedRequest): Answer {
    if (request.method === 'GET' && request.url === '/')
      return { status: 200, body: rootBody(this.url, this.maxVersion) };
    if (request.method === 'GET' && request.url.startsWith('/v1/lookup'))
      return { status: 200, body: lookupBody(this.url) };
    if (request.method === 'POST' && request.url.startsWith('/v1/heartbeat/')) return { status: 202 };
    return { status: 404, body: ironicError(FAULTS.notFound) };
  }

  /** Requests other than version discovery. */
  calls(): RecordedRequest[] {
    return this.requests.filter((r) => r.url !== '/');
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(request);
      const answer = this.handler(request);
      if (answer.hangUp === true) {
        req.socket.destroy();
        return;
      }
      const body = answer.body ?? '';
      const version = request.headers['x-openstack-ironic-api-version'];
      res.writeHead(answer.status, {
        ...(body === '' ? {} : { 'Content-Type': 'application/json' }),
        'Content-Length': String(Buffer.byteLength(body)),
        'X-OpenStack-Ironic-API-Minimum-Version': '1.1',
        'X-OpenStack-Ironic-API-Maximum-Version': this.maxVersion,
        'X-OpenStack-Ironic-API-Version': typeof version === 'string' ? version : '1.1',
        'Openstack-Request-Id': 'req-00000000-0000-4000-8000-000000000000',
        ...answer.headers,
      });
      res.end(body);
    });
  }
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
