import { expect } from 'chai';
import { defaultConfig } from '../../../agent/config/load.js';
import { IGNORED_IPA_OPTIONS, OPTIONS, findOption, flagName } from '../../../common/agent-config/options.js';
import { convertValue } from '../../../common/agent-config/values.js';

/** Every AgentConfig field, typed so that adding a field without an option fails to compile here. */
const FIELDS = Object.keys({
  apiUrls: 0,
  inspectionCallbackUrl: 0,
  inspectionCollectors: 0,
  inspectionDhcpWaitTimeout: 0,
  inspectionDhcpAllInterfaces: 0,
  insecure: 0,
  cafile: 0,
  certfile: 0,
  keyfile: 0,
  listenHost: 0,
  listenPort: 0,
  advertiseHost: 0,
  advertisePort: 0,
  advertiseProtocol: 0,
  lookupTimeout: 0,
  lookupInterval: 0,
  ipLookupAttempts: 0,
  ipLookupSleep: 0,
  networkInterface: 0,
  agentToken: 0,
  standalone: 0,
  globalRequestId: 0,
  ironicApiVersion: 0,
  httpRequestTimeout: 0,
  enableAutoTls: 0,
  listenTls: 0,
  tlsCertFile: 0,
  tlsKeyFile: 0,
  tlsCertificateCurve: 0,
  autoTlsAllowedClockSkew: 0,
  tlsMinVersion: 0,
  tlsCipherSuites: 0,
  debug: 0,
  logJson: 0,
  hardwareInitializationDelay: 0,
  diskWaitAttempts: 0,
  diskWaitDelay: 0,
  collectLldp: 0,
  lldpTimeout: 0,
  enableVlanInterfaces: 0,
  guardSpecialFilesystems: 0,
  bootif: 0,
  rootMount: 0,
  deviceAllowlist: 0,
  stateDir: 0,
  strictRootDeviceHints: 0,
  coreosCopyNetwork: 0,
  coreosIpOptions: 0,
  coreosAllowUnsignedImage: 0,
  configDirs: 0,
  cmdlinePath: 0,
} satisfies Record<Exclude<keyof ReturnType<typeof defaultConfig>, 'sources'>, 0>);

describe('common/agent-config/options', () => {
  it('has exactly one option per AgentConfig field', () => {
    expect(OPTIONS.map((o) => o.field).sort()).to.deep.equal([...FIELDS].sort());
  });

  it('has unique names, flags and kernel parameters', () => {
    const kernels = OPTIONS.flatMap((o) => (o.kernel === undefined ? [] : [o.kernel]));

    expect(new Set(OPTIONS.map((o) => o.name)).size).to.equal(OPTIONS.length);
    expect(new Set(OPTIONS.map(flagName)).size).to.equal(OPTIONS.length);
    expect(new Set(kernels).size).to.equal(kernels.length);
  });

  it('derives flags from the IPA name', () => {
    expect(
      ['api_url', 'listen_port', 'root_mount', 'config_dir', 'cmdline_path', 'use_json'].map((n) =>
        flagName(findOption(n)!),
      ),
    ).to.deep.equal(['--api-url', '--listen-port', '--root-mount', '--config-dir', '--cmdline-path', '--use-json']);
  });

  it('names kernel parameters ipa-<option> except the documented exceptions', () => {
    const exceptions = OPTIONS.filter(
      (o) => o.kernel !== undefined && o.kernel !== `ipa-${o.name.replace(/_/g, '-')}`,
    ).map((o) => `${o.kernel}→${o.name}`);

    expect(exceptions).to.deep.equal(['ipa-ip-lookup-timeout→ip_lookup_sleep', 'BOOTIF→bootif']);
  });

  it('has IPA defaults and ours', () => {
    const config = defaultConfig();

    expect(config).to.deep.include({
      apiUrls: [],
      listenHost: '::',
      listenPort: 9999,
      advertisePort: 9999,
      advertiseProtocol: 'http',
      lookupTimeout: 600,
      lookupInterval: 1,
      ipLookupAttempts: 6,
      ipLookupSleep: 10,
      httpRequestTimeout: 30,
      enableAutoTls: true,
      tlsCertificateCurve: 'p384',
      autoTlsAllowedClockSkew: 3600,
      tlsMinVersion: '1.2',
      inspectionCollectors: ['default', 'logs'],
      inspectionDhcpWaitTimeout: 60,
      diskWaitAttempts: 10,
      diskWaitDelay: 3,
      guardSpecialFilesystems: true,
      lldpTimeout: 30,
      rootMount: '/mnt/coreos',
      deviceAllowlist: ['/dev/*'],
      stateDir: '/run/ironic-coreos-agent',
      configDirs: ['/etc/ironic-python-agent', '/etc/ironic-python-agent.d'],
      cmdlinePath: '/proc/cmdline',
      coreosAllowUnsignedImage: true,
      sources: {},
    });
  });

  it('gives each call its own copy of list defaults', () => {
    const a = defaultConfig();
    a.deviceAllowlist.push('/dev/vdb');

    expect(defaultConfig().deviceAllowlist).to.deep.equal(['/dev/*']);
  });

  it('accepts every non-null default as a valid value of its own type', () => {
    for (const spec of OPTIONS) {
      const value: unknown = spec.default;
      if (value === null) continue;
      const raw = Array.isArray(value) ? value.join(',') : String(value);

      expect(convertValue(spec, raw), spec.name).to.deep.equal(value);
    }
  });

  it('does not list a real option as ignored', () => {
    expect(IGNORED_IPA_OPTIONS.filter((n) => findOption(n) !== undefined)).to.deep.equal([]);
  });

  it('finds oslo.log use_json, and log_json (our name before) as its alias', () => {
    expect([findOption('use_json')?.field, findOption('use-json')?.field, findOption('log_json')?.field]).to.deep.equal(
      ['logJson', 'logJson', 'logJson'],
    );
  });

  it("has no alias that is another option's name or an ignored IPA option", () => {
    const aliases = OPTIONS.flatMap((o) => o.aliases ?? []);

    expect(aliases.filter((a) => OPTIONS.some((o) => o.name === a) || IGNORED_IPA_OPTIONS.includes(a))).to.deep.equal(
      [],
    );
  });

  it('finds options whatever the dash/underscore spelling (oslo guard-special-filesystems)', () => {
    expect(findOption('guard-special-filesystems')?.field).to.equal('guardSpecialFilesystems');
  });
});
