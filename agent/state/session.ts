/** The per-boot agent session persisted by TokenStore, and its pure validator. */

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FINGERPRINT = /^[0-9A-F]{2}(?::[0-9A-F]{2}){31}$/;

/**
 * Check a parsed state file. Returns null when valid, else which field is
 * wrong (never the value, which may be the token).
 */
export function checkState(data: unknown): string | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'not a JSON object';
  const state = data as Record<string, unknown>;
  if (state['version'] !== 1) return 'unsupported version';
  if (typeof state['bootId'] !== 'string' || state['bootId'] === '') return 'bootId';
  const checks: Record<keyof AgentSession, (v: string) => boolean> = {
    nodeUuid: (v) => UUID.test(v),
    agentToken: (v) => /^\S+$/.test(v),
    callbackUrl: isHttpUrl,
    tlsFingerprint: (v) => FINGERPRINT.test(v),
  };
  for (const [field, valid] of Object.entries(checks)) {
    const value = state[field];
    if (value === null) continue;
    if (typeof value !== 'string' || !valid(value)) return field;
  }
  return null;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
