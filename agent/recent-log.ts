/**
 * The agent's own recent log, kept in memory for `log.collect_system_logs`
 * (its `ironic-coreos-agent.log`, one JSON object per line, oldest first).
 *
 * Each entry is kept as its JSON text, made when it is logged: one flat
 * string instead of winston's info object with the formatted line and the
 * timestamp beside it. A command's log line cost about 1.1 KiB of heap that
 * way and a heartbeat's 641 bytes; a heartbeat's costs 168 bytes this way
 * (bench/README.md, "The recent log as JSON lines").
 * Entries leave oldest first once there are `maxEntries` of them or their
 * text passes `maxChars`, so a flood of long messages cannot grow it.
 */
import Transport from 'winston-transport';

/** Bounds of the recent log. */
export interface RecentLogLimits {
  /** Keep at most this many entries. */
  maxEntries: number;
  /** Keep at most this many characters of JSON text in all; a longer single entry is cut to it. */
  maxChars: number;
}

/** What the agent keeps: 5,000 entries and 4 Mi characters, whichever comes first. */
export const RECENT_LOG_LIMITS: Readonly<RecentLogLimits> = { maxEntries: 5000, maxChars: 4 * 1024 * 1024 };

/** Marks an entry cut to `maxChars`. */
const CUT = '…[cut]';

/**
 * A winston transport that keeps the newest entries as JSON lines in a ring.
 * It sees entries after the logger's formats, so they are already redacted.
 */
export class RecentLogTransport extends Transport {
  private readonly limits: RecentLogLimits;
  /** The ring: `size` entries from `head`, wrapping at `maxEntries`. */
  private readonly ring: string[] = [];
  private head = 0;
  private size = 0;
  private chars = 0;

  constructor(limits: RecentLogLimits = RECENT_LOG_LIMITS) {
    super();
    if (limits.maxEntries < 1 || limits.maxChars < CUT.length)
      throw new RangeError(`recent log limits too small: ${JSON.stringify(limits)}`);
    this.limits = limits;
  }

  override log(info: Record<string, unknown>, next: () => void): void {
    this.push(entryText(info, this.limits.maxChars));
    next();
  }

  /** The kept entries, oldest first, one per line. */
  text(): string {
    const lines: string[] = [];
    for (let i = 0; i < this.size; i += 1) lines.push(this.at(i));
    return lines.join('\n');
  }

  private push(line: string): void {
    while (this.size > 0 && (this.size >= this.limits.maxEntries || this.chars + line.length > this.limits.maxChars))
      this.dropOldest();
    const slot = (this.head + this.size) % this.limits.maxEntries;
    this.ring[slot] = line;
    this.size += 1;
    this.chars += line.length;
  }

  private dropOldest(): void {
    this.chars -= this.at(0).length;
    this.ring[this.head] = '';
    this.head = (this.head + 1) % this.limits.maxEntries;
    this.size -= 1;
  }

  private at(index: number): string {
    return this.ring[(this.head + index) % this.limits.maxEntries] ?? '';
  }
}

/**
 * One entry's JSON text, at most `maxChars` long. An entry JSON.stringify
 * refuses (cyclic metadata, a BigInt) keeps its level and message and says why.
 */
export function entryText(info: Record<string, unknown>, maxChars: number): string {
  let text: string;
  try {
    text = JSON.stringify(info);
  } catch (error) {
    text = JSON.stringify({
      level: String(info['level']),
      message: String(info['message']),
      timestamp: String(info['timestamp']),
      unlogged: `metadata not serialisable: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  return flat(text.length <= maxChars ? text : text.slice(0, maxChars - CUT.length) + CUT);
}

/**
 * `text` copied into one flat string. JSON.stringify returns a rope (V8 joins
 * the parts it built without copying them), which keeps every part and a node
 * per join alive as long as the entry: about 1.5 times the text's own size.
 */
function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
