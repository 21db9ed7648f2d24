import { expect } from 'chai';
import { HintError } from '../../../../agent/hardware/root-device-hints/hint-error.js';
import { IRONIC_REJECTED_HINTS, pyQuote, VALID_HINTS } from '../../../../agent/hardware/root-device-hints/grammar.js';
import { isEmptyHints, parseRootDeviceHints } from '../../../../agent/hardware/root-device-hints/parse.js';

const VALID_LIST =
  'size, model, wwn, serial, vendor, wwn_with_extension, wwn_vendor_extension, name, rotational, hctl, by_path, tran';

describe('root-device-hints/parse', () => {
  describe('normalisation of valid hints (IPA parsed form)', () => {
    const table: Array<[string, Record<string, unknown>, Record<string, string | boolean>]> = [
      ['size as a JSON number gets "=="', { size: 8 }, { size: '== 8' }],
      ['size as a string gets "=="', { size: '8' }, { size: '== 8' }],
      ['size operator with outer whitespace', { size: ' >= 10 ' }, { size: '>= 10' }],
      ['size operator without a space', { size: '>=10' }, { size: '>= 10' }],
      ['size legacy "=" kept (means >=)', { size: '= 500' }, { size: '= 500' }],
      ['size "!="', { size: '!= 5' }, { size: '!= 5' }],
      ['size ">"', { size: '> 5' }, { size: '> 5' }],
      ['size "<"', { size: '< 5' }, { size: '< 5' }],
      ['size "<="', { size: '<= 5' }, { size: '<= 5' }],
      ['size "=="', { size: '== 5' }, { size: '== 5' }],
      ['size <range-in> exclusive', { size: '<range-in> ( 400 600 )' }, { size: '<range-in> ( 400 600 )' }],
      [
        'size <range-in> inclusive, upper-case operator',
        { size: '<RANGE-IN> [ 10 20 ]' },
        { size: '<range-in> [ 10 20 ]' },
      ],
      [
        'size <range-in> mixed brackets and a float bound',
        { size: '<range-in> [ 10.5 20 )' },
        { size: '<range-in> [ 10.5 20 )' },
      ],
      [
        'string without operator gets "s==", lower-cased and quoted',
        { model: 'Samsung SSD' },
        { model: 's== samsung%20ssd' },
      ],
      ['string outer whitespace trimmed', { model: '  QEMU HARDDISK  ' }, { model: 's== qemu%20harddisk' }],
      ['"<in>"', { model: '<in> Samsung' }, { model: '<in> samsung' }],
      ['"<or>" alternatives each quoted', { vendor: '<or> Dell Inc <or> HP' }, { vendor: '<or> dell%20inc <or> hp' }],
      ['"<or>" without spaces', { vendor: '<or>qemu<or>ata' }, { vendor: '<or> qemu <or> ata' }],
      ['"<all-in>" items', { model: '<all-in> Samsung EVO' }, { model: '<all-in> samsung evo' }],
      ['"s==" without a space', { serial: 's==ABC' }, { serial: 's== abc' }],
      ['"s!="', { serial: 's!= ABC' }, { serial: 's!= abc' }],
      ['"s>="', { serial: 's>= b' }, { serial: 's>= b' }],
      ['"s>"', { serial: 's> b' }, { serial: 's> b' }],
      ['"s<="', { serial: 's<= b' }, { serial: 's<= b' }],
      ['"s<"', { serial: 's< b' }, { serial: 's< b' }],
      [
        'by_path keeps "/" and quotes ":"',
        { by_path: '/dev/disk/by-path/pci-0000:00:1f.2-ata-1' },
        { by_path: 's== /dev/disk/by-path/pci-0000%3A00%3A1f.2-ata-1' },
      ],
      ['hctl quoted', { hctl: '1:0:0:0' }, { hctl: 's== 1%3A0%3A0%3A0' }],
      ['name kept literally', { name: '/dev/sda' }, { name: 's== /dev/sda' }],
      ['wwn lower-cased', { wwn: '0x5000C500A1B2C3D4' }, { wwn: 's== 0x5000c500a1b2c3d4' }],
      [
        'wwn_with_extension',
        { wwn_with_extension: '0x5000c500a1b2c3d4_0x1' },
        { wwn_with_extension: 's== 0x5000c500a1b2c3d4_0x1' },
      ],
      ['wwn_vendor_extension', { wwn_vendor_extension: '0x1' }, { wwn_vendor_extension: 's== 0x1' }],
      ['tran (IPA only)', { tran: 'NVMe' }, { tran: 's== nvme' }],
      ['non-ASCII quoted as UTF-8', { model: 'Ünï' }, { model: 's== %C3%BCn%C3%AF' }],
      ['reserved characters quoted', { serial: 'a&b=c?d' }, { serial: 's== a%26b%3Dc%3Fd' }],
      ['rotational true', { rotational: true }, { rotational: true }],
      ['rotational false', { rotational: false }, { rotational: false }],
      ['rotational "true"', { rotational: 'true' }, { rotational: true }],
      ['rotational " On "', { rotational: ' On ' }, { rotational: true }],
      ['rotational "yes"', { rotational: 'yes' }, { rotational: true }],
      ['rotational "t"', { rotational: 't' }, { rotational: true }],
      ['rotational "y"', { rotational: 'y' }, { rotational: true }],
      ['rotational "0"', { rotational: '0' }, { rotational: false }],
      ['rotational "off"', { rotational: 'off' }, { rotational: false }],
      ['rotational "No"', { rotational: 'No' }, { rotational: false }],
      ['rotational "f"', { rotational: 'f' }, { rotational: false }],
      ['rotational 1', { rotational: 1 }, { rotational: true }],
      ['rotational 0', { rotational: 0 }, { rotational: false }],
      [
        'several hints keep their order',
        { rotational: 'false', size: '>= 60', model: 'x' },
        { rotational: false, size: '>= 60', model: 's== x' },
      ],
    ];
    for (const [what, input, expected] of table) {
      it(what, () => {
        const parsed = parseRootDeviceHints(input);

        expect(parsed?.normalized).to.deep.equal(expected);
        expect(Object.keys(parsed?.normalized ?? {})).to.deep.equal(Object.keys(expected));
      });
    }
  });

  describe('typed output', () => {
    it('gives <range-in> bounds and inclusivity', () => {
      const parsed = parseRootDeviceHints({ size: '<range-in> [ 10.5 20 )' });

      expect(parsed?.hints[0]).to.deep.include({
        kind: 'size-range',
        lower: 10.5,
        upper: 20,
        lowerInclusive: true,
        upperInclusive: false,
      });
    });

    it('splits <or> alternatives and <all-in> items into values', () => {
      const parsed = parseRootDeviceHints({ vendor: '<or> a b <or> c', model: '<all-in> x  y' });

      expect(parsed?.hints.map((h) => (h.kind === 'string' ? h.values : null))).to.deep.equal([
        ['a%20b', 'c'],
        ['x', 'y'],
      ]);
    });

    it('keeps the raw hints', () => {
      expect(parseRootDeviceHints({ size: 8 })?.raw).to.deep.equal({ size: 8 });
    });
  });

  describe('no hints', () => {
    for (const value of [null, undefined, {}, '', []]) {
      it(`${JSON.stringify(value) ?? 'undefined'} means no hints`, () => {
        expect(isEmptyHints(value)).to.equal(true);
        expect(parseRootDeviceHints(value)).to.equal(null);
      });
    }
  });

  describe('invalid hints throw HintError with a specific message', () => {
    const table: Array<[string, unknown, RegExp | string]> = [
      [
        'unknown name lists every valid hint',
        { foo: 1 },
        `The hints "foo" are invalid. Valid hints are: "${VALID_LIST}"`,
      ],
      ['several unknown names', { foo: 1, size: 1, bar: 2 }, /^The hints "foo, bar" are invalid/],
      ['size 0', { size: 0 }, 'Root device hint "size" should be a positive integer. Current value: 0'],
      ['negative size', { size: '-1' }, /"size" should be a positive integer/],
      ['size with an operator and 0', { size: '>= 0' }, /"size" should be a positive integer/],
      ['size not a number', { size: 'abc' }, 'Root device hint "size" is not an integer value. Current value: abc'],
      ['size with units', { size: '8 GiB' }, /"size" is not an integer value/],
      ['fractional size', { size: 8.5 }, /"size" is not an integer value/],
      ['boolean size', { size: true }, /"size" is not an integer value/],
      [
        'range without spaces (Ironic rejects it too)',
        { size: '<range-in> (400 600)' },
        /malformed range; write "<range-in> \( low high \)"/,
      ],
      ['range with wrong brackets', { size: '<range-in> { 1 2 }' }, /malformed range/],
      ['range with extra tokens', { size: '<range-in> ( 1 2 ) 3' }, /malformed range/],
      ['range bounds not numbers', { size: '<range-in> ( a 2 )' }, /range bounds must be numbers/],
      ['range bounds reversed', { size: '<range-in> ( 600 400 )' }, /lower bound must not exceed the upper bound/],
      ['text operator on size', { size: 's== 8' }, /"size" compares sizes in GiB, but "s==" is a text operator/],
      ['<or> on size', { size: '<or> 8 <or> 16' }, /"<or>" is a text operator/],
      ['operator without a value', { size: '>=' }, /"size" has the operator ">=" but no value/],
      ['blank size', { size: '  ' }, 'Root device hint "size" expression is empty'],
      ['text hint given a number', { model: 5 }, 'Root device hint "model" is not a string value. Hint expression: 5'],
      ['text hint given null', { serial: null }, /"serial" is not a string value/],
      ['empty text hint', { model: '' }, 'Root device hint "model" expression is empty'],
      ['numeric operator on a text hint', { model: '== 5' }, /"model" uses the numeric operator "==".*e\.g\. "s== 5"/],
      ['"<" on a text hint', { model: '<unknown>' }, /numeric operator "<"/],
      ['<range-in> on a text hint', { model: '<range-in> ( 1 2 )' }, /only works for "size"/],
      ['string operator without a value', { model: '<in>' }, /"model" has the operator "<in>" but no value/],
      ['empty <or> alternative', { vendor: '<or> a <or>  <or> b' }, /empty alternative/],
      [
        'rotational not a boolean',
        { rotational: 'maybe' },
        'Root device hint "rotational" is not a Boolean value. Current value: maybe',
      ],
      ['rotational 2', { rotational: 2 }, /"rotational" is not a Boolean value/],
      ['rotational null', { rotational: null }, /"rotational" is not a Boolean value/],
      ['hints as a string', 'sda', /must be a JSON object mapping hint names to values/],
      ['hints as a list', [{ size: 8 }], /must be a JSON object/],
    ];
    for (const [what, input, message] of table) {
      it(what, () => {
        const call = (): unknown => parseRootDeviceHints(input);

        expect(call).to.throw(HintError);
        if (typeof message === 'string') expect(call).to.throw(message);
        else expect(call).to.throw(message);
      });
    }
  });

  describe('documented divergences', () => {
    it('accepts "tran" like IPA, and records that Ironic validation rejects it', () => {
      expect(parseRootDeviceHints({ tran: 'sas' })?.normalized).to.deep.equal({ tran: 's== sas' });
      expect(VALID_HINTS).to.include('tran');
      expect(IRONIC_REJECTED_HINTS).to.deep.equal(['tran']);
    });

    it('accepts size <range-in> like Ironic (IPA HEAD says "is not an integer value")', () => {
      expect(() => parseRootDeviceHints({ size: '<range-in> ( 400 600 )' })).not.to.throw();
    });
  });

  describe('pyQuote (urllib.parse.quote)', () => {
    const table: Array<[string, string]> = [
      ['abc-XYZ_0.9~', 'abc-XYZ_0.9~'],
      ['a b', 'a%20b'],
      ['/dev/disk/by-path/x:y', '/dev/disk/by-path/x%3Ay'],
      ["!*'()", '%21%2A%27%28%29'],
      ['%', '%25'],
      ['é', '%C3%A9'],
    ];
    for (const [input, expected] of table) {
      it(`${JSON.stringify(input)} → ${expected}`, () => {
        expect(pyQuote(input)).to.equal(expected);
      });
    }
  });
});
