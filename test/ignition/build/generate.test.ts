import { expect } from 'chai';
import { ConfigError } from '../../../common/errors.js';
import { fromDataUrl } from '../../../ignition/data-url.js';
import {
  checkCaBundle,
  checkPullSecret,
  generateIgnition,
  type BuildInputs,
} from '../../../ignition/build/generate.js';
import { parseBuildOptions } from '../../../ignition/build/options.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const inputs: BuildInputs = { sshKeys: ['ssh-ed25519 AAAA me'], caPem: null, pullSecret: null, merges: [] };

interface Doc {
  ignition: { version: string };
  storage: { files: { path: string; mode: number; contents: { source: string } }[] };
  systemd: { units: { name: string; contents: string }[] };
}

function generate(argv: string[], extra: Partial<BuildInputs> = {}): Doc {
  return JSON.parse(
    generateIgnition(parseBuildOptions([...argv, '--registry', 'quay.io/example']), { ...inputs, ...extra }),
  ) as Doc;
}

function fileText(doc: Doc, path: string): string {
  const file = doc.storage.files.find((f) => f.path === path);
  if (file === undefined) throw new Error(`no ${path}`);
  return fromDataUrl(file.contents.source).toString();
}

describe('ignition/build/generate', () => {
  it('wires the CA into the conf, the unit mounts and the trust anchors', () => {
    const doc = generate(['--host', 'h', '--ca-file', 'ca.pem'], { caPem: PEM });

    expect(fileText(doc, '/etc/ironic-python-agent.conf'))
      .to.contain('api_url = https://h:6385\n')
      .and.contain('cafile = /etc/ironic-coreos-agent/ca.crt\n');
    expect(fileText(doc, '/etc/pki/ca-trust/source/anchors/ironic-coreos-agent-ca.crt')).to.equal(PEM);
    expect(doc.systemd.units[0]?.contents).to.contain(
      '-v /etc/pki/ca-trust/source/anchors/ironic-coreos-agent-ca.crt:/etc/ironic-coreos-agent/ca.crt:ro',
    );
  });

  it('wires the pull secret into the pull command', () => {
    const doc = generate(['--host', 'h', '--pull-secret', 'auth.json'], {
      pullSecret: '{"auths":{"quay.io":{"auth":"eDp5"}}}',
    });

    expect(fileText(doc, '/etc/ironic-coreos-agent/auth.json')).to.equal('{"auths":{"quay.io":{"auth":"eDp5"}}}');
    expect(doc.systemd.units[0]?.contents).to.contain(
      'pull --authfile=/etc/ironic-coreos-agent/auth.json quay.io/example/',
    );
  });

  it('keeps proxy credentials out of the unit and in a 0600 file', () => {
    const doc = generate(['--host', 'h', '--https-proxy', 'http://u:pw@p:3128', '--no-proxy', 'h']);

    const unit = doc.systemd.units[0]?.contents ?? '';
    expect(unit).not.to.contain('pw@');
    expect(unit)
      .to.contain('EnvironmentFile=/etc/ironic-coreos-agent/proxy.env')
      .and.contain('Environment="NO_PROXY=h"');
    expect(doc.storage.files.find((f) => f.path === '/etc/ironic-coreos-agent/proxy.env')?.mode).to.equal(0o600);
    expect(fileText(doc, '/etc/ironic-coreos-agent/proxy.env')).to.equal("HTTPS_PROXY='http://u:pw@p:3128'\n");
  });

  it('merges extra configs and writes the requested spec', () => {
    const merge = {
      name: 'm.ign',
      config: {
        ignition: { version: '3.0.0' },
        storage: { files: [{ path: '/etc/motd', contents: { source: 'data:,hi' } }] },
      },
    };

    const doc = generate(['--host', 'h', '--spec', '3.0.0'], { merges: [merge] });

    expect(doc.ignition.version).to.equal('3.0.0');
    expect(doc.storage.files.map((f) => f.path)).to.deep.equal(['/etc/ironic-python-agent.conf', '/etc/motd']);
  });

  it('reports invalid content as ConfigError', () => {
    expect(() => generate(['--host', 'h', '--agent-config', 'api_url=http://evil'])).to.throw(
      ConfigError,
      /set with --host or --api-url/,
    );
    expect(() => generate(['--host', 'h', '--http-proxy', 'proxy:3128'])).to.throw(
      ConfigError,
      /--http-proxy must use/,
    );
  });

  const caCases: [string, RegExp | null][] = [
    [PEM, null],
    [`${PEM}${PEM}`, null],
    ['hello', /holds no PEM certificate/],
    [`${PEM}-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n`, /contains a private key/],
  ];
  for (const [pem, message] of caCases) {
    it(`checks CA bundle ${JSON.stringify(pem.slice(0, 30))}…`, () => {
      if (message === null) expect(() => checkCaBundle(pem, 'ca.pem')).not.to.throw();
      else expect(() => checkCaBundle(pem, 'ca.pem')).to.throw(ConfigError, message);
    });
  }

  const secretCases: [string, RegExp | null][] = [
    ['{"auths":{}}', null],
    ['{"auths":[]}', /no "auths" object/],
    ['{"user":"x"}', /no "auths" object/],
    ['auths: {}', /is not JSON/],
  ];
  for (const [text, message] of secretCases) {
    it(`checks pull secret ${text}`, () => {
      if (message === null) expect(() => checkPullSecret(text, 'auth.json')).not.to.throw();
      else expect(() => checkPullSecret(text, 'auth.json')).to.throw(ConfigError, message);
    });
  }
});
