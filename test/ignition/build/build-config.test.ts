import { expect } from 'chai';
import { ConfigError } from '../../../common/errors.js';
import {
  buildIgnitionConfig,
  serializeIgnition,
  type IgnitionBuildInput,
} from '../../../ignition/build/build-config.js';
import { fromDataUrl } from '../../../ignition/data-url.js';
import type { IgnitionFile } from '../../../ignition/types.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 me';
const input: IgnitionBuildInput = {
  spec: '3.2.0',
  sshKeys: [KEY],
  conf: '[DEFAULT]\napi_url = http://h:6385\n',
  unit: '[Unit]\n',
  caPem: null,
  pullSecret: null,
  proxyEnv: null,
};

function files(config: ReturnType<typeof buildIgnitionConfig>): IgnitionFile[] {
  return config.storage.files as IgnitionFile[];
}

describe('ignition/build/build-config', () => {
  it('builds user core, the 0600 conf and the enabled unit', () => {
    const config = buildIgnitionConfig(input);

    expect(config.ignition).to.deep.equal({ version: '3.2.0' });
    expect(config.passwd?.users).to.deep.equal([{ name: 'core', sshAuthorizedKeys: [KEY] }]);
    expect(files(config).map((f) => [f.path, f.mode, f.overwrite])).to.deep.equal([
      ['/etc/ironic-python-agent.conf', 0o600, true],
    ]);
    expect(fromDataUrl(files(config)[0]?.contents.source ?? '').toString()).to.equal(input.conf);
    expect(config.systemd.units).to.deep.equal([{ name: 'ironic-agent.service', enabled: true, contents: '[Unit]\n' }]);
  });

  it('adds the CA (0644), pull secret (0600) and proxy credentials (0600)', () => {
    const config = buildIgnitionConfig({
      ...input,
      caPem: 'PEM',
      pullSecret: '{"auths":{}}',
      proxyEnv: "HTTP_PROXY='http://u:p@x'\n",
    });

    expect(files(config).map((f) => [f.path, f.mode])).to.deep.equal([
      ['/etc/ironic-python-agent.conf', 0o600],
      ['/etc/pki/ca-trust/source/anchors/ironic-coreos-agent-ca.crt', 0o644],
      ['/etc/ironic-coreos-agent/auth.json', 0o600],
      ['/etc/ironic-coreos-agent/proxy.env', 0o600],
    ]);
    expect(
      files(config)
        .map((f) => fromDataUrl(f.contents.source).toString())
        .slice(1),
    ).to.deep.equal(['PEM', '{"auths":{}}', "HTTP_PROXY='http://u:p@x'\n"]);
  });

  for (const spec of ['3.0.0', '3.1.0', '3.3.0', '3.4.0'] as const) {
    it(`writes version ${spec} with the same fields`, () => {
      const config = buildIgnitionConfig({ ...input, spec });

      expect(config.ignition.version).to.equal(spec);
      expect(Object.keys(config)).to.deep.equal(['ignition', 'passwd', 'storage', 'systemd']);
    });
  }

  it('rejects a repeated key', () => {
    expect(() => buildIgnitionConfig({ ...input, sshKeys: [KEY, KEY] })).to.throw(ConfigError, /listed twice/);
  });

  it('leaves out passwd when there is no SSH key (--no-ssh-key)', () => {
    const config = buildIgnitionConfig({ ...input, sshKeys: [] });

    expect(Object.keys(config)).to.deep.equal(['ignition', 'storage', 'systemd']);
  });

  it('serialises as indented JSON with a final newline', () => {
    const text = serializeIgnition(buildIgnitionConfig(input));

    expect(text.endsWith('}\n')).to.equal(true);
    expect(JSON.parse(text)).to.deep.equal(buildIgnitionConfig(input));
  });
});
