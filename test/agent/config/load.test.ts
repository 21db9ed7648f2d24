import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../agent/config/load.js';
import type { ConfigFs, ConfigNotice } from '../../../agent/config/sources.js';
import { ConfigError } from '../../../common/errors.js';
import { notFoundError } from '../../../common/fs/fs.js';
import { NodeFs } from '../../../common/fs/node-fs.js';
import { UsageError } from '../../../common/cli/types.js';

describe('config/load', () => {
  let root: string;
  let confDir: string;
  let cmdline: string;
  let notices: ConfigNotice[];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cfg-load-'));
    confDir = join(root, 'etc');
    mkdirSync(confDir);
    cmdline = join(root, 'cmdline');
    writeFileSync(cmdline, 'BOOT_IMAGE=/vmlinuz root=live:x quiet\n');
    notices = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function conf(name: string, text: string): string {
    const file = join(confDir, name);
    writeFileSync(file, text);
    return file;
  }

  async function load(
    flags: string[] = [],
    env: Record<string, string> = {},
  ): Promise<Awaited<ReturnType<typeof loadConfig>>> {
    return loadConfig({
      argv: ['--config-dir', confDir, '--cmdline-path', cmdline, ...flags],
      fs: new NodeFs(),
      env,
      onNotice: (n) => notices.push(n),
    });
  }

  async function loadError(flags: string[] = [], env: Record<string, string> = {}): Promise<Error> {
    try {
      await load(flags, env);
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected loadConfig to fail');
  }

  describe('precedence', () => {
    beforeEach(() => {
      conf('10-b.conf', '[DEFAULT]\nlisten_port = 2000\nlookup_timeout = 20\n');
      conf(
        '00-a.conf',
        '[DEFAULT]\nlisten_port = 1000\ndebug = True\nlookup_timeout = 10\nlookup_interval = 7\napi_url = http://a:6385\n',
      );
      writeFileSync(cmdline, 'quiet ipa-listen-port=3000 ipa-api-url=http://c:6385 BOOTIF=01-52-54-00-12-34-56\n');
    });

    it('applies the kernel command line, then conf files in name order, then flags (IPA: kernel params are defaults)', async () => {
      const config = await load(['--listen-port', '4000']);

      expect(config.listenPort).to.equal(4000);
      expect(config.lookupTimeout).to.equal(20);
      expect(config.lookupInterval).to.equal(7);
      expect(config.apiUrls).to.deep.equal(['http://a:6385']);
      expect(config.debug).to.equal(true);
      expect(config.bootif).to.equal('01-52-54-00-12-34-56');
      expect(config.sources).to.deep.equal({
        config_dir: '--config-dir',
        cmdline_path: '--cmdline-path',
        listen_port: '--listen-port',
        lookup_timeout: `${join(confDir, '10-b.conf')} line 3`,
        lookup_interval: `${join(confDir, '00-a.conf')} line 5`,
        debug: `${join(confDir, '00-a.conf')} line 3`,
        api_url: `${join(confDir, '00-a.conf')} line 6`,
        bootif: `kernel parameter BOOTIF in ${cmdline}`,
      });
    });

    it('lets the conf files beat the kernel command line when no flag is given', async () => {
      const config = await load();

      expect(config.listenPort).to.equal(2000);
      expect(config.sources['listen_port']).to.equal(`${join(confDir, '10-b.conf')} line 2`);
    });

    it('uses a kernel parameter when no conf file sets the option', async () => {
      writeFileSync(cmdline, 'ipa-advertise-port=9443\n');

      const config = await load();

      expect(config.advertisePort).to.equal(9443);
      expect(config.sources['advertise_port']).to.equal(`kernel parameter ipa-advertise-port in ${cmdline}`);
    });

    it('sorts by name, not by number (oslo --config-dir)', async () => {
      conf('9-late.conf', '[DEFAULT]\nlookup_timeout = 99\n');

      const config = await load();

      expect(config.lookupTimeout).to.equal(99);
    });
  });

  describe('config dirs', () => {
    /** A ConfigFs over an in-memory tree: directory → file name → text. */
    function memoryFs(tree: Record<string, Record<string, string>>): ConfigFs {
      return {
        readdir: async (path) => {
          const dir = tree[path];
          if (dir === undefined) throw notFoundError(path);
          return Object.keys(dir);
        },
        readFile: async (path) => {
          const cut = path.lastIndexOf('/');
          const text = tree[path.slice(0, cut)]?.[path.slice(cut + 1)];
          if (text === undefined) throw notFoundError(path);
          return text;
        },
      };
    }

    it("reads /etc/ironic-python-agent, then IPA's /etc/ironic-python-agent.d, by default (the .d files win)", async () => {
      const fs = memoryFs({
        '/proc': { cmdline: 'quiet\n' },
        '/etc/ironic-python-agent': {
          'ignition.conf': '[DEFAULT]\napi_url = http://192.0.2.1:6385\ninsecure = true\n',
          'ironic.crt': 'not a conf',
        },
        '/etc/ironic-python-agent.d': {
          'ironic-tls.conf': '[DEFAULT]\ncafile = /etc/ironic-python-agent/ironic.crt\ninsecure = false\n',
        },
      });

      const config = await loadConfig({ argv: [], fs });

      expect(config.configDirs).to.deep.equal(['/etc/ironic-python-agent', '/etc/ironic-python-agent.d']);
      expect([config.apiUrls, config.cafile, config.insecure]).to.deep.equal([
        ['http://192.0.2.1:6385'],
        '/etc/ironic-python-agent/ironic.crt',
        false,
      ]);
      expect(config.sources['insecure']).to.equal('/etc/ironic-python-agent.d/ironic-tls.conf line 3');
    });

    it('reads only the .d directory when the other one is missing', async () => {
      const fs = memoryFs({
        '/proc': { cmdline: '' },
        '/etc/ironic-python-agent.d': { 'a.conf': '[DEFAULT]\nlisten_port = 7\n' },
      });

      expect((await loadConfig({ argv: [], fs })).listenPort).to.equal(7);
    });

    it('reads repeated --config-dir flags in the order given, instead of the defaults (oslo.config)', async () => {
      const second = join(root, 'second');
      mkdirSync(second);
      writeFileSync(join(second, '00-first-by-name.conf'), '[DEFAULT]\nlisten_port = 2\n');
      conf('99-last-by-name.conf', '[DEFAULT]\nlisten_port = 1\nlookup_timeout = 5\n');

      const config = await loadConfig({
        argv: ['--config-dir', confDir, '--config-dir', second, '--cmdline-path', cmdline],
        fs: new NodeFs(),
      });

      expect(config.configDirs).to.deep.equal([confDir, second]);
      expect([config.listenPort, config.lookupTimeout]).to.deep.equal([2, 5]);
    });

    it('names the flag of the directory that is not one', async () => {
      const file = conf('plain.conf', '[DEFAULT]\n');

      const error = await loadConfig({
        argv: ['--config-dir', confDir, '--config-dir', file, '--cmdline-path', cmdline],
        fs: new NodeFs(),
      }).catch((e: unknown) => e as Error);

      expect((error as Error).message).to.equal(
        `config_dir ${file} (from --config-dir) is not a directory: point --config-dir at a directory of *.conf files`,
      );
    });
  });

  it("takes oslo.log's use_json, and log_json as before, from files and flags", async () => {
    conf('a.conf', '[DEFAULT]\nuse_json = true\n');
    const fromFile = await load();
    rmSync(join(confDir, 'a.conf'));
    conf('b.conf', '[DEFAULT]\nlog_json = yes\n');
    const fromAlias = await load();
    const fromFlags = [await load(['--no-use-json']), await load(['--use-json']), await load(['--log-json'])];

    expect([fromFile.logJson, fromFile.sources['use_json'], fromAlias.logJson]).to.deep.equal([
      true,
      `${join(confDir, 'a.conf')} line 2`,
      true,
    ]);
    expect(fromFlags.map((c) => c.logJson)).to.deep.equal([false, true, true]);
    expect(
      notices.filter(
        (n) =>
          n.level === 'warn' && n.message !== 'No api_url configured: the agent will not look up its node or heartbeat',
      ),
    ).to.deep.equal([]);
  });

  it('reads values continued on indented lines, as oslo does', async () => {
    conf(
      'a.conf',
      '[DEFAULT]\napi_url = http://a:6385,\n    http://b:6385\ndevice_allowlist =\n    /dev/sda,\n    /dev/nvme*\n',
    );

    const config = await load();

    expect([config.apiUrls, config.deviceAllowlist]).to.deep.equal([
      ['http://a:6385', 'http://b:6385'],
      ['/dev/sda', '/dev/nvme*'],
    ]);
  });

  it('reads only *.conf files that are not hidden', async () => {
    conf('a.conf.bak', '[DEFAULT]\nlisten_port = 1\n');
    conf('.hidden.conf', '[DEFAULT]\nlisten_port = 2\n');
    conf('readme', 'not ini at all');

    const config = await load();

    expect(config.listenPort).to.equal(9999);
  });

  it('loads the upstream CoreOS image defaults without warnings', async () => {
    conf(
      '00-defaults.conf',
      '[DEFAULT]\ndebug = True\nlog_file = /var/log/ironic-python-agent.log\nuse_stderr = True\n' +
        'collect_lldp = True\ninspection_collectors = default,logs\ninspection_dhcp_all_interfaces = True\n',
    );
    conf(
      'ignition.conf',
      '[DEFAULT]\napi_url = http://192.0.2.1:6385\ninspection_callback_url = http://192.0.2.1:5050/v1/continue\n' +
        'insecure = True\nenable_vlan_interfaces = all\n',
    );

    const config = await load();

    expect(notices.filter((n) => n.level === 'warn')).to.deep.equal([]);
    expect(config).to.deep.include({
      debug: true,
      collectLldp: true,
      inspectionCollectors: ['default', 'logs'],
      inspectionDhcpAllInterfaces: true,
      apiUrls: ['http://192.0.2.1:6385'],
      inspectionCallbackUrl: 'http://192.0.2.1:5050/v1/continue',
      insecure: true,
      enableVlanInterfaces: 'all',
    });
  });

  it('is fine without a config dir or any option set, and warns that it will not heartbeat', async () => {
    rmSync(confDir, { recursive: true });

    const config = await load();

    expect(config.listenPort).to.equal(9999);
    expect(notices.map((n) => [n.level, n.message])).to.deep.equal([
      ['debug', 'Config directory not found; no config files read'],
      ['warn', 'No api_url configured: the agent will not look up its node or heartbeat'],
    ]);
  });

  it('warns about unknown keys and sections but keeps going', async () => {
    const file = conf(
      'a.conf',
      '[DEFAULT]\nlisten_prot = 1\nntp_server = pool\nconfig_dir = /x\n[mdns]\nuse_mdns = false\n[frob]\nx = 1\n' +
        '[ssl]\ncert_file = /etc/agent.crt\nca_file = /etc/ca.crt\n',
    );

    const config = await load(['--standalone']);

    expect(config.tlsCertFile).to.equal('/etc/agent.crt');
    expect(config.sources['tls_cert_file']).to.equal(`${file} line 10`);
    expect(notices.map((n) => [n.level, n.message, n.meta])).to.deep.equal([
      [
        'warn',
        'Unknown config option ignored',
        { option: 'listen_prot', section: 'DEFAULT', source: `${file} line 2` },
      ],
      ['debug', 'IPA option has no effect in this agent', { option: 'ntp_server', source: `${file} line 3` }],
      [
        'warn',
        'Option can only be given as a command-line flag; ignored in config file',
        { option: 'config_dir', source: `${file} line 4` },
      ],
      ['debug', 'Config section has no effect in this agent', { file, section: 'mdns' }],
      ['warn', 'Unknown config section ignored', { file, section: 'frob' }],
      ['debug', 'IPA option has no effect in this agent', { option: 'ca_file', source: `${file} line 11` }],
    ]);
  });

  it('warns about unknown ipa-* kernel parameters', async () => {
    writeFileSync(cmdline, 'ipa-api-url=http://a:6385 ipa-frobnicate=1 ipa-ntp-server=pool\n');

    await load();

    expect(notices.filter((n) => n.level === 'warn')).to.deep.equal([
      {
        level: 'warn',
        message: 'Unknown ipa-* kernel parameters ignored',
        meta: { params: ['ipa-frobnicate'], path: cmdline },
      },
    ]);
  });

  it('accumulates repeated list flags, replacing the list from files', async () => {
    conf('a.conf', '[DEFAULT]\ndevice_allowlist = /dev/vda\n');

    const config = await load(['--device-allowlist', '/dev/sd*', '--device-allowlist=/dev/nvme*,/dev/vdb']);

    expect(config.deviceAllowlist).to.deep.equal(['/dev/sd*', '/dev/nvme*', '/dev/vdb']);
  });

  it('reads the upstream CoreOS environment variables between files and the command line', async () => {
    conf('a.conf', '[DEFAULT]\ncoreos_copy_network = false\n');

    const fromEnv = await load([], { IPA_COREOS_COPY_NETWORK: 'true', IPA_COREOS_IP_OPTIONS: 'ip=dhcp6' });
    const fromFlag = await load(['--no-coreos-copy-network'], { IPA_COREOS_COPY_NETWORK: 'true' });
    const empty = await load([], { IPA_COREOS_IP_OPTIONS: '' });

    expect([fromEnv.coreosCopyNetwork, fromEnv.coreosIpOptions, fromEnv.sources['coreos_copy_network']]).to.deep.equal([
      true,
      'ip=dhcp6',
      'environment variable IPA_COREOS_COPY_NETWORK',
    ]);
    expect(fromFlag.coreosCopyNetwork).to.equal(false);
    expect(empty.coreosIpOptions).to.equal(null);
  });

  describe('errors name the option, the value and where it came from', () => {
    it('from a conf file line', async () => {
      const file = conf('10-x.conf', '[DEFAULT]\n# comment\nlisten_port = abc\n');

      const error = await loadError();

      expect(error).to.be.instanceOf(ConfigError);
      expect(error.message).to.equal(
        `invalid value "abc" for listen_port (from ${file} line 3): expected an integer 1-65535`,
      );
    });

    it('from the kernel command line', async () => {
      writeFileSync(cmdline, 'ipa-tls-certificate-curve=p192\n');

      expect((await loadError()).message).to.equal(
        `invalid value "p192" for tls_certificate_curve (from kernel parameter ipa-tls-certificate-curve in ${cmdline}): expected one of: p256, p384, p521`,
      );
    });

    it('from a flag', async () => {
      expect((await loadError(['--api-url=mdns'])).message).to.equal(
        'invalid value "mdns" for api_url (from --api-url): expected http:// or ' +
          'https:// URLs; mDNS discovery ("mdns") is not supported by this agent, so give the URL itself, e.g. http://192.0.2.1:6385',
      );
    });

    it('from the environment', async () => {
      expect((await loadError([], { IPA_COREOS_COPY_NETWORK: 'sure' })).message).to.equal(
        'invalid value "sure" for coreos_copy_network ' +
          '(from environment variable IPA_COREOS_COPY_NETWORK): expected a boolean (true/false, yes/no, 1/0, on/off)',
      );
    });

    it('even when a higher layer overrides the bad value', async () => {
      conf('a.conf', '[DEFAULT]\nlisten_port = 0\n');

      expect((await loadError(['--listen-port', '9998'])).message).to.match(
        /^invalid value "0" for listen_port \(from .*a\.conf line 2\)/,
      );
    });

    it('for a malformed conf file', async () => {
      const file = conf('a.conf', 'debug = true\n');

      expect((await loadError()).message).to.equal(
        `${file} line 1: assignment before any [section] header; add [DEFAULT] above it: "debug = true"`,
      );
    });

    it('for a bare non-boolean ipa-* kernel parameter', async () => {
      writeFileSync(cmdline, 'ipa-api-url\n');

      expect((await loadError()).message).to.equal(
        `kernel parameter ipa-api-url in ${cmdline} has no value: write ipa-api-url=<value> on the kernel command line`,
      );
    });

    it('for listen_tls without its files', async () => {
      const file = conf('a.conf', '[DEFAULT]\nlisten_tls = true\ntls_cert_file = /etc/agent.crt\n');

      expect((await loadError()).message).to.equal(
        `listen_tls is enabled (from ${file} line 2) but tls_key_file is not set: ` +
          'set both tls_cert_file and tls_key_file, or disable listen_tls',
      );
    });

    it('for half a client certificate', async () => {
      expect((await loadError(['--keyfile', '/etc/client.key'])).message).to.equal(
        'keyfile is set (from --keyfile) but certfile is not: a client certificate needs both certfile and keyfile',
      );
    });

    it('for a cipher list OpenSSL does not know', async () => {
      writeFileSync(cmdline, 'ipa-tls-cipher-suites=NOT-A-CIPHER\n');

      expect((await loadError()).message).to.equal(
        `invalid value "NOT-A-CIPHER" for tls_cipher_suites (from kernel parameter ipa-tls-cipher-suites in ${cmdline}): ` +
          'expected an OpenSSL cipher list such as ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384',
      );
    });

    it('for a config dir that is a file', async () => {
      const file = conf('plain.conf', '[DEFAULT]\n');

      const error = await loadConfig({
        argv: ['--config-dir', file, '--cmdline-path', cmdline],
        fs: new NodeFs(),
      }).catch((e: unknown) => e as Error);

      expect((error as Error).message).to.equal(
        `config_dir ${file} (from --config-dir) is not a directory: point --config-dir at a directory of *.conf files`,
      );
    });

    it('for an unreadable conf file', async () => {
      mkdirSync(join(confDir, 'dir.conf'));

      expect((await loadError()).message).to.equal(
        `cannot read config file ${join(confDir, 'dir.conf')} (EISDIR): fix its permissions or remove it`,
      );
    });

    it('for an explicit kernel command line that is missing', async () => {
      rmSync(cmdline);

      expect((await loadError()).message).to.equal(
        `cannot read the kernel command line ${cmdline} (ENOENT): check --cmdline-path`,
      );
    });

    it('for a relative --config-dir', async () => {
      const error = await loadConfig({ argv: ['--config-dir', 'etc'], fs: new NodeFs() }).catch(
        (e: unknown) => e as Error,
      );

      expect((error as Error).message).to.equal(
        'invalid value "etc" for config_dir (from --config-dir): expected an absolute path',
      );
    });
  });

  it('rejects unknown flags as usage errors before reading anything', async () => {
    const error = await loadConfig({
      argv: ['--cmdline-path', join(root, 'missing'), '--listen-prot', '1'],
      fs: new NodeFs(),
    }).catch((e: unknown) => e as Error);

    expect(error).to.be.instanceOf(UsageError);
    expect((error as Error).message).to.equal('unknown option --listen-prot');
  });
});
