import { expect } from 'chai';
import { decideToken, heartbeatTimeoutOf, parseLookupBody } from '../../../agent/ironic/lookup-data.js';

const TOKEN_43 = 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc';

describe('ironic/lookup-data', () => {
  describe('parseLookupBody', () => {
    it('accepts {node, config}', () => {
      const parsed = parseLookupBody(
        '{"node": {"uuid": "u1", "properties": {}}, "config": {"heartbeat_timeout": 300}}',
      );

      expect(parsed).to.deep.equal({
        ok: true,
        data: { node: { uuid: 'u1', properties: {} }, config: { heartbeat_timeout: 300 } },
      });
    });

    it('moves an old top-level heartbeat_timeout into config', () => {
      const parsed = parseLookupBody('{"node": {"uuid": "u1"}, "heartbeat_timeout": 120}');

      expect(parsed).to.deep.equal({ ok: true, data: { node: { uuid: 'u1' }, config: { heartbeat_timeout: 120 } } });
    });

    const invalid: [string, string, RegExp][] = [
      ['not JSON', '<html>', /not JSON/],
      ['an array', '[]', /not a JSON object/],
      ['no node', '{"config": {}}', /no node.uuid/],
      ['a node without uuid', '{"node": {"name": "x"}, "config": {}}', /no node.uuid/],
      ['an empty uuid', '{"node": {"uuid": ""}, "config": {}}', /no node.uuid/],
      ['neither config nor heartbeat_timeout', '{"node": {"uuid": "u"}}', /neither config nor heartbeat_timeout/],
      ['a config that is not an object', '{"node": {"uuid": "u"}, "config": "x"}', /not an object/],
    ];
    for (const [name, text, reason] of invalid) {
      it(`refuses ${name}`, () => {
        const parsed = parseLookupBody(text);

        expect(parsed.ok).to.equal(false);
        if (!parsed.ok) expect(parsed.reason).to.match(reason);
      });
    }
  });

  describe('decideToken', () => {
    const cases: [string, unknown, unknown][] = [
      ['a 43-character token', TOKEN_43, { kind: 'received', token: TOKEN_43 }],
      ['exactly 32 characters', 'a'.repeat(32), { kind: 'received', token: 'a'.repeat(32) }],
      ['31 characters', 'a'.repeat(31), { kind: 'none', invalid: true }],
      ['the mask', '******', { kind: 'alreadyIssued' }],
      ['a short value', 'abc', { kind: 'none', invalid: true }],
      ['a number', 42, { kind: 'none', invalid: true }],
      ['null', null, { kind: 'none', invalid: false }],
      ['an empty string', '', { kind: 'none', invalid: false }],
      ['no token', undefined, { kind: 'none', invalid: false }],
    ];
    for (const [name, token, expected] of cases) {
      it(`treats ${name} as ${JSON.stringify(expected).replace(TOKEN_43, '<token>')}`, () => {
        const config = token === undefined ? {} : { agent_token: token };

        expect(decideToken(config)).to.deep.equal(expected);
      });
    }
  });

  describe('heartbeatTimeoutOf', () => {
    const cases: [unknown, number | null][] = [
      [300, 300],
      ['120', 120],
      [0, null],
      [-5, null],
      ['x', null],
      [undefined, null],
      [null, null],
    ];
    for (const [value, expected] of cases) {
      it(`reads ${JSON.stringify(value)} as ${expected}`, () => {
        expect(heartbeatTimeoutOf(value === undefined ? {} : { heartbeat_timeout: value })).to.equal(expected);
      });
    }
  });
});
