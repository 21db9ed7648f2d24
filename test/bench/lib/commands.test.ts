import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHEAP_COMMAND, UNRECORDED_COMMAND, timeCommandPosts } from '../../../bench/lib/commands.js';

/** A loopback server answering every POST with `status` and `body`, recording the bodies it got. */
async function serve(status: number, body: string): Promise<{ url: string; server: Server; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/commands/`, server, bodies };
}

describe('bench commands', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('times every POST of the cheap command and checks each answer succeeded', async () => {
    const { url, server, bodies } = await serve(200, '{"command_status":"SUCCEEDED"}');
    servers.push(server);

    const latencies = await timeCommandPosts(url, 5);

    expect(latencies).to.have.length(5);
    expect(bodies).to.deep.equal(Array(5).fill(CHEAP_COMMAND));
  });

  it('refuses an answer that is not the expected one, so an error cannot pass as fast', async () => {
    const { url, server } = await serve(404, '{}');
    servers.push(server);

    await timeCommandPosts(url, 2, UNRECORDED_COMMAND);
    let failure: unknown;
    await timeCommandPosts(url, 2).catch((error: unknown) => {
      failure = error;
    });
    expect(String(failure)).to.match(/POST 1 answered HTTP 404/);
  });
});
