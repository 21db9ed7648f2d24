import { expect } from 'chai';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { get } from '../../../bench/lib/http.js';
import { startIronicStub } from '../../../bench/lib/ironic-stub.js';

describe('bench Ironic stub', () => {
  it('answers version discovery and lookup as Ironic does, and records when the first lookup arrived', async () => {
    const token = 't'.repeat(32);
    const stub = await startIronicStub(token);
    try {
      const before = performance.now();
      const root = await get(`${stub.url}/`, false);
      const lookup = await get(`${stub.url}/v1/lookup?addresses=52:54:00:00:00:01`, false);
      const other = await get(`${stub.url}/v1/nodes`, false);

      expect(root.status).to.equal(200);
      expect(JSON.parse(root.body)).to.nested.include({ 'default_version.version': '1.82' });
      expect(lookup.status).to.equal(200);
      expect(JSON.parse(lookup.body)).to.nested.include({ 'config.agent_token': token });
      expect(other.status).to.equal(404);
      const at = await stub.firstLookup;
      expect(at).to.be.within(before, performance.now());
    } finally {
      await stub.close();
    }
  });

  it('records when the first heartbeat arrived, not before one did', async () => {
    const stub = await startIronicStub('t'.repeat(32));
    try {
      let heartbeatAt: number | null = null;
      void stub.firstHeartbeat.then((at) => (heartbeatAt = at));
      await get(`${stub.url}/v1/lookup?addresses=52:54:00:00:00:01`, false);
      await stub.firstLookup;
      expect(heartbeatAt).to.equal(null);

      const before = performance.now();
      const status = await heartbeat(stub.url);

      expect(status).to.equal(202);
      expect(await stub.firstHeartbeat).to.be.within(before, performance.now());
    } finally {
      await stub.close();
    }
  });

  it('tells when a heartbeat arrives after a given moment, not one that came before it', async () => {
    const stub = await startIronicStub('t'.repeat(32));
    try {
      await heartbeat(stub.url);
      const first = await stub.firstHeartbeat;
      const since = performance.now();
      let after: number | null = null;
      const waiting = stub.heartbeatAfter(since).then((at) => (after = at));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(after).to.equal(null);

      expect(await heartbeat(stub.url)).to.equal(202);
      await waiting;

      expect(after).to.be.within(since, performance.now());
      expect(await stub.firstHeartbeat).to.equal(first);
    } finally {
      await stub.close();
    }
  });
});

/** POST a heartbeat to the stub; resolves with the status. */
function heartbeat(url: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/heartbeat/00000000-0000-4000-8000-00000000b0b0`, { method: 'POST' });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end('{}');
  });
}
