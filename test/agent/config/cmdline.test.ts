import { expect } from 'chai';
import { bootifToMac, mapKernelParams, parseCmdline, type KernelParam } from '../../../agent/config/cmdline.js';

describe('config/cmdline', () => {
  describe('parseCmdline', () => {
    const table: Array<[string, string, KernelParam[]]> = [
      [
        'key=value pairs and flags',
        'BOOT_IMAGE=/vmlinuz ro quiet ipa-debug=1\n',
        [
          { key: 'BOOT_IMAGE', value: '/vmlinuz' },
          { key: 'ro', value: null },
          { key: 'quiet', value: null },
          { key: 'ipa-debug', value: '1' },
        ],
      ],
      [
        'a quoted value with spaces',
        'a="x y" b=1',
        [
          { key: 'a', value: 'x y' },
          { key: 'b', value: '1' },
        ],
      ],
      [
        'a fully quoted parameter',
        '"ipa-api-url=http://h:6385" z',
        [
          { key: 'ipa-api-url', value: 'http://h:6385' },
          { key: 'z', value: null },
        ],
      ],
      [
        'the value keeps everything after the first =',
        'ip=::::eth0:dhcp coreos.inst=a=b',
        [
          { key: 'ip', value: '::::eth0:dhcp' },
          { key: 'coreos.inst', value: 'a=b' },
        ],
      ],
      [
        'an empty value',
        'x= y',
        [
          { key: 'x', value: '' },
          { key: 'y', value: null },
        ],
      ],
      [
        'tabs and repeated whitespace',
        '  a=1\t\tb=2  ',
        [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      ],
      ['inner quotes stay (kernel only strips the outer ones)', 'a=x"y z"w', [{ key: 'a', value: 'x"y z"w' }]],
      ['an empty line', '\n', []],
    ];
    for (const [name, text, expected] of table) {
      it(`parses ${name}`, () => {
        expect(parseCmdline(text)).to.deep.equal(expected);
      });
    }
  });

  describe('mapKernelParams', () => {
    const table: Array<[string, string, string]> = [
      ['ipa-api-url', 'http://a:6385,http://b:6385', 'api_url'],
      ['ipa-ip-lookup-timeout', '5', 'ip_lookup_sleep'],
      ['ipa-ip-lookup-attempts', '3', 'ip_lookup_attempts'],
      ['ipa-debug', '1', 'debug'],
      ['ipa-insecure', '1', 'insecure'],
      ['ipa-listen-port', '9998', 'listen_port'],
      ['ipa-advertise-host', '192.0.2.5', 'advertise_host'],
      ['ipa-inspection-callback-url', 'http://a:5050/v1/continue', 'inspection_callback_url'],
      ['ipa-inspection-collectors', 'default', 'inspection_collectors'],
      ['ipa-tls-certificate-curve', 'p256', 'tls_certificate_curve'],
      ['ipa-guard-special-filesystems', 'false', 'guard_special_filesystems'],
      ['ipa-agent-token', 'x', 'agent_token'],
      ['BOOTIF', '01-52-54-00-12-34-56', 'bootif'],
    ];
    for (const [param, value, option] of table) {
      it(`maps ${param} to ${option}`, () => {
        const mapping = mapKernelParams([{ key: param, value }]);

        expect(mapping.values.map((v) => [v.spec.name, v.param, v.raw])).to.deep.equal([[option, param, value]]);
      });
    }

    it('lets the last duplicate win and skips non-ipa parameters', () => {
      const mapping = mapKernelParams(parseCmdline('root=/dev/sda ipa-listen-port=1 console=ttyS0 ipa-listen-port=2'));

      expect(mapping.values.map((v) => v.raw)).to.deep.equal(['2']);
      expect(mapping.unknown).to.deep.equal([]);
    });

    it('treats a bare boolean flag as true and reports bare non-boolean ones', () => {
      const mapping = mapKernelParams(parseCmdline('ipa-insecure ipa-listen-port'));

      expect(mapping.values.map((v) => [v.spec.name, v.raw])).to.deep.equal([['insecure', 'true']]);
      expect(mapping.missingValue).to.deep.equal(['ipa-listen-port']);
    });

    it('separates unknown ipa-* parameters from known IPA ones without effect', () => {
      const mapping = mapKernelParams(parseCmdline('ipa-ntp-server=pool ipa-frobnicate=1 ipa-use-mdns=1'));

      expect(mapping.unknown).to.deep.equal(['ipa-frobnicate']);
      expect(mapping.ignored).to.deep.equal(['ipa-ntp-server', 'ipa-use-mdns']);
      expect(mapping.values).to.deep.equal([]);
    });
  });

  describe('bootifToMac', () => {
    const table: Array<[string, string | null]> = [
      ['01-52-54-00-12-34-56', '52:54:00:12:34:56'],
      ['01-AA-BB-CC-DD-EE-FF', 'aa:bb:cc:dd:ee:ff'],
      ['52:54:00:12:34:56', '52:54:00:12:34:56'],
      ['20-00-01-02-03-04-05-06-07-08-09-0a-0b-0c-0d-0e-0f-10-11-12-13', null],
      ['boot:if', null],
    ];
    for (const [bootif, mac] of table) {
      it(`${bootif} → ${String(mac)}`, () => {
        expect(bootifToMac(bootif)).to.equal(mac);
      });
    }
  });
});
