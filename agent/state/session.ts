/** The per-boot agent session: what it holds, and its state document with the pure validator. */
import type { Parsed, StateDocument } from '../../common/state/state-document.js';

/** What a restarted agent process needs to carry on within the same boot. */
export interface AgentSession {
  /** Node UUID from lookup. */
  nodeUuid: string | null;
  /** Agent token from lookup (or pre-shared). Secret: never log it. */
  agentToken: string | null;
  /** The callback URL sent in heartbeats (`http(s)://ip:port`). */
  callbackUrl: string | null;
  /** SHA-256 fingerprint of the auto-TLS certificate sent as agent_verify_ca. */
  tlsFingerprint: string | null;
}

/** A session with nothing in it. */
export const EMPTY_SESSION: AgentSession = {
  nodeUuid: null,
  agentToken: null,
  callbackUrl: null,
  tlsFingerprint: null,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FINGERPRINT = /^[0-9A-F]{2}(?::[0-9A-F]{2}){31}$/;

/**
 * Check a session's fields as read from the file (`version` 1 and the four
 * fields, each null or well-formed). Returns null when valid, else which
 * field is wrong (never the value, which may be the token).
 */
export function checkSession(fields: Record<string, unknown>): string | null {
  if (fields['version'] !== 1) return 'unsupported version';
  const checks: Record<keyof AgentSession, (v: string) => boolean> = {
    nodeUuid: (v) => UUID.test(v),
    agentToken: (v) => /^\S+$/.test(v),
    callbackUrl: isHttpUrl,
    tlsFingerprint: (v) => FINGERPRINT.test(v),
  };
  for (const [field, valid] of Object.entries(checks)) {
    const value = fields[field];
    if (value === null) continue;
    if (typeof value !== 'string' || !valid(value)) return field;
  }
  return null;
}

/** The session document, `agent-state.json`: `{bootId, version: 1, nodeUuid, agentToken, callbackUrl, tlsFingerprint}`. */
export const SESSION_DOCUMENT: StateDocument<AgentSession> = {
  name: 'agent-state.json',
  parse: parseSession,
  encode: (session) => JSON.stringify({ version: 1, ...session }),
};

function parseSession(fields: Record<string, unknown>): Parsed<AgentSession> {
  const problem = checkSession(fields);
  if (problem !== null) return { ok: false, problem };
  const session = fields as unknown as AgentSession;
  return {
    ok: true,
    value: {
      nodeUuid: session.nodeUuid,
      agentToken: session.agentToken,
      callbackUrl: session.callbackUrl,
      tlsFingerprint: session.tlsFingerprint,
    },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
