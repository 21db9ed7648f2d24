/** The `POST /v1/commands/` body: `{name, params}` (IPA ironic_python_agent/api/app.py `api_run_command`). */
import { HttpFault } from './faults.js';

/** A parsed command request. */
export interface CommandBody {
  /** `<extension>.<command>`. */
  name: string;
  params: Record<string, unknown>;
}

/**
 * Deepest JSON nesting accepted in a command body, counting the body object
 * itself. JSON.parse copes with any depth, but JSON.stringify recurses: a
 * command accepted with params thousands of levels deep made every later
 * `GET /v1/commands/` and the command journal overflow the stack. Current
 * Ironic refuses API bodies nested deeper than 25 and names ~7 as its deepest
 * legitimate structure (openstack/ironic ironic/conf/api.py
 * `max_json_body_depth`); what it forwards to the agent sits 3-4 levels lower
 * (body → params → node → instance_info), Ignition configs are far shallower,
 * and 100 leaves room for both while staying far below any stack limit.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * True when `text` opens more than `limit` nested arrays/objects. An
 * iterative scan that skips string contents (with escapes), in the manner of
 * openstack/ironic ironic/api/middleware/json_depth.py `check_depth`; it runs
 * before JSON.parse, so a refused body is never turned into objects.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * IPA: force-parse JSON; name and an object params are required.
 * @throws HttpFault 400 for nesting over {@link MAX_JSON_DEPTH}, invalid JSON or a wrong shape
 */
export function parseCommandBody(text: string): CommandBody {
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH))
    throw new HttpFault(400, `The request body nests JSON deeper than ${MAX_JSON_DEPTH} levels`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpFault(400, `Failed to decode JSON object: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpFault(400, 'Missing or invalid name or params');
  const { name, params } = body as { name?: unknown; params?: unknown };
  if (typeof name !== 'string' || typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new HttpFault(400, 'Missing or invalid name or params');
  }
  return { name, params: params as Record<string, unknown> };
}
