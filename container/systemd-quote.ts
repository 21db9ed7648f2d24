/**
 * Quoting for systemd unit files (systemd.service "Command lines",
 * systemd.exec "Environment="), so any argv survives systemd's parser intact:
 * - `%` starts a specifier in every setting → `%%`;
 * - `$` starts variable expansion in Exec*= lines → `$$`;
 * - words split on whitespace; double quotes group, with C-style backslash
 *   escapes inside (`\\`, `\"`, `\n`, `\t`, `\xNN`);
 * - an unquoted lone `;` separates commands, so it is quoted.
 */
import { ConfigError } from '../common/errors.js';

/** Characters that force a word into double quotes. */
const NEEDS_QUOTES = /[\s"'\\;]/;

/** C-escape backslash, double quote and control characters (for use inside "…"). */
function cEscape(text: string): string {
  return text.replace(/[\\"\u0000-\u001f\u007f]/g, (ch) => {
    if (ch === '\\') return '\\\\';
    if (ch === '"') return '\\"';
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** Quote one word; `expandsVariables` is true for Exec*= lines. */
function quoteWord(word: string, expandsVariables: boolean): string {
  let text = word.replaceAll('%', '%%');
  if (expandsVariables) text = text.replaceAll('$', '$$$$');
  const control = /[\u0000-\u001f\u007f]/.test(word);
  if (word === '' || control || NEEDS_QUOTES.test(word)) return `"${cEscape(text)}"`;
  return text;
}

/**
 * One Exec*= command line from an argv.
 * @throws ConfigError when argv is empty or the program is not an absolute path
 */
export function quoteExecArgv(argv: readonly string[]): string {
  const [program] = argv;
  if (program === undefined) throw new ConfigError('empty command line');
  if (!program.startsWith('/') || NEEDS_QUOTES.test(program) || /[%$]/.test(program)) {
    throw new ConfigError(`the program of an Exec line must be a plain absolute path, got "${program}"`);
  }
  return argv.map((word) => quoteWord(word, true)).join(' ');
}

/**
 * One `Environment=` assignment, always double-quoted.
 * @throws ConfigError when the name is not a valid environment variable name
 */
export function quoteEnvironment(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ConfigError(`invalid environment variable name "${name}"`);
  return `"${cEscape(`${name}=${value}`.replaceAll('%', '%%'))}"`;
}
