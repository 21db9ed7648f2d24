/** Start an express app on an ephemeral port and make raw requests to it. */
import { request as httpRequest } from 'node:http';
import type { Express } from 'express';
import { listenApi } from '../../agent/api/server.js';

/** A started server with its base URL. */
export interface Started {
  url: string;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1:0 as the agent does (`listenApi`). */
export async function listen(app: Express): Promise<Started> {
  const server = await listenApi(app, { host: '127.0.0.1', port: 0 });
  return { url: `http://127.0.0.1:${server.port}`, close: () => server.close() };
}

/** A response: status, headers and parsed JSON body (or the raw text). */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Make a request without any client-side redirects or retries. */
export function call(
  method: string,
  url: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
