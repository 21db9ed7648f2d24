import { expect } from 'chai';
import { layout, resolveSettings, type ResolvedSettings } from '../../testbed/ironic-settings.js';
import { renderEnvSh, renderIni, renderInspectorConf, renderIronicConf } from '../../testbed/ironic-config.js';
import type { IronicSuite } from '../../testbed/ironic-suites.js';

/** Parse oslo.config INI text into section → key → value, failing on anything unexpected. */
function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header !== null) {
      section = {};
      out[header[1] ?? ''] = section;
      continue;
    }
    const pair = /^([a-z_0-9]+) = (.*)$/.exec(line);
    if (pair === null || section === undefined) throw new Error(`unexpected line: ${line}`);
    section[pair[1] ?? ''] = pair[2] ?? '';
  }
  return out;
}

const base: ResolvedSettings = resolveSettings({ dir: '/srv/tb', hostIp: '10.9.8.1', port: 6390 });

describe('testbed/ironic-config', () => {
  describe('renderIronicConf', () => {
    it('listens on hostIp and advertises it as my_ip and the service endpoint', () => {
      const conf = parseIni(renderIronicConf(base));

      expect(conf.api).to.include({ host_ip: '10.9.8.1', port: '6390', api_workers: '1' });
      expect(conf.DEFAULT?.my_ip).to.equal('10.9.8.1');
      expect(conf.service_catalog?.endpoint_override).to.equal('http://10.9.8.1:6390');
    });

    it('keeps the standalone essentials: noauth, no RPC, sqlite in dir, an own empty policy dir', () => {
      const conf = parseIni(renderIronicConf(base));

      expect(conf.DEFAULT).to.include({
        auth_strategy: 'noauth',
        rpc_transport: 'none',
        log_file: '/srv/tb/log/ironic.log',
        graceful_shutdown_timeout: '15',
      });
      expect(conf.database?.connection).to.equal('sqlite:////srv/tb/ironic.sqlite');
      expect(conf.oslo_policy?.policy_dirs).to.equal('/srv/tb/etc/policy.d');
      expect(conf.conductor?.file_url_allowed_paths).to.equal('/srv/tb/images,/srv/tb/httpboot');
      expect(conf.agent).to.include({
        post_deploy_get_power_state_retries: '2',
        post_deploy_get_power_state_retry_interval: '1',
      });
    });

    it('enables the inspector interface next to no-inspect and fake', () => {
      expect(parseIni(renderIronicConf(base)).DEFAULT?.enabled_inspect_interfaces).to.equal(
        'no-inspect,fake,inspector',
      );
    });

    it('writes the test bed defaults when nothing else is asked for', () => {
      const conf = parseIni(renderIronicConf(base));

      expect(conf.conductor).to.include({
        automated_clean: 'false',
        deploy_callback_timeout: '120',
        clean_callback_timeout: '120',
        check_provision_state_interval: '10',
      });
      expect(conf.deploy?.fast_track).to.equal('false');
      expect(conf.api?.ramdisk_heartbeat_timeout).to.equal('300');
      expect(conf.inspector).to.equal(undefined);
    });

    it('carries every flow setting into its option', () => {
      const conf = parseIni(
        renderIronicConf({
          ...base,
          automatedClean: true,
          fastTrack: true,
          callbackTimeout: 30,
          checkProvisionInterval: 5,
          heartbeatTimeout: 60,
        }),
      );

      expect(conf.conductor).to.include({
        automated_clean: 'true',
        deploy_callback_timeout: '30',
        clean_callback_timeout: '30',
        check_provision_state_interval: '5',
      });
      expect(conf.deploy?.fast_track).to.equal('true');
      expect(conf.api?.ramdisk_heartbeat_timeout).to.equal('60');
    });

    it('points [inspector] at the local ironic-inspector when inspector is on', () => {
      const conf = parseIni(
        renderIronicConf({ ...base, inspector: true, inspectorPort: 5055, inspectorStatusCheckPeriod: 3 }),
      );

      expect(conf.inspector).to.deep.equal({
        auth_type: 'none',
        endpoint_override: 'http://10.9.8.1:5055',
        status_check_period: '3',
      });
    });
  });

  describe('renderIronicConf per Ironic release', () => {
    const conf = (suite: IronicSuite, change: Partial<ResolvedSettings> = {}): Record<string, Record<string, string>> =>
      parseIni(renderIronicConf({ ...base, ...change }, suite));

    it('bookworm (21.4) is the default and has none of the newer options', () => {
      const c = conf('bookworm', { requireTls: false });

      expect(renderIronicConf(base)).to.equal(renderIronicConf(base, 'bookworm'));
      expect(c.DEFAULT?.graceful_shutdown_timeout).to.equal('15');
      expect(c.DEFAULT?.enabled_firmware_interfaces).to.equal(undefined);
      expect(c.conductor?.service_callback_timeout).to.equal(undefined);
      expect(c.agent?.require_tls).to.equal(undefined);
      expect(c.inspector).to.equal(undefined);
    });

    it("inspect interfaces: ironic-inspector's on bookworm, Ironic's own agent interface on trixie and forky", () => {
      expect(
        ['bookworm', 'trixie', 'forky'].map((suite) => conf(suite as IronicSuite).DEFAULT?.enabled_inspect_interfaces),
      ).to.deep.equal(['no-inspect,fake,inspector', 'no-inspect,fake,agent', 'no-inspect,fake,agent']);
    });

    it('graceful_shutdown_timeout is in [DEFAULT] up to trixie and in [conductor] on forky (Ironic 35)', () => {
      expect(conf('trixie').DEFAULT?.graceful_shutdown_timeout).to.equal('15');
      expect(conf('trixie').conductor?.graceful_shutdown_timeout).to.equal(undefined);
      expect(conf('forky').DEFAULT?.graceful_shutdown_timeout).to.equal(undefined);
      expect(conf('forky').conductor?.graceful_shutdown_timeout).to.equal('15');
    });

    for (const suite of ['trixie', 'forky'] as const) {
      it(`${suite}: firmware interfaces, the servicing callback timeout and unmanaged inspection boot`, () => {
        const c = conf(suite, { callbackTimeout: 45 });

        expect(c.DEFAULT?.enabled_firmware_interfaces).to.equal('no-firmware,fake');
        expect(c.conductor).to.include({
          deploy_callback_timeout: '45',
          clean_callback_timeout: '45',
          service_callback_timeout: '45',
        });
        expect(c.inspector?.require_managed_boot).to.equal('false');
      });

      it(`${suite}: [agent]require_tls keeps the release default unless set`, () => {
        expect(conf(suite).agent?.require_tls).to.equal(undefined);
        expect(conf(suite, { requireTls: false }).agent?.require_tls).to.equal('false');
        expect(conf(suite, { requireTls: true }).agent?.require_tls).to.equal('true');
      });
    }

    it('the agent interface runs hooks that set the properties ironic-inspector would (Ironic 29 has no cpus hook)', () => {
      expect(conf('forky').inspector?.hooks).to.equal('$default_hooks,cpus,memory,root-device');
      expect(conf('trixie').inspector?.hooks).to.equal('$default_hooks,memory,root-device');
    });

    it('never points [inspector] at an ironic-inspector on trixie and forky', () => {
      for (const suite of ['trixie', 'forky'] as const)
        expect(conf(suite, { inspector: true }).inspector?.endpoint_override).to.equal(undefined);
    });
  });

  describe('renderInspectorConf', () => {
    it('runs standalone with noauth, an in-memory transport, sqlite and the noop PXE filter', () => {
      const conf = parseIni(renderInspectorConf({ ...base, inspector: true }));

      expect(conf.DEFAULT).to.include({
        auth_strategy: 'noauth',
        standalone: 'true',
        transport_url: 'fake://',
        listen_address: '10.9.8.1',
        listen_port: '5050',
        introspection_delay: '0',
      });
      expect(conf.database?.connection).to.equal('sqlite:////srv/tb/inspector.sqlite');
      expect(conf.pxe_filter?.driver).to.equal('noop');
    });

    it('talks to this Ironic without auth and keeps processed data for Ironic to fetch', () => {
      const conf = parseIni(renderInspectorConf({ ...base, inspector: true }));

      expect(conf.ironic).to.deep.equal({ auth_type: 'none', endpoint_override: 'http://10.9.8.1:6390' });
      expect(conf.processing?.store_data).to.equal('database');
      expect(conf.oslo_policy?.policy_dirs).to.equal('/srv/tb/etc/inspector-policy.d');
    });

    it("keeps inspector's default processing hooks unless told, e.g. Metal3's extra_hardware and lldp_basic", () => {
      const plain = parseIni(renderInspectorConf({ ...base, inspector: true }));
      const metal3 = parseIni(
        renderInspectorConf({
          ...base,
          inspector: true,
          inspectorProcessingHooks: '$default_processing_hooks,extra_hardware,lldp_basic',
        }),
      );

      expect(plain.processing).to.not.have.property('processing_hooks');
      expect(metal3.processing?.processing_hooks).to.equal('$default_processing_hooks,extra_hardware,lldp_basic');
    });
  });

  describe('renderIni', () => {
    it('puts comments on lines of their own (oslo.config keeps trailing text in values)', () => {
      const text = renderIni('head', [['s', [['a comment'], ['key', 'value']]]]);

      expect(text).to.equal('# head\n\n[s]\n# a comment\nkey = value\n');
    });
  });

  it('renderEnvSh exports the noauth CLI environment for this Ironic', () => {
    expect(renderEnvSh(base))
      .to.contain('export OS_ENDPOINT=http://10.9.8.1:6390\n')
      .and.contain('export OS_AUTH_TYPE=none\n');
  });

  it('layout places PID files under run/ and configs under etc/', () => {
    const p = layout('/srv/tb');

    expect([p.ironicPid, p.inspectorPid, p.ironicConf, p.inspectorConf]).to.deep.equal([
      '/srv/tb/run/ironic.pid',
      '/srv/tb/run/inspector.pid',
      '/srv/tb/etc/ironic.conf',
      '/srv/tb/etc/inspector.conf',
    ]);
  });
});
