/** Raw HTTP/1.1 over a TCP socket: for requests node:http would refuse to send, and to watch the connection. */
import { connect } from 'node:net';

/** What came back on the socket. */
export interface RawReply {
  /** Everything the server sent, as latin1 text. */
  text: string;
  /** The status code of the first response line, or 0 when none arrived. */
  status: number;
  /** True when the server ended or reset the connection before `timeoutMs`. */
  closedByServer: boolean;
}

/** Options of {@link rawExchange}. */
export interface RawOptions {
  /** Stop waiting after this long (the socket is then destroyed). */
  timeoutMs: number;
  /** Destroy the socket right after writing (a client vanishing mid-body). Default false. */
  abort?: boolean;
  /** End (half-close) the client's side right after writing. Default false. */
  halfClose?: boolean;
  /** Stop as soon as a whole status line arrived (keep-alive answers never close). Default false. */
  untilStatus?: boolean;
}

/** Write `chunks` to 127.0.0.1:`port` and collect the answer until the server closes or the time is up. */
export function rawExchange(
  port: number,
  chunks: readonly (string | Buffer)[],
  options: RawOptions,
): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let settled = false;
    const finish = (closedByServer: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ text, status, closedByServer });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (options.untilStatus === true && Buffer.concat(received).includes('\r\n')) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (options.halfClose === true) socket.end();
      if (options.abort === true) setImmediate(() => finish(false));
    });
  });
}
