/**
 * The axios instance the agent talks to Ironic (and inspection) with:
 * timeout, TLS verification, CA bundle, optional client certificate, and the
 * headers every request carries (User-Agent, X-OpenStack-Request-ID).
 * Port of IPA utils.get_requests_session / _get_verify_and_cert.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { ConfigError } from '../../common/errors.js';

/** Options of {@link createIronicHttp} (the agent's `[DEFAULT]` TLS options). */
export interface IronicHttpOptions {
  /** `http_request_timeout` seconds (default config 30). */
  timeoutSec: number;
  /** `insecure`: do not verify Ironic's certificate. Default false. */
  insecure?: boolean;
  /** `cafile`: PEM bundle to verify Ironic's certificate with. Default: the system CAs. */
  cafile?: string | null;
  /** `certfile`: client certificate (PEM). Needs `keyfile` too. Default none. */
  certfile?: string | null;
  /** `keyfile`: the client certificate's private key (PEM). Needs `certfile` too. Default none. */
  keyfile?: string | null;
  /** File reader (tests, or a chroot). Default node:fs readFileSync. */
  readFile?: (path: string) => Buffer;
  /** The agent's version, for the User-Agent `ironic-coreos-agent/<version>`. Default: no version. */
  version?: string;
  /**
   * `global_request_id`, sent as `X-OpenStack-Request-ID` on every request,
   * the reachability probe's first `GET /` included. Default: not sent.
   */
  requestId?: string | null;
}

/** The User-Agent the agent sends: its name and version, so Ironic's logs and proxies can tell it from IPA. */
export function userAgent(version?: string): string {
  return version === undefined || version === '' ? 'ironic-coreos-agent' : `ironic-coreos-agent/${version}`;
}

/**
 * Build the axios instance. TLS verification stays on unless `insecure`.
 * @throws ConfigError when the timeout is not positive, a file cannot be read,
 *   or only one of certfile/keyfile is set
 */
export function createIronicHttp(options: IronicHttpOptions): AxiosInstance {
  if (!Number.isFinite(options.timeoutSec) || options.timeoutSec <= 0) {
    throw new ConfigError(`http_request_timeout must be a positive number of seconds, got ${options.timeoutSec}`);
  }
  const read = options.readFile ?? ((path: string) => readFileSync(path));
  const tls: HttpsAgentOptions = { keepAlive: true, rejectUnauthorized: options.insecure !== true };
  if (isSet(options.cafile)) tls.ca = readOption(read, 'cafile', options.cafile);
  const hasCert = isSet(options.certfile);
  const hasKey = isSet(options.keyfile);
  if (hasCert !== hasKey) {
    throw new ConfigError(
      `${hasCert ? 'certfile' : 'keyfile'} is set but ${hasCert ? 'keyfile' : 'certfile'} is not: set both for a client certificate, or neither`,
    );
  }
  if (isSet(options.certfile) && isSet(options.keyfile)) {
    tls.cert = readOption(read, 'certfile', options.certfile);
    tls.key = readOption(read, 'keyfile', options.keyfile);
  }
  const headers: Record<string, string> = { 'User-Agent': userAgent(options.version) };
  if (isSet(options.requestId)) headers['X-OpenStack-Request-ID'] = options.requestId;
  return axios.create({
    headers,
    timeout: options.timeoutSec * 1000,
    httpAgent: new HttpAgent({ keepAlive: true }),
    httpsAgent: new HttpsAgent(tls),
  });
}

function isSet(value: string | null | undefined): value is string {
  return value !== undefined && value !== null && value !== '';
}

function readOption(read: (path: string) => Buffer, option: string, path: string): Buffer {
  try {
    return read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`${option} ${path} cannot be read (${code}): fix the path or remove the ${option} option`);
  }
}
