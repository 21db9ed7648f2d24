/**
 * The file format of the per-boot state documents, as pure functions.
 *
 * A document is one JSON object per file whose `bootId` field holds the
 * kernel boot id of the boot that wrote it; the other fields belong to the
 * document's kind. Why keyed by boot: the state directory is meant for tmpfs,
 * but when it is not (a bind mount, a container restarted on the same host)
 * state of an earlier boot must not be taken for this boot's (Ironic issues a
 * new agent token and expects a new command history after every reboot).
 */

/** Outcome of checking a document's fields. `problem` names what is wrong, never a value (it may be a secret). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A kind of state document: its file name and how its fields are checked and written. */
export interface StateDocument<T extends object> {
  /** File name inside the state directory, e.g. `agent-state.json`. */
  readonly name: string;
  /** Check the fields read back (`bootId` already checked and removed) and build the typed value. */
  parse(fields: Record<string, unknown>): Parsed<T>;
  /**
   * The value as compact JSON object text, without `bootId`. Default
   * JSON.stringify; a document that must survive one unserialisable part (the
   * command journal) serialises its parts itself.
   * @throws when the value cannot be serialised (the write fails, the old document stays)
   */
  encode?(value: T): string;
}

/** What reading a document found. Only `found` carries a value; the others say why there is none. */
export type StateRead<T> =
  | { kind: 'found'; value: T }
  /** No file: nothing was saved in this state directory. */
  | { kind: 'absent' }
  /** A valid envelope written during another boot: ignored. */
  | { kind: 'other-boot' }
  /** Not JSON (the parser's message is dropped: it quotes the text, which may hold a secret). */
  | { kind: 'corrupt' }
  /** JSON, but not a document of this kind: not an object, no boot id, or `parse` refused it. */
  | { kind: 'invalid'; problem: string }
  /** The file exists but cannot be read. */
  | { kind: 'unreadable'; code: string }
  /** The current boot id is unknown, so no document can be trusted. */
  | { kind: 'no-boot-id' };

/**
 * The file's text for `value` written during boot `bootId`: `{"bootId":…,<fields>}` and a newline.
 * @throws Error when `encode` does not give a JSON object or the value has its own `bootId`
 */
export function encodeDocument<T extends object>(document: StateDocument<T>, value: T, bootId: string): string {
  if (Object.hasOwn(value, 'bootId')) throw new Error(`${document.name}: a state document cannot have a bootId field`);
  const body = document.encode === undefined ? JSON.stringify(value) : document.encode(value);
  if (!body.startsWith('{') || !body.endsWith('}')) throw new Error(`${document.name}: not encoded as a JSON object`);
  const fields = body === '{}' ? '' : `,${body.slice(1, -1)}`;
  return `{"bootId":${JSON.stringify(bootId)}${fields}}\n`;
}

/**
 * Read a document's text back: checked in the order envelope, boot, fields.
 * @param bootId - the current boot id
 */
export function decodeDocument<T extends object>(
  document: StateDocument<T>,
  text: string,
  bootId: string,
): StateRead<T> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: 'corrupt' };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    return { kind: 'invalid', problem: 'not a JSON object' };
  const fields = { ...(data as Record<string, unknown>) };
  const written = fields['bootId'];
  if (typeof written !== 'string' || written === '') return { kind: 'invalid', problem: 'bootId' };
  if (written !== bootId) return { kind: 'other-boot' };
  delete fields['bootId'];
  const parsed = document.parse(fields);
  return parsed.ok ? { kind: 'found', value: parsed.value } : { kind: 'invalid', problem: parsed.problem };
}
