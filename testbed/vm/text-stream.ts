/**
 * Text a VM sends the host (serial console, completion port), kept in memory
 * and optionally appended to a log file, with waiters for a pattern's n-th
 * occurrence. Waiters are woken by arriving data, never by a timer; when the
 * stream ends (qemu exited or was killed) they reject with the reason and the
 * end of the text.
 */
import { appendFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { stripAnsi } from './ansi.js';

interface Waiter {
  pattern: RegExp;
  occurrence: number;
  seen: number;
  from: number;
  resolve: (match: string) => void;
  reject: (error: Error) => void;
}

/** One direction of text from the guest. */
export class TextStream {
  private body = '';
  private carry = '';
  /** UTF-8 (systemd prints …), a character split across chunks is held back. */
  private readonly decoder = new StringDecoder('utf8');
  private ended: string | undefined;
  private readonly waiters = new Set<Waiter>();

  /**
   * @param name what the stream is, for error messages ("serial console")
   * @param logFile the raw bytes are appended here when given
   */
  constructor(
    private readonly name: string,
    private readonly logFile?: string,
  ) {}

  /** The text so far, escape sequences and carriage returns removed. */
  get text(): string {
    return this.body;
  }

  /** Adds a chunk from the guest and wakes the waiters it satisfies. */
  push(chunk: Buffer): void {
    if (this.logFile !== undefined) appendFileSync(this.logFile, chunk, { mode: 0o600 });
    const { text, carry } = stripAnsi(this.carry + this.decoder.write(chunk));
    this.carry = carry;
    this.body += text;
    for (const w of this.waiters) this.check(w);
  }

  /**
   * Resolves with the matched text once `pattern` has occurred `occurrence`
   * times (default 1) in the text from offset `from` of {@link text} (default:
   * since the stream began).
   * @throws Error (rejects) when the stream ends first.
   */
  waitFor(pattern: RegExp, occurrence = 1, from = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
      const w: Waiter = { pattern: new RegExp(pattern.source, flags), occurrence, seen: 0, from, resolve, reject };
      this.waiters.add(w);
      this.check(w);
      if (this.waiters.has(w) && this.ended !== undefined) this.fail(w, this.ended);
    });
  }

  /** Ends the stream: every pending waiter rejects, naming `reason`. */
  end(reason: string): void {
    this.ended ??= reason;
    for (const w of this.waiters) this.fail(w, this.ended);
  }

  private check(w: Waiter): void {
    w.pattern.lastIndex = w.from;
    for (let m = w.pattern.exec(this.body); m !== null; m = w.pattern.exec(this.body)) {
      w.seen += 1;
      w.from = m.index + Math.max(1, m[0].length);
      w.pattern.lastIndex = w.from;
      if (w.seen >= w.occurrence) {
        this.waiters.delete(w);
        w.resolve(m[0]);
        return;
      }
    }
  }

  private fail(w: Waiter, reason: string): void {
    this.waiters.delete(w);
    const tail = this.body.slice(-1500);
    w.reject(
      new Error(
        `The ${this.name} ended (${reason}) after ${w.seen} of ${w.occurrence} occurrence(s) of ${String(w.pattern)}; ` +
          `its last text:\n${tail}`,
      ),
    );
  }
}
