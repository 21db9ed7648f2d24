import { expect } from 'chai';
import { UsageError } from '../../../common/cli/types.js';
import { parseBuildOptions, type BuildOptions } from '../../../ignition/build/options.js';

const REG = ['--registry', 'quay.io/example'];

describe('ignition/build/options', () => {
  it("applies the defaults with --host: inspection data goes to Ironic's own /v1/continue_inspection on the API", () => {
    const options = parseBuildOptions(['--host', 'ironic.example.com', ...REG]);

    expect(options).to.deep.equal({
      apiUrls: ['http://ironic.example.com:6385'],
      inspectionUrls: ['http://ironic.example.com:6385/v1/continue_inspection'],
      image: 'quay.io/example/ironic-coreos-agent:latest',
      tlsVerify: true,
      sshKeyFiles: [],
      noSshKey: false,
      agentConfig: [],
      insecure: false,
      caFile: null,
      proxy: { httpProxy: null, httpsProxy: null, noProxy: null },
      pullSecretFile: null,
      mergeFiles: [],
      spec: '3.2.0',
      output: null,
      rootMount: '/mnt/coreos',
    } satisfies BuildOptions);
  });

  const accepted: { name: string; argv: string[]; expected: Partial<BuildOptions> }[] = [
    {
      name: '--insecure switches --host URLs to https',
      argv: ['--host', '192.0.2.1', '--insecure'],
      expected: {
        apiUrls: ['https://192.0.2.1:6385'],
        inspectionUrls: ['https://192.0.2.1:6385/v1/continue_inspection'],
        insecure: true,
      },
    },
    {
      name: '--ca-file switches to https and keeps the path',
      argv: ['--host', 'h', '--ca-file', 'ca.pem'],
      expected: { apiUrls: ['https://h:6385'], caFile: 'ca.pem' },
    },
    { name: 'IPv6 hosts are bracketed', argv: ['--host', 'fd00::5'], expected: { apiUrls: ['http://[fd00::5]:6385'] } },
    {
      name: 'bracketed IPv6 hosts are accepted',
      argv: ['--host', '[fd00::5]', '--api-port', '16385'],
      expected: { apiUrls: ['http://[fd00::5]:16385'] },
    },
    {
      name: 'the API port and scheme apply to the inspection callback too',
      argv: ['--host', 'h', '--api-port', '8443', '--scheme', 'https'],
      expected: { apiUrls: ['https://h:8443'], inspectionUrls: ['https://h:8443/v1/continue_inspection'] },
    },
    {
      name: '--inspection inspector keeps the old ironic-inspector callback',
      argv: ['--host', 'h', '--inspection', 'inspector'],
      expected: { apiUrls: ['http://h:6385'], inspectionUrls: ['http://h:5050/v1/continue'] },
    },
    {
      name: '--inspector-port with --inspection inspector',
      argv: [
        '--host',
        'h',
        '--api-port',
        '8443',
        '--inspection',
        'inspector',
        '--inspector-port',
        '8444',
        '--scheme',
        'https',
      ],
      expected: { apiUrls: ['https://h:8443'], inspectionUrls: ['https://h:8444/v1/continue'] },
    },
    {
      name: '--inspection none writes no callback',
      argv: ['--host', 'h', '--inspection', 'none'],
      expected: { inspectionUrls: [] },
    },
    {
      name: '--inspection ironic is the default',
      argv: ['--host', 'h', '--inspection', 'ironic'],
      expected: { inspectionUrls: ['http://h:6385/v1/continue_inspection'] },
    },
    {
      name: '--inspection-url overrides the --host default',
      argv: ['--host', 'h', '--inspection-url', 'http://h:6385/v1/continue_inspection'],
      expected: { inspectionUrls: ['http://h:6385/v1/continue_inspection'] },
    },
    {
      name: '--api-url alone gives no inspection URL',
      argv: ['--api-url', 'https://a:6385', '--api-url', 'https://b:6385', '--insecure'],
      expected: { apiUrls: ['https://a:6385', 'https://b:6385'], inspectionUrls: [] },
    },
    {
      name: 'image name and tag',
      argv: ['--host', 'h', '--image', 'agent', '--tag', 'v1'],
      expected: { image: 'quay.io/example/agent:v1' },
    },
    {
      name: '--insecure-registry disables TLS verification on pull',
      argv: ['--host', 'h', '--insecure-registry'],
      expected: { tlsVerify: false },
    },
    {
      name: 'repeatable --agent-config keeps "=" in values',
      argv: ['--host', 'h', '--agent-config', 'a=b=c', '--agent-config', 'enable_vlan_interfaces=all'],
      expected: {
        agentConfig: [
          ['a', 'b=c'],
          ['enable_vlan_interfaces', 'all'],
        ],
      },
    },
    {
      name: 'files, proxies, spec, output and root mount',
      argv: [
        '--host',
        'h',
        '--ssh-key',
        'a.pub',
        '--ssh-key',
        'b.pub',
        '--pull-secret',
        'auth.json',
        '--merge',
        'm.ign',
        '--http-proxy',
        'http://p:3128',
        '--https-proxy',
        'http://p:3129',
        '--no-proxy',
        '.local',
        '--spec',
        '3.4.0',
        '-o',
        'out.ign',
        '--root-mount',
        '/mnt/host',
      ],
      expected: {
        sshKeyFiles: ['a.pub', 'b.pub'],
        pullSecretFile: 'auth.json',
        mergeFiles: ['m.ign'],
        spec: '3.4.0',
        output: 'out.ign',
        rootMount: '/mnt/host',
        proxy: { httpProxy: 'http://p:3128', httpsProxy: 'http://p:3129', noProxy: '.local' },
      },
    },
  ];
  accepted.push({
    name: '--no-ssh-key',
    argv: ['--host', 'h', '--no-ssh-key'],
    expected: { sshKeyFiles: [], noSshKey: true },
  });
  for (const c of accepted) {
    it(`accepts: ${c.name}`, () => {
      const options = parseBuildOptions([...c.argv, ...REG]);

      expect(options).to.deep.include(c.expected);
    });
  }

  const rejected: { name: string; argv: string[]; message: RegExp }[] = [
    { name: 'no Ironic address', argv: [...REG], message: /no Ironic address: pass --host HOST or --api-url URL/ },
    {
      name: '--host with --api-url',
      argv: ['--host', 'h', '--api-url', 'http://h:6385', ...REG],
      message: /either --host or --api-url/,
    },
    { name: 'a URL as --host', argv: ['--host', 'https://h:6385', ...REG], message: /not a URL; use --api-url/ },
    { name: 'a port in --host', argv: ['--host', 'h:6385', ...REG], message: /must not include a port/ },
    { name: 'a bad host name', argv: ['--host', 'h_1', ...REG], message: /not a valid host name/ },
    {
      name: 'a bad port',
      argv: ['--host', 'h', '--api-port', '70000', ...REG],
      message: /--api-port must be a port number/,
    },
    {
      name: '--api-port without --host',
      argv: ['--api-url', 'http://h:1', '--api-port', '1', ...REG],
      message: /only apply with --host/,
    },
    {
      name: '--inspection without --host',
      argv: ['--api-url', 'http://h:1', '--inspection', 'none', ...REG],
      message: /only apply with --host/,
    },
    {
      name: 'an unknown --inspection',
      argv: ['--host', 'h', '--inspection', 'legacy', ...REG],
      message: /--inspection must be one of ironic, inspector, none/,
    },
    {
      name: '--inspector-port without --inspection inspector',
      argv: ['--host', 'h', '--inspector-port', '5050', ...REG],
      message: /only applies with --inspection inspector/,
    },
    {
      name: '--inspection with --inspection-url',
      argv: ['--host', 'h', '--inspection', 'inspector', '--inspection-url', 'http://h:5050/v1/continue', ...REG],
      message: /either --inspection or --inspection-url/,
    },
    {
      name: 'a bad scheme',
      argv: ['--host', 'h', '--scheme', 'ftp', ...REG],
      message: /--scheme must be http or https/,
    },
    {
      name: '--insecure with --ca-file',
      argv: ['--host', 'h', '--insecure', '--ca-file', 'x', ...REG],
      message: /either --insecure or --ca-file/,
    },
    {
      name: '--insecure with http URLs only',
      argv: ['--api-url', 'http://h:6385', '--insecure', ...REG],
      message: /only apply to https URLs/,
    },
    {
      name: '--scheme http with --insecure',
      argv: ['--host', 'h', '--scheme', 'http', '--insecure', ...REG],
      message: /only apply to https/,
    },
    { name: 'a bad --api-url', argv: ['--api-url', 'h:6385', ...REG], message: /must start with http/ },
    {
      name: 'an unknown spec',
      argv: ['--host', 'h', '--spec', '3.5.0', ...REG],
      message: /--spec must be one of 3\.0\.0, 3\.1\.0, 3\.2\.0, 3\.3\.0, 3\.4\.0/,
    },
    { name: 'no registry', argv: ['--host', 'h'], message: /not fully qualified/ },
    {
      name: '--agent-config without "="',
      argv: ['--host', 'h', '--agent-config', 'debug', ...REG],
      message: /expects KEY=VALUE/,
    },
    {
      name: 'a relative --root-mount',
      argv: ['--host', 'h', '--root-mount', 'mnt', ...REG],
      message: /--root-mount must be an absolute path/,
    },
    {
      name: '--root-mount with ..',
      argv: ['--host', 'h', '--root-mount', '/mnt/../etc', ...REG],
      message: /--root-mount/,
    },
    { name: '--root-mount /', argv: ['--host', 'h', '--root-mount', '/', ...REG], message: /--root-mount/ },
    {
      name: '--root-mount with a colon',
      argv: ['--host', 'h', '--root-mount', '/mnt:rw', ...REG],
      message: /--root-mount/,
    },
    { name: 'an unknown option', argv: ['--host', 'h', '--frobnicate', ...REG], message: /frobnicate/ },
    { name: 'a missing option value', argv: [...REG, '--host'], message: /--host/ },
    { name: 'a positional argument', argv: ['--host', 'h', 'extra', ...REG], message: /unexpected argument "extra"/ },
    {
      name: '--ssh-key with --no-ssh-key',
      argv: ['--host', 'h', '--ssh-key', 'a.pub', '--no-ssh-key', ...REG],
      message: /^use either --ssh-key or --no-ssh-key, not both$/,
    },
    {
      name: 'a full --image under --registry',
      argv: ['--host', 'h', '--image', `quay.io/y/agent@sha256:${'c'.repeat(64)}`, ...REG],
      message: /already a full reference/,
    },
    // openshift/ironic-agent-image ignition/build.py flags: name ours instead of "unknown option".
    {
      name: "build.py's --tls on",
      argv: ['--host', 'h', '--tls', 'on', ...REG],
      message: /^--tls is openshift build\.py's flag; here use --scheme https$/,
    },
    {
      name: "build.py's --tls=insecure",
      argv: ['--host', 'h', '--tls=insecure', ...REG],
      message: /^--tls is openshift build\.py's flag; here use --scheme https --insecure$/,
    },
    {
      name: "build.py's --tls off",
      argv: ['--host', 'h', '--tls', 'off', ...REG],
      message: /^--tls is openshift build\.py's flag; here http is the default, so drop it$/,
    },
    {
      name: "build.py's --tls without a value",
      argv: ['--host', 'h', ...REG, '--tls'],
      message: /^--tls is openshift build\.py's flag; here use --scheme https, adding --insecure/,
    },
    {
      name: "build.py's --option",
      argv: ['--host', 'h', '--option', 'debug = True', ...REG],
      message: /^--option is openshift build\.py's flag; here use --agent-config debug=True \(repeatable/,
    },
    {
      name: "build.py's --option=k=v",
      argv: ['--host', 'h', '--option=collect_lldp=1', ...REG],
      message: /here use --agent-config collect_lldp=1 /,
    },
    {
      name: "build.py's --option without a value",
      argv: ['--host', 'h', ...REG, '--option'],
      message: /here use --agent-config KEY=VALUE /,
    },
  ];
  for (const c of rejected) {
    it(`rejects ${c.name}`, () => {
      expect(() => parseBuildOptions(c.argv)).to.throw(UsageError, c.message);
    });
  }
});
