import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timeSequentialGets, waitFor200 } from '../../../bench/lib/http.js';

/** A loopback server answering with `answer(n)` for the n-th request (from 1). */
async function serve(
  answer: (n: number) => [number, string],
): Promise<{ url: string; server: Server; sockets: () => number }> {
  let n = 0;
  let sockets = 0;
  const server = createServer((_req, res) => {
    n += 1;
    const [status, body] = answer(n);
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  server.on('connection', () => {
    sockets += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/commands/`,
    server,
    sockets: () => sockets,
  };
}

describe('bench http', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('times only the requests after the warm-up, all over one kept-alive connection', async () => {
    const { url, server, sockets } = await serve(() => [200, '{"commands":[]}']);
    servers.push(server);

    const latencies = await timeSequentialGets(url, 25, 5, '{"commands":[]}');

    expect(latencies).to.have.length(25);
    expect(latencies.every((ms) => ms >= 0)).to.equal(true);
    expect(sockets()).to.equal(1);
  });

  it('stops at the first answer that is not the expected 200 body', async () => {
    const { url, server } = await serve((n) => (n === 7 ? [401, '{"faultcode":"Client"}'] : [200, '{"commands":[]}']));
    servers.push(server);

    let caught: unknown;
    try {
      await timeSequentialGets(url, 10, 2, '{"commands":[]}');
    } catch (error) {
      caught = error;
    }

    expect(String(caught)).to.include(
      'answered HTTP 401 "{\\"faultcode\\":\\"Client\\"}", expected 200 {"commands":[]}',
    );
  });

  it('waits through refused connections and non-200 answers until the first 200', async () => {
    const { url, server } = await serve((n) => (n < 3 ? [503, 'starting'] : [200, '{}']));
    servers.push(server);

    const readyAt = await waitFor200(url, { timeoutMs: 10_000 });

    expect(readyAt).to.be.a('number');
  });

  it('gives up with the reason when told to abandon, and reports the last failure on timeout', async () => {
    const { url, server } = await serve(() => [503, 'starting']);
    servers.push(server);

    let abandoned: unknown;
    try {
      await waitFor200(url, { timeoutMs: 10_000, abandon: () => 'agent exited with code 1' });
    } catch (error) {
      abandoned = error;
    }
    let timedOut: unknown;
    try {
      await waitFor200(url, { timeoutMs: 0 });
    } catch (error) {
      timedOut = error;
    }

    expect(String(abandoned)).to.include(`gave up waiting for ${url}: agent exited with code 1`);
    expect(String(timedOut)).to.include('did not answer 200 within 0 ms (last: HTTP 503)');
  });
});
