/**
 * Posting inspection data to Ironic (built-in inspection,
 * `{api}/v1/continue_inspection`) or to a legacy ironic-inspector callback.
 * Port of IPA inspector.inspect / call_inspector. Inspection failures are
 * never fatal: the agent proceeds to lookup.
 */
import type { AxiosInstance } from 'axios';
import type { Logger } from '../logger.js';
import type { Clock } from '../../common/clock.js';
import { inspectionBackoff } from './jitter.js';
import { decodeFault, describeError, isConnectionError, isRecord } from './response.js';

/** Attempts of the POST (IPA `_RETRY_ATTEMPTS`). */
export const INSPECTION_ATTEMPTS = 5;

/** Options of {@link inspect}. */
export interface InspectOptions {
  http: AxiosInstance;
  /** `inspection_callback_url` (comma-separated URLs, used as given). Default null. */
  callbackUrl?: string | null;
  /** Ironic API URLs; used as `{api}/v1/continue_inspection` when there is no callback URL. */
  apiUrls?: readonly string[];
  /** Collects the body (see inspection-data.ts createInspectionCollector). */
  collectData: () => Promise<Record<string, unknown>>;
  clock: Clock;
  logger: Logger;
  /** `global_request_id`, sent as `X-OpenStack-Request-ID`. */
  requestId?: string | null;
  /** Per-request timeout (`http_request_timeout`). */
  timeoutMs: number;
}

/** One round over the URLs: an HTTP answer, or a transport failure of the last URL. */
type Delivery = { kind: 'answer'; status: number; text: string } | { kind: 'failed'; reason: string };

/**
 * Where inspection data goes: the callback URLs as given, else each API URL
 * plus `/v1/continue_inspection`. Empty when inspection has nowhere to go.
 */
export function inspectionUrls(callbackUrl: string | null | undefined, apiUrls: readonly string[] = []): string[] {
  const split = (text: string): string[] =>
    text
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u !== '');
  if (callbackUrl !== undefined && callbackUrl !== null && callbackUrl.trim() !== '') return split(callbackUrl);
  return apiUrls.flatMap(split).map((u) => `${u.replace(/\/+$/, '')}/v1/continue_inspection`);
}

/**
 * Collect and post inspection data. Retries up to 5 attempts (waits 5, 5, 6,
 * 12 s) on connection errors, 5xx and 409; other errors are logged.
 * @returns the node UUID from Ironic's answer, or null (disabled, refused, undeliverable, or no UUID)
 */
export async function inspect(options: InspectOptions): Promise<string | null> {
  const { logger } = options;
  if (options.callbackUrl === 'mdns') {
    logger.error(
      'inspection_callback_url=mdns is not supported by this agent; set it to the inspection URL. Skipping inspection',
    );
    return null;
  }
  const urls = inspectionUrls(options.callbackUrl, options.apiUrls);
  if (urls.length === 0) {
    logger.info('Inspection is disabled, skipping');
    return null;
  }
  let data: Record<string, unknown>;
  try {
    data = await options.collectData();
  } catch (error) {
    data = {
      error: `The following errors were encountered:\n* collecting inspection data failed: ${describeError(error)}`,
    };
  }
  logger.debug('Collected inspection data', { keys: Object.keys(data) });
  const delivery = await deliver(options, urls, JSON.stringify(data));
  if (delivery.kind === 'failed' || isRetryable(delivery)) {
    const error =
      delivery.kind === 'failed' ? delivery.reason : `HTTP ${delivery.status}: ${decodeFault(delivery.text)}`;
    logger.error('Could not deliver inspection data, proceeding with lookup', {
      urls,
      attempts: INSPECTION_ATTEMPTS,
      error,
    });
    return null;
  }
  if (delivery.status >= 400) {
    logger.error('Inspection data refused, proceeding with lookup', {
      urls,
      status: delivery.status,
      error: decodeFault(delivery.text),
    });
    return null;
  }
  const uuid = uuidFrom(delivery.text);
  logger.info('Inspection finished successfully', { nodeUuid: uuid });
  return uuid;
}

/** POST with retries; returns the final answer or failure. */
async function deliver(options: InspectOptions, urls: readonly string[], body: string): Promise<Delivery> {
  for (let attempt = 1; ; attempt++) {
    const delivery = await postOnce(options, urls, body);
    if (!isRetryable(delivery) || attempt >= INSPECTION_ATTEMPTS) return delivery;
    const waitSec = inspectionBackoff(attempt);
    const reason =
      delivery.kind === 'failed' ? delivery.reason : `HTTP ${delivery.status}: ${decodeFault(delivery.text)}`;
    options.logger.warn('Posting inspection data failed, retrying', { attempt, waitSec, error: reason });
    await options.clock.sleep(waitSec * 1000);
  }
}

/** Connection errors, 5xx and 409 are worth another attempt. */
function isRetryable(delivery: Delivery): boolean {
  return delivery.kind === 'failed' || delivery.status >= 500 || delivery.status === 409;
}

/** Try each URL until one answers (any status). */
async function postOnce(options: InspectOptions, urls: readonly string[], body: string): Promise<Delivery> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (options.requestId !== undefined && options.requestId !== null)
    headers['X-OpenStack-Request-ID'] = options.requestId;
  let reason = 'no URL';
  for (const [index, url] of urls.entries()) {
    options.logger.info('Posting collected data', { url });
    try {
      const response = await options.http.request<string>({
        method: 'POST',
        url,
        data: body,
        headers,
        timeout: options.timeoutMs,
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
      });
      return { kind: 'answer', status: response.status, text: typeof response.data === 'string' ? response.data : '' };
    } catch (error) {
      reason = describeError(error);
      if (index < urls.length - 1) {
        options.logger.warn('Connection error when posting inspection data, trying the next URL', {
          url,
          error: reason,
          connection: isConnectionError(error),
        });
      }
    }
  }
  return { kind: 'failed', reason };
}

/** `{uuid}` (API < 1.84) or `{node: {uuid}}` (lookup-style answer). */
function uuidFrom(text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(body)) return null;
  if (typeof body['uuid'] === 'string') return body['uuid'];
  const node = body['node'];
  return isRecord(node) && typeof node['uuid'] === 'string' ? node['uuid'] : null;
}
