/**
 * Corpus of Ignition configs with the verdict Debian's `ignition-validate`
 * 2.14 gives them: `clean` (rc 0, no output), `warning` (rc 0 with output) or
 * `error` (rc 1). Versions 3.0.0 to 3.3.0 as written; 3.4.0 configs are fed to
 * the real tool as 3.4.0-experimental (Ignition 2.14's name for it).
 */

/** One corpus entry. */
export interface CorpusEntry {
  name: string;
  config: unknown;
  verdict: 'clean' | 'warning' | 'error';
}

const v = (version: string, rest: Record<string, unknown> = {}): Record<string, unknown> => ({
  ignition: { version },
  ...rest,
});
const files = (...entries: unknown[]): Record<string, unknown> => ({ storage: { files: entries } });
const units = (...entries: unknown[]): Record<string, unknown> => ({ systemd: { units: entries } });
const hex = (n: number): string => 'ab'.repeat(n / 2);

const AGENT_UNIT =
  '[Unit]\nDescription=Ironic agent\n[Service]\nExecStart=/usr/bin/podman run --rm \\\n  quay.io/x/agent\n[Install]\nWantedBy=multi-user.target\n';

/** Every version gets the same realistic config. */
const REALISTIC = (version: string): CorpusEntry => ({
  name: `realistic install_coreos config (${version})`,
  verdict: 'clean',
  config: v(version, {
    passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3Nza core@example'], groups: ['wheel'] }] },
    storage: {
      directories: [{ path: '/etc/ironic-python-agent', mode: 0o755 }],
      files: [
        { path: '/etc/hostname', mode: 420, overwrite: true, contents: { source: 'data:,node-1' } },
        {
          path: '/etc/ironic-python-agent/agent.conf',
          mode: 0o644,
          contents: { source: 'data:;base64,W0RFRkFVTFRdCg==' },
        },
      ],
      links: [{ path: '/etc/localtime', target: '/usr/share/zoneinfo/UTC' }],
    },
    systemd: {
      units: [
        { name: 'ironic-agent.service', enabled: true, contents: AGENT_UNIT },
        { name: 'zincati.service', mask: true },
      ],
    },
  }),
});

/** The corpus. */
export const CORPUS: CorpusEntry[] = [
  ...['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0'].map(REALISTIC),
  { name: 'minimal 3.0.0', verdict: 'clean', config: v('3.0.0') },
  { name: 'minimal 3.4.0', verdict: 'clean', config: v('3.4.0') },
  { name: 'spec 2.2.0', verdict: 'error', config: v('2.2.0') },
  { name: 'version not semver', verdict: 'error', config: v('3.1') },
  { name: 'version is a number', verdict: 'error', config: { ignition: { version: 3 } } },
  { name: 'no ignition section', verdict: 'error', config: {} },
  { name: 'experimental tag on 3.3.0', verdict: 'error', config: v('3.3.0-experimental') },
  { name: 'relative file path', verdict: 'error', config: v('3.0.0', files({ path: 'etc/motd' })) },
  {
    name: 'path with trailing slash',
    verdict: 'error',
    config: v('3.2.0', { storage: { directories: [{ path: '/var/lib/' }] } }),
  },
  { name: 'path with ..', verdict: 'error', config: v('3.3.0', files({ path: '/etc/../motd' })) },
  { name: 'file without path', verdict: 'error', config: v('3.1.0', files({ mode: 420 })) },
  { name: 'unit without extension', verdict: 'error', config: v('3.0.0', units({ name: 'agent' })) },
  { name: 'templated unit', verdict: 'clean', config: v('3.1.0', units({ name: 'getty@.service', mask: true })) },
  {
    name: 'drop-in without .conf',
    verdict: 'error',
    config: v('3.2.0', units({ name: 'a.service', dropins: [{ name: '10-x', contents: '[Service]\nA=b\n' }] })),
  },
  {
    name: 'enabled unit without [Install]',
    verdict: 'warning',
    config: v('3.3.0', units({ name: 'a.service', enabled: true, contents: '[Unit]\nDescription=a\n' })),
  },
  {
    name: 'unit section never closed',
    verdict: 'error',
    config: v('3.0.0', units({ name: 'a.service', contents: '[Service\nExecStart=/bin/true\n' })),
  },
  {
    name: 'unit line without =',
    verdict: 'error',
    config: v('3.4.0', units({ name: 'a.service', contents: '[Service]\nExecStart\n' })),
  },
  {
    name: 'unit with CRLF and comments',
    verdict: 'clean',
    config: v('3.4.0', units({ name: 'a.service', contents: '# x\r\n[Service]\r\n; y\r\nExecStart=/bin/true\r\n' })),
  },
  { name: 'duplicate file paths', verdict: 'error', config: v('3.0.0', files({ path: '/a' }, { path: '/a' })) },
  {
    name: 'file and directory on one path',
    verdict: 'error',
    config: v('3.1.0', { storage: { files: [{ path: '/a' }], directories: [{ path: '/a' }] } }),
  },
  {
    name: 'duplicate units',
    verdict: 'error',
    config: v('3.2.0', units({ name: 'a.service' }, { name: 'a.service', mask: true })),
  },
  {
    name: 'duplicate users',
    verdict: 'error',
    config: v('3.3.0', { passwd: { users: [{ name: 'core' }, { name: 'core' }] } }),
  },
  {
    name: 'duplicate ssh keys',
    verdict: 'error',
    config: v('3.4.0', { passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-rsa A', 'ssh-rsa A'] }] } }),
  },
  {
    name: 'duplicate kernel argument',
    verdict: 'error',
    config: v('3.3.0', { kernelArguments: { shouldExist: ['quiet'], shouldNotExist: ['quiet'] } }),
  },
  {
    name: 'sha512 hash of the right size',
    verdict: 'clean',
    config: v(
      '3.0.0',
      files({ path: '/a', contents: { source: 'https://h/a', verification: { hash: `sha512-${hex(128)}` } } }),
    ),
  },
  {
    name: 'sha512 hash too short',
    verdict: 'error',
    config: v(
      '3.3.0',
      files({ path: '/a', contents: { source: 'https://h/a', verification: { hash: `sha512-${hex(64)}` } } }),
    ),
  },
  {
    name: 'sha256 in spec 3.0',
    verdict: 'error',
    config: v(
      '3.0.0',
      files({ path: '/a', contents: { source: 'https://h/a', verification: { hash: `sha256-${hex(64)}` } } }),
    ),
  },
  {
    name: 'sha256 in spec 3.1',
    verdict: 'clean',
    config: v(
      '3.1.0',
      files({ path: '/a', contents: { source: 'https://h/a', verification: { hash: `sha256-${hex(64)}` } } }),
    ),
  },
  {
    name: 'hash without source',
    verdict: 'error',
    config: v('3.2.0', files({ path: '/a', contents: { verification: { hash: `sha512-${hex(128)}` } } })),
  },
  {
    name: 'data URL without comma',
    verdict: 'error',
    config: v('3.0.0', files({ path: '/a', contents: { source: 'data:hello' } })),
  },
  {
    name: 'data URL with bad base64',
    verdict: 'error',
    config: v('3.3.0', files({ path: '/a', contents: { source: 'data:;base64,aGVsbG8' } })),
  },
  {
    name: 'data URL with a space',
    verdict: 'error',
    config: v('3.4.0', files({ path: '/a', contents: { source: 'data:,hello world' } })),
  },
  {
    name: 'data URL with media type and charset',
    verdict: 'clean',
    config: v('3.2.0', files({ path: '/a', contents: { source: 'data:text/plain;charset=utf-8,hi%20there' } })),
  },
  {
    name: 'ftp source',
    verdict: 'error',
    config: v('3.1.0', files({ path: '/a', contents: { source: 'ftp://h/a' } })),
  },
  {
    name: 'gs source in 3.1',
    verdict: 'error',
    config: v('3.1.0', files({ path: '/a', contents: { source: 'gs://bucket/a' } })),
  },
  {
    name: 'gs source in 3.2',
    verdict: 'clean',
    config: v('3.2.0', files({ path: '/a', contents: { source: 'gs://bucket/a' } })),
  },
  {
    name: 'unparseable host',
    verdict: 'error',
    config: v('3.3.0', files({ path: '/a', contents: { source: 'http://[::1/a' } })),
  },
  { name: 'mode above 07777', verdict: 'error', config: v('3.2.0', files({ path: '/a', mode: 0o10000 })) },
  { name: 'setuid mode before 3.4', verdict: 'warning', config: v('3.3.0', files({ path: '/a', mode: 0o4755 })) },
  { name: 'setuid mode in 3.4', verdict: 'clean', config: v('3.4.0', files({ path: '/a', mode: 0o4755 })) },
  { name: 'mode as a string', verdict: 'error', config: v('3.0.0', files({ path: '/a', mode: '0644' })) },
  { name: 'files is an object', verdict: 'error', config: v('3.1.0', { storage: { files: { path: '/a' } } }) },
  { name: 'unknown top-level key', verdict: 'warning', config: v('3.2.0', { storge: {} }) },
  { name: 'overwrite without source', verdict: 'error', config: v('3.1.0', files({ path: '/a', overwrite: true })) },
  {
    name: 'link without target in 3.3',
    verdict: 'error',
    config: v('3.3.0', { storage: { links: [{ path: '/a' }] } }),
  },
  {
    name: 'hard link to a directory',
    verdict: 'error',
    config: v('3.2.0', {
      storage: { links: [{ path: '/a', target: '/d', hard: true }], directories: [{ path: '/d' }] },
    }),
  },
  {
    name: 'file below a link',
    verdict: 'error',
    config: v('3.0.0', { storage: { links: [{ path: '/a', target: '/b' }], files: [{ path: '/a/c' }] } }),
  },
  {
    name: 'user id and name both set',
    verdict: 'error',
    config: v('3.4.0', files({ path: '/a', user: { id: 0, name: 'root' } })),
  },
  {
    name: 'merge without source',
    verdict: 'error',
    config: { ignition: { version: '3.2.0', config: { merge: [{}] } } },
  },
  {
    name: 'http headers on a data URL',
    verdict: 'error',
    config: v(
      '3.1.0',
      files({ path: '/a', contents: { source: 'data:,x', httpHeaders: [{ name: 'A', value: 'b' }] } }),
    ),
  },
  {
    name: 'plaintext https proxy',
    verdict: 'warning',
    config: { ignition: { version: '3.3.0', proxy: { httpsProxy: 'http://proxy:3128' } } },
  },
  {
    name: 'data URL with an empty parameter value',
    verdict: 'error',
    config: v('3.2.0', files({ path: '/a', contents: { source: 'data:text/plain;charset=,x' } })),
  },
  {
    name: 's3 source with an empty versionId',
    verdict: 'error',
    config: v('3.0.0', files({ path: '/a', contents: { source: 's3://bucket/key?versionId=' } })),
  },
  {
    name: 'enabled unit with text before its [Install] section',
    verdict: 'clean',
    config: v('3.1.0', units({ name: 'a.service', enabled: true, contents: 'x\n[Install]\nWantedBy=a\n' })),
  },
  {
    name: 'enabled unit whose [Install] has no options',
    verdict: 'warning',
    config: v('3.2.0', units({ name: 'a.service', enabled: true, contents: '[Unit]\nA=1\n[Install]\n' })),
  },
  {
    name: 'unit option continued over lines',
    verdict: 'clean',
    config: v('3.3.0', units({ name: 'a.service', contents: '[Service]\nExecStart=/bin/sh -c \\\n  true\n' })),
  },
];
