import { expect } from 'chai';
import { ConfigError } from '../../../common/errors.js';
import {
  checkConfKey,
  checkConfValue,
  checkServiceUrl,
  renderAgentConf,
  type AgentConfInput,
} from '../../../ignition/build/agent-conf.js';

const base: AgentConfInput = {
  apiUrls: ['https://192.0.2.1:6385'],
  inspectionUrls: [],
  insecure: false,
  cafile: null,
  extra: [],
};

/** The [DEFAULT] lines without the header comments. */
function body(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

describe('ignition/build/agent-conf', () => {
  it('renders api_url, inspection_callback_url, insecure and passthrough in order', () => {
    const text = renderAgentConf({
      ...base,
      apiUrls: ['https://a.example:6385', 'https://b.example:6385'],
      inspectionUrls: ['https://a.example:5050/v1/continue'],
      insecure: true,
      extra: [
        ['enable_vlan_interfaces', 'all'],
        ['collect_lldp', 'True'],
      ],
    });

    expect(body(text)).to.deep.equal([
      '[DEFAULT]',
      'api_url = https://a.example:6385,https://b.example:6385',
      'inspection_callback_url = https://a.example:5050/v1/continue',
      'insecure = True',
      'enable_vlan_interfaces = all',
      'collect_lldp = True',
    ]);
    expect(text.endsWith('\n')).to.equal(true);
  });

  it('renders cafile and omits insecure and inspection when unset', () => {
    expect(body(renderAgentConf({ ...base, cafile: '/etc/ironic-coreos-agent/ca.crt' }))).to.deep.equal([
      '[DEFAULT]',
      'api_url = https://192.0.2.1:6385',
      'cafile = /etc/ironic-coreos-agent/ca.crt',
    ]);
  });

  const rejects: { name: string; input: Partial<AgentConfInput>; message: RegExp }[] = [
    { name: 'no API URL', input: { apiUrls: [] }, message: /at least one Ironic API URL/ },
    {
      name: 'a newline in a value (injection)',
      input: { extra: [['debug', 'True\n[DEFAULT]\napi_url = http://evil']] },
      message: /newline or control character/,
    },
    { name: 'a carriage return', input: { extra: [['debug', 'True\rx']] }, message: /newline or control/ },
    { name: 'a section in a key', input: { extra: [['[mdns]', 'x']] }, message: /invalid option name/ },
    { name: 'a key with "="', input: { extra: [['a=b', 'x']] }, message: /invalid option name/ },
    { name: 'an empty key', input: { extra: [['', 'x']] }, message: /invalid option name/ },
    {
      name: 'leading blanks in a value',
      input: { extra: [['debug', ' True']] },
      message: /leading or trailing whitespace/,
    },
    { name: 'a reserved key', input: { extra: [['api_url', 'http://x']] }, message: /set with --host or --api-url/ },
    {
      name: 'a reserved key spelt with dashes',
      input: { extra: [['Inspection-Callback-Url', 'x']] },
      message: /--inspection-url/,
    },
    {
      name: 'a repeated key',
      input: {
        extra: [
          ['debug', 'True'],
          ['debug', 'False'],
        ],
      },
      message: /more than once/,
    },
    {
      name: 'root_mount (set with --root-mount)',
      input: { extra: [['root_mount', '/mnt/x']] },
      message: /set with --root-mount/,
    },
    {
      name: 'an option the agent does not know',
      input: { extra: [['enable_vlan_interface', 'all']] },
      message: /unknown agent option "enable_vlan_interface"/,
    },
    {
      name: 'a value the agent cannot use',
      input: { extra: [['lookup_timeout', 'soon']] },
      message: /agent option "lookup_timeout" expects an integer/,
    },
    { name: 'a bad boolean', input: { extra: [['collect_lldp', 'maybe']] }, message: /expects a boolean/ },
    { name: 'insecure with cafile', input: { insecure: true, cafile: '/x' }, message: /mutually exclusive/ },
    { name: 'a URL with a comma', input: { apiUrls: ['https://a,b:6385'] }, message: /commas/ },
    { name: 'a non-http URL', input: { apiUrls: ['ftp://a:6385'] }, message: /http:\/\/ or https:\/\// },
    {
      name: 'a URL with a newline',
      input: { inspectionUrls: ['https://a:5050/v1/continue\nx=y'] },
      message: /newline/,
    },
  ];
  for (const c of rejects) {
    it(`rejects ${c.name}`, () => {
      expect(() => renderAgentConf({ ...base, ...c.input })).to.throw(ConfigError, c.message);
    });
  }

  it('accepts IPA options the agent ignores, with any value', () => {
    expect(
      body(
        renderAgentConf({
          ...base,
          extra: [
            ['use_mdns', 'False'],
            ['ntp_server', 'pool.ntp.org'],
          ],
        }),
      ).slice(-2),
    ).to.deep.equal(['use_mdns = False', 'ntp_server = pool.ntp.org']);
  });

  it('checks keys, values and URLs without throwing', () => {
    expect(checkConfKey('enable_vlan_interfaces')).to.equal(null);
    expect(checkConfKey('9lives')).to.match(/invalid option name/);
    expect(checkConfValue('k', 'a value with spaces and = signs')).to.equal(null);
    expect(checkConfValue('k', 'tab\there')).to.equal(null);
    expect(checkConfValue('k', 'nul\u0000')).to.match(/control/);
    expect(checkServiceUrl('--api-url', 'http://[fd00::1]:6385')).to.equal(null);
    expect(checkServiceUrl('--api-url', 'not a url')).to.match(/commas or spaces/);
    expect(checkServiceUrl('--api-url', 'ironic:6385')).to.match(/http:\/\/ or https:\/\//);
  });
});
