/**
 * The few operator calls `fleet apply` makes to Ironic: read a node, and ask
 * for a rebuild with a configdrive and the `install_coreos` deploy step, the
 * request Metal3's baremetal-operator makes for a custom deploy
 * (metal3-io/baremetal-operator pkg/provisioner/ironic/ironic.go) and `baremetal node
 * rebuild --config-drive ... --deploy-steps ...` sends. Status
 * codes become typed errors here and nowhere else; the token is a header only
 * and never part of a message.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';

/**
 * The microversion sent with every call. `deploy_steps` in the provision API
 * needs 1.69 and a configdrive given as a JSON object 1.56, a rebuild with a
 * configdrive 1.35 (openstack/ironic ironic/api/controllers/v1/utils.py,
 * allow_deploy_steps, allow_build_configdrive,
 * allow_node_rebuild_with_configdrive). Ironic 2023.1 (21.4) serves up to 1.82.
 */
export const IRONIC_API_VERSION = '1.69';

/** How to reach Ironic (as the `baremetal` CLI: an endpoint, and a token or noauth). */
export interface IronicConnection {
  /** The API's root URL (`/v1` and a trailing `/` are accepted and dropped). */
  readonly endpoint: string;
  /** Sent as `X-Auth-Token`; never part of a message. */
  readonly token?: string;
}

/** The fields of a node that apply reads (the operator API's names). */
export interface IronicNode {
  readonly uuid: string;
  readonly name: string | null;
  readonly provision_state: string;
  readonly provision_updated_at: string | null;
  readonly last_error: string | null;
  readonly maintenance: boolean;
}

/** What the Ironic path needs from Ironic (faked in tests). */
export interface IronicApi {
  /** GET /v1/nodes/{ident}. @throws IronicRequestError (`status` 404 when no such node) */
  getNode(ident: string): Promise<IronicNode>;
  /** PUT /v1/nodes/{ident}/states/provision with target rebuild. @throws IronicRequestError */
  rebuild(ident: string, configText: string): Promise<void>;
  /** The same with target deleted (undeploy), for Ironic releases whose rebuild fails. @throws IronicRequestError */
  undeploy(ident: string): Promise<void>;
  /** The same with target active (deploy from `available`) and the rebuild's configdrive and steps. @throws IronicRequestError */
  deploy(ident: string, configText: string): Promise<void>;
}

/** An Ironic call failed; `status` is null when Ironic did not answer. */
export class IronicRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'IronicRequestError';
  }
}

/**
 * The body of a rebuild (or, `target: active`, a deploy) request (pure):
 * configdrive `user_data` is the config's exact text.
 */
export function rebuildBody(configText: string, target: 'rebuild' | 'active' = 'rebuild'): Record<string, unknown> {
  return {
    target,
    configdrive: { user_data: configText },
    deploy_steps: [{ interface: 'deploy', step: 'install_coreos', priority: 80, args: {} }],
  };
}

/** The headers of every call (pure): JSON, the microversion, and `X-Auth-Token` when a token is given. */
export function ironicHeaders(connection: IronicConnection): Record<string, string> {
  return {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    'X-OpenStack-Ironic-API-Version': IRONIC_API_VERSION,
    ...(connection.token === undefined ? {} : { 'X-Auth-Token': connection.token }),
  };
}

/**
 * True for the failure of every `rebuild` of a node without `image_source`
 * (a custom deploy) on Ironic since 2023.2: start_deploy reads `auto_lessee`,
 * which only its deploy branch sets (openstack/ironic
 * ironic/conductor/deployments.py), and answers 500 "cannot access local
 * variable 'auto_lessee'". Seen on Debian's Ironic 29.0.5 and 35.0.1; 21.4
 * (2023.1) rebuilds.
 */
export function isRebuildLesseeBug(error: unknown): boolean {
  return error instanceof IronicRequestError && error.status === 500 && error.message.includes("'auto_lessee'");
}

/** Ironic's fault text: `error_message` holds a JSON string with `faultstring` (ironic/api/hooks.py). */
export function faultOf(body: unknown): string | undefined {
  const raw = isRecord(body) ? body['error_message'] : undefined;
  if (typeof raw !== 'string') return typeof body === 'string' && body !== '' ? body.slice(0, 300) : undefined;
  try {
    const inner: unknown = JSON.parse(raw);
    if (isRecord(inner) && typeof inner['faultstring'] === 'string') return inner['faultstring'];
  } catch {
    // not JSON: the text itself
  }
  return raw;
}

/** An endpoint as the `baremetal` CLI takes it (with or without `/v1`, trailing `/`) without those (pure). */
export function normalizeEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** {@link IronicApi} over axios. */
export class IronicClient implements IronicApi {
  constructor(
    private readonly http: AxiosInstance,
    private readonly connection: IronicConnection,
    private readonly timeoutMs = 60_000,
  ) {}

  async getNode(ident: string): Promise<IronicNode> {
    const response = await this.call('GET', ident, '');
    if (response.status !== 200) throw this.failure(`GET node ${ident}`, response);
    return parseNode(response.data, ident);
  }

  async rebuild(ident: string, configText: string): Promise<void> {
    await this.provision(ident, 'rebuild', rebuildBody(configText));
  }

  async undeploy(ident: string): Promise<void> {
    await this.provision(ident, 'undeploy', { target: 'deleted' });
  }

  async deploy(ident: string, configText: string): Promise<void> {
    await this.provision(ident, 'deploy', rebuildBody(configText, 'active'));
  }

  private async provision(ident: string, what: string, body: Record<string, unknown>): Promise<void> {
    const response = await this.call('PUT', ident, '/states/provision', body);
    if (response.status !== 202) throw this.failure(`${what} of node ${ident}`, response);
  }

  private async call(method: 'GET' | 'PUT', ident: string, suffix: string, data?: unknown): Promise<AxiosResponse> {
    const url = `${normalizeEndpoint(this.connection.endpoint)}/v1/nodes/${encodeURIComponent(ident)}${suffix}`;
    try {
      return await this.http.request({
        method,
        url,
        data,
        headers: ironicHeaders(this.connection),
        timeout: this.timeoutMs,
        validateStatus: () => true,
      });
    } catch (error) {
      // The axios error carries the request headers (the token): only its message goes on.
      const why = error instanceof Error ? error.message : String(error);
      throw new IronicRequestError(`Ironic at ${this.connection.endpoint} did not answer: ${why}`, null);
    }
  }

  private failure(what: string, response: AxiosResponse): IronicRequestError {
    const fault = faultOf(response.data);
    const hint =
      response.status === 401 || response.status === 403
        ? ' (give a valid token with --os-token or OS_TOKEN)'
        : response.status === 406
          ? ` (this Ironic does not serve API ${IRONIC_API_VERSION}; Ironic 2023.1 or newer is needed)`
          : '';
    return new IronicRequestError(
      `${what}: Ironic answered ${response.status}${fault === undefined ? '' : `: ${fault}`}${hint}`,
      response.status,
    );
  }
}

/** Read the node fields apply uses; a body without them is Ironic's fault. @throws IronicRequestError */
export function parseNode(body: unknown, ident: string): IronicNode {
  const field = (name: string): unknown => (isRecord(body) ? body[name] : undefined);
  const nullable = (name: string): string | null => {
    const value = field(name);
    return typeof value === 'string' ? value : null;
  };
  const uuid = field('uuid');
  const state = field('provision_state');
  if (typeof uuid !== 'string' || typeof state !== 'string') {
    throw new IronicRequestError(
      `GET node ${ident}: the answer is not an Ironic node (no uuid or provision_state)`,
      200,
    );
  }
  return {
    uuid,
    name: nullable('name'),
    provision_state: state,
    provision_updated_at: nullable('provision_updated_at'),
    last_error: nullable('last_error'),
    maintenance: field('maintenance') === true,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
