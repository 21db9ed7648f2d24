/**
 * winston logger factory and the redaction every log call relies on.
 *
 * Agent tokens, configdrives, Ignition contents and passwords never reach the
 * log: `redact` masks them by key, and masks `agent_token=` in URLs.
 */
import winston from 'winston';
import Transport from 'winston-transport';

/** The logger type every module receives (a winston logger or child). */
export type Logger = winston.Logger;

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Log at debug level. Default false (info). */
  debug?: boolean;
  /** One JSON object per line instead of readable text. Default false. */
  json?: boolean;
  /** Extra transports (tests use {@link MemoryTransport}). Default: the console (stderr). */
  transports?: winston.transport[];
}

/** Keys whose values are secrets or bulky user content. Compared case-insensitively. */
const SECRET_KEYS = new Set([
  'agent_token',
  'agenttoken',
  'token',
  'configdrive',
  'user_data',
  'userdata',
  'ignition',
  'password',
  'rescue_password',
  'pull_secret',
  'image_pull_secret',
  'agent_secret_token',
  'system_logs',
  'agent_verify_ca',
  'private_key',
  'tls_key',
  'authorization',
  'x-auth-token',
]);

/** The mask IPA and Ironic use. */
export const MASK = '******';

/**
 * Return a deep copy of `value` with secret keys masked and `agent_token=`
 * query values removed from strings. Port of IPA utils.remove_large_keys,
 * extended to secrets.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 20) return '[too deep]';
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value !== null && typeof value === 'object' && !(value instanceof Error)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      out[key] = SECRET_KEYS.has(key.toLowerCase()) && v !== null && v !== undefined ? MASK : redact(v, depth + 1);
    }
    return out;
  }
  if (value instanceof Error) return redactString(value.message);
  return value;
}

/** Mask `agent_token=...` in URLs and text. */
export function redactString(text: string): string {
  return text.replace(/(agent_token=)[^&\s'"]+/gi, `$1${MASK}`);
}

const redactFormat = winston.format((info) => {
  const cleaned = redact({ ...info }) as winston.Logform.TransformableInfo;
  for (const key of Object.keys(cleaned))
    (info as Record<string, unknown>)[key] = (cleaned as Record<string, unknown>)[key];
  if (typeof info.message === 'string') info.message = redactString(info.message);
  return info;
});

/** Create the agent's root logger. Modules get `logger.child({ module })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const readable = winston.format.printf((info) => {
    const { level, message, timestamp, module, ...rest } = info as Record<string, unknown>;
    const meta = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    const mod = typeof module === 'string' ? ` [${module}]` : '';
    return `${String(timestamp)} ${String(level).toUpperCase()}${mod} ${String(message)}${meta}`;
  });
  const format = winston.format.combine(
    redactFormat(),
    winston.format.timestamp(),
    winston.format.errors({ stack: false }),
    options.json === true ? winston.format.json() : readable,
  );
  return winston.createLogger({
    level: options.debug === true ? 'debug' : 'info',
    format,
    transports: options.transports ?? [
      new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] }),
    ],
  });
}

/** A transport that keeps every entry in memory, for tests' assertions (the agent's own is recent-log.ts). */
export class MemoryTransport extends Transport {
  readonly entries: Record<string, unknown>[] = [];
  override log(info: Record<string, unknown>, next: () => void): void {
    this.entries.push({ ...info });
    next();
  }
  /** All messages joined, with metadata, for "never logged" assertions. */
  text(): string {
    return this.entries.map((e) => JSON.stringify(e)).join('\n');
  }
}
