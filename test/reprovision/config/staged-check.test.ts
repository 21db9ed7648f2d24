import { expect } from 'chai';
import { checkStagedConfig } from '../../../reprovision/config/staged-check.js';

function config(filesystems: unknown): string {
  return JSON.stringify({ ignition: { version: '3.4.0' }, storage: { filesystems } });
}

describe('reprovision/config/staged-check', () => {
  for (const path of ['/var', '/var/lib/containers']) {
    it(`refuses a filesystem at ${path}`, () => {
      expect(() => checkStagedConfig(config([{ device: '/dev/sdb', path }]))).to.throw(
        /staged mode cannot apply[\s\S]*--mode firstboot/,
      );
    });
  }
  for (const [name, filesystems] of [
    ['none', undefined],
    ['one at /srv', [{ device: '/dev/sdb', path: '/srv' }]],
    ['one at /variable', [{ device: '/dev/sdb', path: '/variable' }]],
    ['one without a path', [{ device: '/dev/sdb', format: 'xfs' }]],
  ] as const) {
    it(`accepts ${name}`, () => expect(() => checkStagedConfig(config(filesystems))).to.not.throw());
  }
});
