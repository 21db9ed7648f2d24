import { expect } from 'chai';
import { type OptionSpec } from '../../../common/agent-config/option-spec.js';
import { findOption } from '../../../common/agent-config/options.js';
import { InvalidValueError, convertValue } from '../../../common/agent-config/values.js';

function spec(name: string): OptionSpec {
  const found = findOption(name);
  if (found === undefined) throw new Error(`no option ${name}`);
  return found;
}

describe('common/agent-config/values', () => {
  /** [option, raw, expected typed value] */
  const good: Array<[string, string, unknown]> = [
    ['listen_port', '9998', 9998],
    ['listen_port', ' 1 ', 1],
    ['listen_port', '65535', 65535],
    ['lookup_timeout', '0', 0],
    ['lldp_timeout', '2.5', 2.5],
    ['lldp_timeout', '30', 30],
    ['debug', 'TRUE', true],
    ['debug', 'yes', true],
    ['debug', '1', true],
    ['debug', 'On', true],
    ['debug', 'false', false],
    ['debug', 'NO', false],
    ['debug', '0', false],
    ['debug', 'off', false],
    ['tls_certificate_curve', 'P521', 'p521'],
    ['tls_min_version', '1.3', '1.3'],
    ['advertise_protocol', 'https', 'https'],
    ['inspection_collectors', 'default, logs,,extra-hardware', ['default', 'logs', 'extra-hardware']],
    ['inspection_collectors', '', []],
    ['device_allowlist', '/dev/sd*,/dev/disk/by-path/pci-*', ['/dev/sd*', '/dev/disk/by-path/pci-*']],
    ['api_url', 'http://192.0.2.1:6385, https://[fd00::1]:6385', ['http://192.0.2.1:6385', 'https://[fd00::1]:6385']],
    ['api_url', '', []],
    [
      'inspection_callback_url',
      'http://a:5050/v1/continue,http://b:5050/v1/continue',
      'http://a:5050/v1/continue,http://b:5050/v1/continue',
    ],
    ['inspection_callback_url', '', null],
    ['advertise_host', '', null],
    ['agent_token', 'abc', 'abc'],
    ['enable_vlan_interfaces', '', ''],
    ['enable_vlan_interfaces', 'eth0.100,all', 'eth0.100,all'],
    ['root_mount', '/host', '/host'],
    ['cafile', '/etc/pki/ca.pem', '/etc/pki/ca.pem'],
    ['global_request_id', 'req-6f1a4c2e-8a8e-4f0c-9d55-3c2b1a0f9e7d', 'req-6f1a4c2e-8a8e-4f0c-9d55-3c2b1a0f9e7d'],
    ['ironic_api_version', '1.68', '1.68'],
    ['bootif', '01-52-54-00-12-34-56', '01-52-54-00-12-34-56'],
    ['coreos_ip_options', 'ip=dhcp6', 'ip=dhcp6'],
  ];
  for (const [name, raw, expected] of good) {
    it(`${name} = ${JSON.stringify(raw)} → ${JSON.stringify(expected)}`, () => {
      expect(convertValue(spec(name), raw)).to.deep.equal(expected);
    });
  }

  /** [option, raw, what the error says is expected] */
  const bad: Array<[string, string, string]> = [
    ['listen_port', 'abc', 'expected an integer 1-65535'],
    ['listen_port', '0', 'expected an integer 1-65535'],
    ['listen_port', '65536', 'expected an integer 1-65535'],
    ['listen_port', '99.5', 'expected an integer 1-65535'],
    ['listen_port', '', 'expected an integer 1-65535'],
    ['ip_lookup_attempts', '0', 'expected an integer >= 1'],
    ['lookup_timeout', '-1', 'expected an integer >= 0'],
    ['http_request_timeout', '1e3', 'expected an integer >= 1'],
    ['lookup_interval', '99999999999999999999', 'expected an integer >= 0'],
    ['lldp_timeout', 'soon', 'expected a number >= 0'],
    ['lldp_timeout', '-0.5', 'expected a number >= 0'],
    ['debug', 'maybe', 'expected a boolean (true/false, yes/no, 1/0, on/off)'],
    ['debug', '', 'expected a boolean (true/false, yes/no, 1/0, on/off)'],
    ['tls_certificate_curve', 'p192', 'expected one of: p256, p384, p521'],
    ['tls_min_version', '1.1', 'expected one of: 1.2, 1.3'],
    ['advertise_protocol', 'ftp', 'expected one of: http, https'],
    ['api_url', 'ironic.example.com:6385', 'expected comma-separated http:// or https:// URLs'],
    ['api_url', 'http://a:6385,ftp://b', 'expected comma-separated http:// or https:// URLs'],
    [
      'api_url',
      'mdns',
      'expected http:// or https:// URLs; mDNS discovery ("mdns") is not supported by this agent, so give the URL itself, e.g. http://192.0.2.1:6385',
    ],
    [
      'inspection_callback_url',
      'mdns',
      'expected http:// or https:// URLs; mDNS discovery ("mdns") is not supported by this agent, so give the URL itself, e.g. http://192.0.2.1:6385',
    ],
    [
      'device_allowlist',
      '/dev/sd*,sdb',
      'expected device path globs under /dev/, e.g. /dev/sd* or /dev/disk/by-path/*',
    ],
    ['root_mount', 'mnt/coreos', 'expected an absolute path'],
    ['root_mount', '', 'expected an absolute path'],
    ['cafile', 'ca.pem', 'expected an absolute path'],
    ['global_request_id', 'req-123', 'expected req-<UUID>'],
    ['ironic_api_version', 'latest', 'expected a version such as 1.68'],
    ['bootif', 'boot:if', 'expected a PXE hardware address such as 01-52-54-00-12-34-56'],
    ['coreos_ip_options', 'ip=dhcp ip=dhcp6', 'expected one kernel argument without spaces, e.g. ip=dhcp6'],
  ];
  for (const [name, raw, message] of bad) {
    it(`${name} = ${JSON.stringify(raw)} is rejected: ${message}`, () => {
      expect(() => convertValue(spec(name), raw))
        .to.throw(InvalidValueError)
        .with.property('message', message);
    });
  }
});
