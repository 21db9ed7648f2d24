/**
 * Pure parser for oslo.config-style INI text, the format of IPA's config files.
 *
 * Follows oslo's `iniparser.BaseParser` (openstack/oslo.config
 * oslo_config/iniparser.py): `[section]` headers; `key = value` or
 * `key: value` (whichever separator comes first); full-line `#`/`;` comments
 * only (a `#` later on the line is part of the value); one pair of matching
 * quotes around the first line's value is removed; the last assignment of a
 * key wins. An indented line continues the value above it: its text, without
 * the indentation, is added on a new line (`"a\nb"`). A blank line or a
 * comment ends the value, so an indented line after one of them, or before
 * any key, is an error (oslo: "Unexpected continuation line").
 */
import { ConfigError } from '../../common/errors.js';

/** One assignment and the (1-based) line its key is on. */
export interface IniValue {
  value: string;
  line: number;
}

/** Parsed file: section → key → value. Keys are kept as written. */
export type IniDocument = Record<string, Record<string, IniValue>>;

/**
 * Parse `text`. `file` only names the source in errors.
 * @throws ConfigError `"<file> line <n>: <problem>: <line>"` for malformed lines
 */
export function parseIni(text: string, file: string): IniDocument {
  const doc: IniDocument = {};
  let section: Record<string, IniValue> | null = null;
  /** The assignment that continuation lines extend, until a blank line, comment or new key. */
  let open: { key: string; parts: string[]; line: number } | null = null;
  const flush = (): void => {
    if (open !== null && section !== null) section[open.key] = { value: open.parts.join('\n'), line: open.line };
    open = null;
  };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const line = (lines[index] ?? '').replace(/\s+$/, '');
    const fail: (problem: string) => never = (problem) => {
      throw new ConfigError(`${file} line ${lineNo}: ${problem}: ${JSON.stringify(line)}`);
    };
    if (line === '') {
      flush();
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (open === null)
        fail(
          'indented line continues no value (a blank line, comment or section ends a value); remove the leading whitespace',
        );
      open.parts.push(line.trimStart());
      continue;
    }
    flush();
    if (line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) fail('section header must end with "]"');
      const name = line.slice(1, -1).trim();
      if (name === '') fail('empty section name');
      section = doc[name] ??= {};
      continue;
    }
    const [key, value] = splitKeyValue(line) ?? fail('expected "key = value"');
    if (key === '') fail('empty key before "="');
    if (section === null) fail('assignment before any [section] header; add [DEFAULT] above it');
    open = { key, parts: [value], line: lineNo };
  }
  flush();
  return doc;
}

/** Split at the first `=` or `:`, trim, and drop one pair of matching quotes. */
function splitKeyValue(line: string): [string, string] | null {
  const equal = line.indexOf('=');
  const colon = line.indexOf(':');
  if (equal < 0 && colon < 0) return null;
  const at = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
  let value = line.slice(at + 1).trim();
  const first = value[0];
  if ((first === '"' || first === "'") && value.endsWith(first)) value = value.slice(1, -1);
  return [line.slice(0, at).trim(), value];
}
