import axios from 'axios';
import { expect } from 'chai';
import {
  faultOf,
  IronicClient,
  IronicRequestError,
  ironicHeaders,
  parseNode,
  rebuildBody,
} from '../../../fleet/apply/ironic-client.js';
import { FakeIronic, ironicError, pyJson, refusedUrl } from '../../helpers/fake-ironic.js';

const NODE = {
  uuid: '5d2c0a4e-1111-4222-8333-000000000001',
  name: 'w3',
  provision_state: 'active',
  provision_updated_at: '2026-12-01T10:00:00.123456+00:00',
  last_error: null,
  maintenance: false,
  instance_info: { configdrive: '******' },
};

describe('fleet/apply/ironic-client', () => {
  it('builds the rebuild body Metal3 sends: configdrive user_data is the exact text, install_coreos at 80', () => {
    expect(rebuildBody('{"ignition": {"version": "3.4.0"}}\n')).to.deep.equal({
      target: 'rebuild',
      configdrive: { user_data: '{"ignition": {"version": "3.4.0"}}\n' },
      deploy_steps: [{ interface: 'deploy', step: 'install_coreos', priority: 80, args: {} }],
    });
  });

  const headerCases: [string, { endpoint: string; token?: string }, Record<string, string>][] = [
    ['noauth', { endpoint: 'http://i' }, {}],
    ['token', { endpoint: 'http://i', token: 's3cret' }, { 'X-Auth-Token': 's3cret' }],
  ];
  for (const [name, connection, extra] of headerCases) {
    it(`headers, ${name}: JSON, microversion 1.69${name === 'token' ? ', X-Auth-Token' : ''}`, () => {
      expect(ironicHeaders(connection)).to.deep.equal({
        Accept: 'application/json',
        'Content-Type': 'application/json',
        'X-OpenStack-Ironic-API-Version': '1.69',
        ...extra,
      });
    });
  }

  const faultCases: [string, unknown, string | undefined][] = [
    ['Ironic error body', JSON.parse(ironicError('Node w9 could not be found.')), 'Node w9 could not be found.'],
    ['error_message not JSON', { error_message: 'plain' }, 'plain'],
    ['text', 'Bad Gateway', 'Bad Gateway'],
    ['empty', '', undefined],
    ['other object', { x: 1 }, undefined],
  ];
  for (const [name, body, expected] of faultCases) {
    it(`faultOf: ${name}`, () => expect(faultOf(body)).to.equal(expected));
  }

  it('parseNode keeps the fields apply reads, and refuses what is not a node', () => {
    expect(parseNode(NODE, 'w3')).to.deep.equal({
      uuid: NODE.uuid,
      name: 'w3',
      provision_state: 'active',
      provision_updated_at: NODE.provision_updated_at,
      last_error: null,
      maintenance: false,
    });
    expect(() => parseNode({ name: 'w3' }, 'w3')).to.throw(IronicRequestError, /not an Ironic node/);
  });

  describe('over HTTP', () => {
    let ironic: FakeIronic;
    beforeEach(async () => {
      ironic = await FakeIronic.start();
    });
    afterEach(async () => ironic.close());

    it('GETs the node and PUTs the rebuild with the headers and body, the token only as a header', async () => {
      ironic.handler = (request) => (request.method === 'GET' ? { status: 200, body: pyJson(NODE) } : { status: 202 });
      const client = new IronicClient(axios.create(), { endpoint: ironic.url, token: 's3cret' });

      const node = await client.getNode('w3');
      await client.rebuild('w3', '{"ignition": {"version": "3.4.0"}}');

      expect(node.provision_updated_at).to.equal(NODE.provision_updated_at);
      const [get, put] = ironic.requests;
      expect([get?.method, get?.url, put?.method, put?.url]).to.deep.equal([
        'GET',
        '/v1/nodes/w3',
        'PUT',
        '/v1/nodes/w3/states/provision',
      ]);
      expect(put?.headers['x-openstack-ironic-api-version']).to.equal('1.69');
      expect(put?.headers['x-auth-token']).to.equal('s3cret');
      expect(JSON.parse(put?.body ?? '')).to.deep.equal(rebuildBody('{"ignition": {"version": "3.4.0"}}'));
    });

    it("turns Ironic's answers into errors with its fault and a hint, never the token", async () => {
      const answers = [
        { status: 404, body: ironicError('Node w9 could not be found.') },
        { status: 401, body: ironicError('Authentication required') },
        {
          status: 400,
          body: ironicError(
            'The requested action "rebuild" can not be performed on node w3 while it is in state "available".',
          ),
        },
      ];
      ironic.handler = () => answers.shift()!;
      const client = new IronicClient(axios.create(), { endpoint: `${ironic.url}/v1/`, token: 's3cret' });

      const errors: IronicRequestError[] = [];
      for (const call of [() => client.getNode('w9'), () => client.getNode('w3'), () => client.rebuild('w3', '{}')]) {
        await call().then(
          () => expect.fail('should fail'),
          (error: IronicRequestError) => errors.push(error),
        );
      }

      expect(errors.map((e) => [e.status, e.message])).to.deep.equal([
        [404, 'GET node w9: Ironic answered 404: Node w9 could not be found.'],
        [
          401,
          'GET node w3: Ironic answered 401: Authentication required (give a valid token with --os-token or OS_TOKEN)',
        ],
        [
          400,
          'rebuild of node w3: Ironic answered 400: The requested action "rebuild" can not be performed on node w3 while it is in state "available".',
        ],
      ]);
      expect(ironic.requests.map((r) => r.url)).to.deep.equal([
        '/v1/nodes/w9',
        '/v1/nodes/w3',
        '/v1/nodes/w3/states/provision',
      ]);
    });

    it('says when Ironic does not answer, without the token', async () => {
      const client = new IronicClient(axios.create(), { endpoint: await refusedUrl(), token: 's3cret' });

      const error = await client.getNode('w3').then(
        () => undefined,
        (e: IronicRequestError) => e,
      );

      expect(error?.status).to.equal(null);
      expect(error?.message).to.match(/^Ironic at http:\/\/127\.0\.0\.1:\d+ did not answer: .*ECONNREFUSED/);
      expect(error?.message).not.to.include('s3cret');
      expect(error?.cause).to.equal(undefined);
    });
  });
});
