/**
 * The agent's client for the Ironic ramdisk API: version discovery, lookup
 * and heartbeat. Status codes are turned into typed results/errors here and
 * nowhere else.
 *
 * Port of IPA ironic_python_agent/ironic_api_client.py (APIClient).
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import { ConfigError, HeartbeatConflictError, HeartbeatConnectionError, HeartbeatError } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { parseLookupBody, type LookupData } from './lookup-data.js';
import { describeError, isConnectionError, isRecord, responseError, type IronicResponseError } from './response.js';
import {
  AGENT_TOKEN_VERSION,
  AGENT_VERIFY_CA_VERSION,
  AGENT_VERSION_VERSION,
  FALLBACK_VERSION,
  atLeast,
  formatVersion,
  minVersion,
  parseApiVersion,
  type ApiVersion,
} from './version.js';

/** Constructor options of {@link IronicClient}. */
export interface IronicClientOptions {
  /** The axios instance (TLS, timeouts: see http.ts). */
  http: AxiosInstance;
  /** Ironic API URLs (`api_url`, already split on commas). At least one, http(s) only. */
  urls: readonly string[];
  logger: Logger;
  /** `global_request_id`, sent as `X-OpenStack-Request-ID`. Default: not sent. */
  requestId?: string | null;
  /** `ironic_api_version`: use this instead of asking Ironic. Default: discover. */
  pinnedVersion?: string | null;
  /** Per-request timeout (`http_request_timeout`). */
  timeoutMs: number;
}

/** What to look up with. */
export interface LookupRequest {
  /** MAC addresses of the machine's interfaces. */
  macs: readonly string[];
  /** A node UUID (e.g. returned by inspection); it wins over the MACs on Ironic's side. */
  nodeUuid?: string | null;
}

/** The outcome of one lookup attempt. */
export type LookupResult =
  | { kind: 'found'; data: LookupData }
  /** 404: no node, or the node is not in a state that allows lookup (deliberately indistinguishable). */
  | { kind: 'notFound'; message: string }
  /** 409: the node is locked. */
  | { kind: 'conflict'; message: string }
  /** Anything else: other status (`status` set), bad body, or no connection. */
  | { kind: 'error'; message: string; status?: number };

/** What a heartbeat announces. */
export interface HeartbeatRequest {
  nodeUuid: string;
  /** `<protocol>://<host>:<port>` (see advertise.ts callbackUrl). */
  callbackUrl: string;
  /** The agent token; sent from API 1.62 on. Never logged. */
  token: string | null;
  /** The agent's version; sent from API 1.36 on. */
  agentVersion: string;
  /** PEM of the auto-TLS certificate; sent from API 1.68 on when set. */
  verifyCa?: string | null;
}

/** Ironic's ramdisk API client. One per agent process; the discovered version is cached. */
export class IronicClient {
  private urls: string[];
  private readonly http: AxiosInstance;
  private readonly logger: Logger;
  private readonly requestId: string | null;
  private readonly pinned: ApiVersion | null;
  private readonly timeoutMs: number;
  private discovered: ApiVersion | null = null;
  private discovering: Promise<ApiVersion> | null = null;

  /** @throws ConfigError when no URL is given, a URL is not http(s), or the pinned version is malformed */
  constructor(options: IronicClientOptions) {
    this.urls = validateUrls(options.urls);
    this.http = options.http;
    this.logger = options.logger;
    this.requestId = options.requestId ?? null;
    this.timeoutMs = options.timeoutMs;
    this.pinned = null;
    if (options.pinnedVersion !== undefined && options.pinnedVersion !== null && options.pinnedVersion.trim() !== '') {
      this.pinned = parseApiVersion(options.pinnedVersion);
      if (this.pinned === null) {
        throw new ConfigError(
          `ironic_api_version "${options.pinnedVersion}" is not a version like 1.68; fix it or remove it to let the agent ask Ironic`,
        );
      }
    }
  }

  /** The API URLs, the one that answered last first. */
  get apiUrls(): readonly string[] {
    return [...this.urls];
  }

  /**
   * Ironic's maximum API version: the pinned one, else `default_version.version`
   * from `GET /` (cached once known). When Ironic cannot tell, 1.31 is assumed
   * (not cached, so the next call asks again). Never throws.
   */
  async discoverVersion(): Promise<ApiVersion> {
    if (this.pinned !== null) return this.pinned;
    if (this.discovered !== null) return this.discovered;
    // Callers that ask while a discovery is in flight share it: one `GET /`, not one each.
    this.discovering ??= this.askVersion().finally(() => {
      this.discovering = null;
    });
    return this.discovering;
  }

  /** `GET /` once; see {@link discoverVersion}. */
  private async askVersion(): Promise<ApiVersion> {
    try {
      const response = await this.request('GET', '/');
      const body: unknown = JSON.parse(response.data);
      const defaultVersion = isRecord(body) ? body['default_version'] : undefined;
      const text = isRecord(defaultVersion) ? defaultVersion['version'] : undefined;
      const version = typeof text === 'string' ? parseApiVersion(text) : null;
      if (version === null) throw new Error(`no default_version.version in the answer (HTTP ${response.status})`);
      this.discovered = version;
      this.logger.debug('Ironic API version discovered', { version: formatVersion(version), url: this.urls[0] });
      return version;
    } catch (error) {
      this.logger.warn('Could not discover the Ironic API version, assuming the minimum', {
        assumed: formatVersion(FALLBACK_VERSION),
        error: describeError(error),
      });
      return FALLBACK_VERSION;
    }
  }

  /** True when Ironic accepts `agent_verify_ca` (auto-TLS needs API ≥ 1.68). */
  async supportsAutoTls(): Promise<boolean> {
    return atLeast(await this.discoverVersion(), AGENT_VERIFY_CA_VERSION);
  }

  /**
   * One lookup attempt: `GET /v1/lookup?addresses=<macs>[&node_uuid=<uuid>]`
   * at `min(server, 1.62)`. Never throws; the policy (retries) is lookup.ts.
   */
  async lookup(request: LookupRequest): Promise<LookupResult> {
    const query = new URLSearchParams({ addresses: request.macs.filter((m) => m !== '').join(',') });
    if (request.nodeUuid !== undefined && request.nodeUuid !== null && request.nodeUuid !== '')
      query.set('node_uuid', request.nodeUuid);
    const version = minVersion(await this.discoverVersion(), AGENT_TOKEN_VERSION);
    this.logger.debug('Looking up node', {
      addresses: query.get('addresses'),
      nodeUuid: request.nodeUuid ?? null,
      urls: this.urls,
    });
    let response: AxiosResponse<string>;
    try {
      response = await this.request('GET', `/v1/lookup?${query.toString()}`, { version });
    } catch (error) {
      return { kind: 'error', message: `cannot reach Ironic: ${describeError(error)}` };
    }
    if (response.status === 409) return { kind: 'conflict', message: responseError(409, response.data).message };
    if (response.status === 404) return { kind: 'notFound', message: responseError(404, response.data).message };
    if (response.status !== 200)
      return { kind: 'error', status: response.status, message: responseError(response.status, response.data).message };
    const parsed = parseLookupBody(response.data);
    if (!parsed.ok) return { kind: 'error', status: 200, message: `invalid lookup answer: ${parsed.reason}` };
    return { kind: 'found', data: parsed.data };
  }

  /**
   * `POST /v1/heartbeat/<uuid>` at `min(server, 1.68)`, sending only the
   * fields the server's version accepts.
   * @throws HeartbeatConflictError on 409 (node locked)
   * @throws HeartbeatError on any other answer but 202; `cause` is an IronicResponseError with status and faultstring
   * @throws HeartbeatConnectionError when Ironic cannot be reached
   */
  async heartbeat(request: HeartbeatRequest): Promise<void> {
    const server = await this.discoverVersion();
    const body: Record<string, string | null> = { callback_url: request.callbackUrl };
    if (atLeast(server, AGENT_TOKEN_VERSION)) body['agent_token'] = request.token;
    if (atLeast(server, AGENT_VERSION_VERSION)) body['agent_version'] = request.agentVersion;
    if (
      atLeast(server, AGENT_VERIFY_CA_VERSION) &&
      request.verifyCa !== undefined &&
      request.verifyCa !== null &&
      request.verifyCa !== ''
    ) {
      body['agent_verify_ca'] = request.verifyCa;
    }
    const version = minVersion(server, AGENT_VERIFY_CA_VERSION);
    this.logger.debug('Heartbeat: announcing callback URL', {
      callbackUrl: request.callbackUrl,
      version: formatVersion(version),
    });
    let response: AxiosResponse<string>;
    try {
      response = await this.request('POST', `/v1/heartbeat/${encodeURIComponent(request.nodeUuid)}`, {
        version,
        data: JSON.stringify(body),
      });
    } catch (error) {
      if (isConnectionError(error)) throw new HeartbeatConnectionError(describeError(error), { cause: error });
      throw new HeartbeatError(describeError(error), { cause: error });
    }
    if (response.status === 202) return;
    const failure: IronicResponseError = responseError(response.status, response.data);
    if (response.status === 409) throw new HeartbeatConflictError(failure.message, { cause: failure });
    throw new HeartbeatError(failure.message, { cause: failure });
  }

  /**
   * Send one request, trying each URL in turn on connection errors and moving
   * the URL that answered to the front. Any HTTP status is an answer.
   * @throws the last connection error when no URL answers
   */
  private async request(
    method: 'GET' | 'POST',
    path: string,
    options: { version?: ApiVersion; data?: string } = {},
  ): Promise<AxiosResponse<string>> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (options.version !== undefined) headers['X-OpenStack-Ironic-API-Version'] = formatVersion(options.version);
    if (this.requestId !== null) headers['X-OpenStack-Request-ID'] = this.requestId;
    for (const [index, base] of this.urls.entries()) {
      try {
        const response = await this.http.request<string>({
          method,
          url: `${base}${path}`,
          headers,
          data: options.data,
          timeout: this.timeoutMs,
          responseType: 'text',
          transformResponse: [(data: unknown) => data],
          validateStatus: () => true,
        });
        this.urls = [...this.urls.slice(index), ...this.urls.slice(0, index)];
        return { ...response, data: typeof response.data === 'string' ? response.data : String(response.data ?? '') };
      } catch (error) {
        if (!isConnectionError(error) || index === this.urls.length - 1) throw error;
        this.logger.warn('Connection error when accessing Ironic, trying the next URL', {
          url: `${base}${path}`,
          error: describeError(error),
        });
      }
    }
    throw new Error('no Ironic API URL configured');
  }
}

/** Strip trailing slashes; refuse an empty list or a non-http(s) URL. */
function validateUrls(urls: readonly string[]): string[] {
  const cleaned = urls
    .map((u) => u.trim())
    .filter((u) => u !== '')
    .map((u) => u.replace(/\/+$/, ''));
  if (cleaned.length === 0)
    throw new ConfigError('No Ironic API URL: set api_url (kernel ipa-api-url) to e.g. http://192.0.2.1:6385');
  for (const url of cleaned) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`api_url "${url}" is not a URL; use e.g. http://192.0.2.1:6385`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ConfigError(`api_url "${url}" must start with http:// or https://`);
    }
  }
  return cleaned;
}
