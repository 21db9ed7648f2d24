import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { floodBody, postWithoutToken } from '../../../bench/lib/flood.js';

describe('bench flood', () => {
  it('builds a valid JSON command body of exactly the asked size', () => {
    const body = floodBody(4096);

    expect(body.length).to.equal(4096);
    expect(JSON.parse(body.toString('latin1'))).to.have.property('name', 'deploy.execute_deploy_step');
  });

  it('reports the status of a server that answers before the body and closes', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(401, { connection: 'close' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

    try {
      const status = await postWithoutToken((server.address() as AddressInfo).port, floodBody(8 * 1024 * 1024), 10_000);

      expect(status).to.equal(401);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
