/**
 * Pure interpretation of a lookup answer: validation, normalisation of old
 * servers' top-level `heartbeat_timeout`, and the agent-token rules.
 * Port of the checks in IPA APIClient._do_lookup and agent.process_lookup_data.
 */
import type { Node } from '../hardware/types.js';
import { MASK } from '../logger.js';
import { isRecord } from './response.js';

/** Ironic's default `[api]ramdisk_heartbeat_timeout`, used until (or when) lookup gives none. */
export const DEFAULT_HEARTBEAT_TIMEOUT_SEC = 300;

/** A validated lookup answer, `{node, config}` (config always present), from `GET /v1/lookup` or `poll.set_node_info`. */
export interface LookupData {
  node: Node;
  config: Record<string, unknown>;
}

/** Result of {@link parseLookupBody}. */
export type ParsedLookup = { ok: true; data: LookupData } | { ok: false; reason: string };

/** Ironic issues 43-character tokens; IPA refuses anything shorter than this. */
export const MIN_TOKEN_LENGTH = 32;

/** What the lookup said about the agent token. */
export type TokenDecision =
  /** A fresh token for this boot (never log it). */
  | { kind: 'received'; token: string }
  /** `"******"`: Ironic handed the token out before (to this agent's earlier run, or to someone else). */
  | { kind: 'alreadyIssued' }
  /** No token, or an unusable one (`invalid` says which). */
  | { kind: 'none'; invalid: boolean };

/**
 * Validate and normalise a lookup response body (text as received).
 * Old Ironic answered `heartbeat_timeout` at the top level instead of in
 * `config`; that is moved into `config`.
 */
export function parseLookupBody(text: string): ParsedLookup {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `the answer is not JSON (${(error as Error).message})` };
  }
  if (!isRecord(body)) return { ok: false, reason: 'the answer is not a JSON object' };
  const node = body['node'];
  if (!isRecord(node) || typeof node['uuid'] !== 'string' || node['uuid'] === '') {
    return { ok: false, reason: 'the answer has no node.uuid' };
  }
  let config = body['config'];
  if (config === undefined) {
    if (!('heartbeat_timeout' in body))
      return { ok: false, reason: 'the answer has neither config nor heartbeat_timeout' };
    config = { heartbeat_timeout: body['heartbeat_timeout'] };
  }
  if (!isRecord(config)) return { ok: false, reason: 'config in the answer is not an object' };
  return { ok: true, data: { node: node as Node, config } };
}

/**
 * Apply the token rules of IPA process_lookup_data: a token of at least 32
 * characters is accepted, the mask `******` means "already issued", any
 * other value is invalid (ignored).
 */
export function decideToken(config: Record<string, unknown>): TokenDecision {
  const token = config['agent_token'];
  if (token === undefined || token === null || token === '') return { kind: 'none', invalid: false };
  if (typeof token !== 'string') return { kind: 'none', invalid: true };
  if (token.length >= MIN_TOKEN_LENGTH) return { kind: 'received', token };
  if (token === MASK) return { kind: 'alreadyIssued' };
  return { kind: 'none', invalid: true };
}

/**
 * The heartbeat timeout Ironic asked for, in seconds, or null when the
 * value is missing or not a positive number.
 */
export function heartbeatTimeoutOf(config: Record<string, unknown>): number | null {
  const value = Number(config['heartbeat_timeout']);
  return Number.isFinite(value) && value > 0 ? value : null;
}
