/**
 * A unix socket that qemu connects to once (qemu's `-chardev socket` in client
 * mode). Listening before qemu starts means the first byte is never lost.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** A listening socket and its one connection. */
export interface OneConnection {
  /** Resolves with qemu's connection. */
  connected: Promise<Socket>;
  /** Stops listening and destroys the connection, if any. */
  close(): Promise<void>;
}

/** Listens on `path` (which must not exist) for one connection. */
export async function listenOnce(path: string): Promise<OneConnection> {
  let socket: Socket | undefined;
  const server: Server = createServer();
  const connected = new Promise<Socket>((resolve) =>
    server.once('connection', (s: Socket) => {
      socket = s;
      resolve(s);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    connected,
    close: async () => {
      socket?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
