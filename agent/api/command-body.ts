/** The `POST /v1/commands/` body: `{name, params}` (IPA ironic_python_agent/api/app.py `api_run_command`). */
import { HttpFault } from './faults.js';

/** A parsed command request. */
export interface CommandBody {
  /** `<extension>.<command>`. */
  name: string;
  params: Record<string, unknown>;
}

/** IPA: force-parse JSON; name and an object params are required. */
export function parseCommandBody(text: string): CommandBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpFault(400, `Failed to decode JSON object: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpFault(400, 'Missing or invalid name or params');
  const { name, params } = body as { name?: unknown; params?: unknown };
  if (typeof name !== 'string' || typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new HttpFault(400, 'Missing or invalid name or params');
  }
  return { name, params: params as Record<string, unknown> };
}
