import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { readBody, type BodyLimits } from '../../../agent/api/request-body.js';
import { HttpFault } from '../../../agent/api/faults.js';
import { call } from '../../helpers/http.js';

const LIMITS: BodyLimits = { wireBytes: 65536, decodedBytes: 16384 };

describe('api/request-body', () => {
  let server: Server;
  let url: string;
  let consumed: boolean[];

  before(async () => {
    server = createServer((req, res) => {
      readBody(req, LIMITS).then(
        (text) => {
          consumed.push(req.readableEnded);
          res.end(JSON.stringify({ text }));
        },
        (error: unknown) => {
          consumed.push(req.readableEnded);
          res.statusCode = error instanceof HttpFault ? error.status : 599;
          res.setHeader('connection', 'close');
          res.end(JSON.stringify({ message: error instanceof Error ? error.message : String(error) }));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  beforeEach(() => {
    consumed = [];
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const message = (json: unknown): string => (json as { message: string }).message;

  it('reads a plain UTF-8 body', async () => {
    const reply = await call('POST', url, '{"a":"é"}');

    expect(reply.json).to.deep.equal({ text: '{"a":"é"}' });
  });

  it('undoes gzip and deflate', async () => {
    const gz = await call('POST', url, gzipSync('{"z":1}'), { 'content-encoding': 'gzip' });
    const df = await call('POST', url, deflateSync('{"d":1}'), { 'content-encoding': 'Deflate' });

    expect(gz.json).to.deep.equal({ text: '{"z":1}' });
    expect(df.json).to.deep.equal({ text: '{"d":1}' });
  });

  it('decodes the declared charset', async () => {
    const reply = await call('POST', url, Buffer.from([0x22, 0xe9, 0x22]), {
      'content-type': 'application/json; charset=latin1',
    });

    expect(reply.json).to.deep.equal({ text: '"é"' });
  });

  it('refuses an unknown charset or content encoding (415) before reading', async () => {
    const charset = await call('POST', url, '{}', { 'content-type': 'application/json; charset="x-nope"' });
    const encoding = await call('POST', url, '{}', { 'content-encoding': 'br' });

    expect(charset.status).to.equal(415);
    expect(message(charset.json)).to.equal('415 Unsupported Media Type: Unsupported charset "X-NOPE"');
    expect(encoding.status).to.equal(415);
    expect(message(encoding.json)).to.equal('415 Unsupported Media Type: Unsupported content encoding "br"');
    expect(consumed).to.deep.equal([false, false]);
  });

  it('refuses a declared length over the wire limit (413) without reading a byte', async () => {
    const gzipped = await call('POST', url, Buffer.alloc(65537), { 'content-encoding': 'gzip' });
    const plain = await call('POST', url, 'x'.repeat(16385));

    expect(gzipped.status).to.equal(413);
    expect(message(gzipped.json)).to.equal(
      '413 Request Entity Too Large: The request body is larger than the limit of 65536 bytes',
    );
    expect(plain.status, 'without an encoding the decoded limit applies on the wire').to.equal(413);
    expect(message(plain.json)).to.equal(
      '413 Request Entity Too Large: The request body is larger than the limit of 16384 bytes',
    );
    expect(consumed).to.deep.equal([false, false]);
  });

  it('stops reading a chunked body once it passes the wire limit (413)', async () => {
    const reply = await call('POST', url, 'x'.repeat(70000), { 'transfer-encoding': 'chunked' });

    expect(reply.status).to.equal(413);
  });

  it('stops inflating a gzip bomb at the decoded limit (413)', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));

    const reply = await call('POST', url, bomb, { 'content-encoding': 'gzip' });

    expect(bomb.length).to.be.below(LIMITS.wireBytes);
    expect(reply.status).to.equal(413);
    expect(message(reply.json)).to.equal(
      '413 Request Entity Too Large: The decoded request body is larger than the limit of 16384 bytes',
    );
  });

  it('answers a broken gzip body with 400', async () => {
    const reply = await call('POST', url, gzipSync('{"z":1}').subarray(0, 15), { 'content-encoding': 'gzip' });

    expect(reply.status).to.equal(400);
    expect(message(reply.json)).to.match(/^400 Bad Request: The gzip request body cannot be decoded: /);
  });
});
