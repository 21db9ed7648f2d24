import { expect } from 'chai';
import { ConfigError } from '../../common/errors.js';
import { buildIgnitionConfig } from '../../ignition/build/build-config.js';
import { mergeIgnition } from '../../ignition/merge.js';

const base = buildIgnitionConfig({
  spec: '3.2.0',
  sshKeys: ['ssh-ed25519 AAAA me'],
  conf: 'c',
  unit: 'u',
  caPem: null,
  pullSecret: null,
  proxyEnv: null,
});
const hostname = { path: '/etc/hostname', mode: 420, contents: { source: 'data:,node1' } };

describe('ignition/merge', () => {
  it('appends files, directories, links, units, users and groups in order', () => {
    const extra = {
      ignition: { version: '3.1.0' },
      storage: {
        files: [hostname],
        directories: [{ path: '/var/lib/x' }],
        links: [{ path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' }],
      },
      systemd: { units: [{ name: 'chronyd.service', enabled: true }] },
      passwd: { users: [{ name: 'ops' }], groups: [{ name: 'ops' }] },
    };

    const merged = mergeIgnition(base, [{ name: 'extra.ign', config: extra }], '3.2.0');

    expect(merged.storage.files.map((f) => f['path'])).to.deep.equal([
      '/etc/ironic-python-agent.conf',
      '/etc/hostname',
    ]);
    expect(merged.storage.directories).to.deep.equal([{ path: '/var/lib/x' }]);
    expect(merged.storage.links).to.deep.equal([{ path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' }]);
    expect(merged.systemd.units.map((u) => u['name'])).to.deep.equal(['ironic-agent.service', 'chronyd.service']);
    expect(merged.passwd?.users?.map((u) => u['name'])).to.deep.equal(['core', 'ops']);
    expect(merged.passwd?.groups).to.deep.equal([{ name: 'ops' }]);
    expect(merged.ignition.version).to.equal('3.2.0');
  });

  it('does not modify the base config', () => {
    mergeIgnition(
      base,
      [{ name: 'a', config: { ignition: { version: '3.0.0' }, storage: { files: [hostname] } } }],
      '3.2.0',
    );

    expect(base.storage.files).to.have.length(1);
  });

  it('accepts an empty config and several sources', () => {
    const merged = mergeIgnition(
      base,
      [
        { name: 'a', config: { ignition: { version: '3.0.0' } } },
        { name: 'b', config: { ignition: { version: '3.2.0' }, storage: { files: [hostname] } } },
      ],
      '3.2.0',
    );

    expect(merged.storage.files).to.have.length(2);
  });

  const rejects: { name: string; configs: unknown[]; spec?: '3.0.0' | '3.2.0'; message: RegExp }[] = [
    {
      name: 'a duplicate of a generated file',
      configs: [{ ignition: { version: '3.2.0' }, storage: { files: [{ path: '/etc/ironic-python-agent.conf' }] } }],
      message: /"\/etc\/ironic-python-agent\.conf" is already defined in the generated config/,
    },
    {
      name: 'a duplicate unit',
      configs: [{ ignition: { version: '3.2.0' }, systemd: { units: [{ name: 'ironic-agent.service' }] } }],
      message: /ironic-agent\.service/,
    },
    {
      name: 'user core (with a hint)',
      configs: [{ ignition: { version: '3.2.0' }, passwd: { users: [{ name: 'core' }] } }],
      message: /add SSH keys with --ssh-key instead/,
    },
    {
      name: 'a path used as file and directory',
      configs: [
        { ignition: { version: '3.2.0' }, storage: { files: [hostname], directories: [{ path: '/etc/hostname' }] } },
      ],
      message: /already defined in merge file m\.ign/,
    },
    {
      name: 'duplicates across merge files',
      configs: [
        { ignition: { version: '3.2.0' }, storage: { files: [hostname] } },
        { ignition: { version: '3.2.0' }, storage: { files: [hostname] } },
      ],
      message: /already defined in merge file m\.ign/,
    },
    {
      name: 'a newer spec',
      configs: [{ ignition: { version: '3.3.0' } }],
      message: /Ignition 3\.3\.0, newer than --spec 3\.2\.0/,
    },
    {
      name: 'a newer spec than 3.0.0',
      configs: [{ ignition: { version: '3.1.0' } }],
      spec: '3.0.0',
      message: /newer than --spec 3\.0\.0/,
    },
    {
      name: 'a spec 2 config',
      configs: [{ ignition: { version: '2.3.0' } }],
      message: /ignition\.version must be one of/,
    },
    { name: 'no version', configs: [{ storage: {} }], message: /ignition\.version/ },
    {
      name: 'ignition.config (merge/replace)',
      configs: [{ ignition: { version: '3.2.0', config: { merge: [] } } }],
      message: /ignition\.config is not supported/,
    },
    {
      name: 'storage.disks',
      configs: [{ ignition: { version: '3.2.0' }, storage: { disks: [] } }],
      message: /storage\.disks is not supported/,
    },
    {
      name: 'kernelArguments',
      configs: [{ ignition: { version: '3.2.0' }, kernelArguments: {} }],
      message: /section "kernelArguments" is not supported/,
    },
    {
      name: 'a non-list section',
      configs: [{ ignition: { version: '3.2.0' }, storage: { files: {} } }],
      message: /must be a list/,
    },
    {
      name: 'an entry without a path',
      configs: [{ ignition: { version: '3.2.0' }, storage: { files: [{ mode: 420 }] } }],
      message: /without a path/,
    },
    { name: 'a JSON array', configs: [[]], message: /is not a JSON object/ },
  ];
  for (const c of rejects) {
    it(`rejects ${c.name}`, () => {
      const sources = c.configs.map((config) => ({ name: 'm.ign', config }));

      expect(() => mergeIgnition(base, sources, c.spec ?? '3.2.0')).to.throw(ConfigError, c.message);
    });
  }
});
