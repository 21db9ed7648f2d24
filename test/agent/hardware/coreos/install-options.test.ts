import { expect } from 'chai';
import { DeploymentError } from '../../../../common/errors.js';
import {
  resolveInstallSettings,
  splitKernelArgs,
  type InstallInputs,
} from '../../../../agent/hardware/coreos/install-options.js';

const config = { coreosCopyNetwork: false, coreosIpOptions: null, coreosAllowUnsignedImage: true };
const resolve = (overrides: Partial<InstallInputs>) =>
  resolveInstallSettings({ instanceInfo: {}, metaData: {}, args: {}, config, ...overrides });

describe('hardware/coreos/install-options', () => {
  it('defaults to an offline install with nothing extra', () => {
    expect(resolve({})).to.deep.equal({
      imageUrl: null,
      allowUnsignedImage: true,
      appendKargs: [],
      deleteKargs: [],
      copyNetwork: false,
      consoles: [],
      platform: null,
      savePartlabels: [],
      savePartindexes: [],
    });
  });

  describe('kernel arguments', () => {
    const table: [string, unknown, string | null, string[]][] = [
      ['a list', ['console=ttyS0,115200n8', 'rd.neednet=1'], null, ['console=ttyS0,115200n8', 'rd.neednet=1']],
      [
        'a string (metaData secrets are strings)',
        'console=ttyS0  rd.neednet=1',
        null,
        ['console=ttyS0', 'rd.neednet=1'],
      ],
      ['a quoted value with a space', ['acpi_osi="!Windows 2012"'], null, ['acpi_osi="!Windows 2012"']],
      ['IP options from the config, after meta_data', ['a=1'], 'ip=dhcp6', ['a=1', 'ip=dhcp6']],
    ];
    for (const [name, kargs, ipOptions, expected] of table) {
      it(`accepts ${name}`, () => {
        const settings = resolve({
          metaData: { coreos_append_karg: kargs },
          config: { ...config, coreosIpOptions: ipOptions },
        });

        expect(settings.appendKargs).to.deep.equal(expected);
      });
    }

    const bad: [string, unknown, string][] = [
      ['two kargs in one entry', ['a=1 b=2'], 'not exactly one kernel argument'],
      ['an option-like entry', ['--foo'], 'starting with "-"'],
      ['a newline', ['a=1\nb'], 'control character'],
      ['a number', [5], 'non-empty strings'],
      ['an object', { a: 1 }, 'must be a list'],
      ['an unbalanced quote', 'a="b', 'unbalanced double quote'],
    ];
    for (const [name, kargs, message] of bad) {
      it(`refuses ${name}`, () => {
        expect(() => resolve({ metaData: { coreos_append_karg: kargs } })).to.throw(DeploymentError, message);
      });
    }

    it('splits a kernel command line like the kernel (quotes group)', () => {
      expect(splitKernelArgs(' a  b="c d" e ')).to.deep.equal(['a', 'b="c d"', 'e']);
      expect(splitKernelArgs('a="b')).to.equal(null);
    });
  });

  describe('copy network', () => {
    const table: [unknown, boolean, boolean][] = [
      [undefined, false, false],
      [undefined, true, true],
      [true, false, true],
      [false, true, false],
      ['false', true, false],
      ['True', false, true],
      [1, false, true],
    ];
    for (const [value, fallback, expected] of table) {
      it(`meta_data ${JSON.stringify(value)} with config ${fallback} → ${expected}`, () => {
        const metaData = value === undefined ? {} : { coreos_copy_network: value };

        expect(resolve({ metaData, config: { ...config, coreosCopyNetwork: fallback } }).copyNetwork).to.equal(
          expected,
        );
      });
    }

    it('refuses a value that is not a boolean', () => {
      expect(() => resolve({ metaData: { coreos_copy_network: 'maybe' } })).to.throw(
        DeploymentError,
        'coreos_copy_network must be true or false',
      );
    });
  });

  describe('image_source', () => {
    it('passes an http(s) URL and the unsigned-image policy', () => {
      const settings = resolve({
        instanceInfo: { image_source: 'https://images/fcos.raw.xz' },
        config: { ...config, coreosAllowUnsignedImage: false },
      });

      expect(settings).to.include({ imageUrl: 'https://images/fcos.raw.xz', allowUnsignedImage: false });
    });

    for (const value of [
      '0b9f7c9a-7f0e-4a47-9c51-2e6d5b1d1d1d',
      'file:///images/fcos.raw',
      'ftp://user:s3cret@h/fcos.raw',
      'https://h/a b',
      42,
    ]) {
      it(`refuses ${JSON.stringify(value)} without echoing it`, () => {
        let message = '';
        try {
          resolve({ instanceInfo: { image_source: value } });
        } catch (error) {
          expect(error).to.be.instanceOf(DeploymentError);
          message = (error as Error).message;
        }

        expect(message).to.contain('must be the http(s) URL of a CoreOS metal image');
        expect(message).not.to.contain('s3cret');
        expect(message).not.to.contain('0b9f7c9a');
      });
    }
  });

  describe('step arguments', () => {
    it('resolves consoles, platform and partition filters', () => {
      const settings = resolve({
        args: {
          console: ['tty0', 'ttyS1,115200n8'],
          platform: 'qemu',
          save_partlabel: 'data*,swap',
          save_partindex: [5, '7-', '-2'],
          delete_karg: 'quiet rhgb',
        },
      });

      expect(settings).to.deep.include({
        consoles: ['tty0', 'ttyS1,115200n8'],
        platform: 'qemu',
        savePartlabels: ['data*', 'swap'],
        savePartindexes: ['5', '7-', '-2'],
        deleteKargs: ['quiet', 'rhgb'],
      });
    });

    const bad: [string, Record<string, unknown>, string][] = [
      ['an undeclared argument', { image: 'x' }, 'does not accept argument(s) image'],
      ['console= prefix', { console: 'console=ttyS0' }, 'not a console coreos-installer supports'],
      ['a /dev console', { console: '/dev/ttyS0' }, 'not a console coreos-installer supports'],
      ['a console with trailing space', { console: 'ttyS0 ' }, 'without leading/trailing spaces'],
      ['a platform with spaces', { platform: 'my cloud' }, 'platform ID'],
      ['an option-like partlabel', { save_partlabel: '--all' }, 'starts with "-"'],
      ['an unclosed glob bracket', { save_partlabel: 'data[' }, 'not a valid glob'],
      ['partition index 0', { save_partindex: '0' }, 'numbers start at 1'],
      ['a reversed range', { save_partindex: '9-7' }, 'not a partition number or range'],
      ['an open range', { save_partindex: '-' }, 'not a partition number or range'],
    ];
    for (const [name, args, message] of bad) {
      it(`refuses ${name}`, () => expect(() => resolve({ args })).to.throw(DeploymentError, message));
    }
  });
});
