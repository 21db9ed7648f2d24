import { expect } from 'chai';
import { parseStatus, shellQuote, sshArgv, statusArgv, StatusParseError } from '../../fleet/ssh.js';
import type { StatusDocument } from '../../reprovision/status.js';

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

/** A document exactly as reprovision/status.ts prints it (checked against its type). */
function status(overrides: Partial<StatusDocument> = {}): StatusDocument {
  return {
    sysroot: '/',
    booted: true,
    deployments: [
      { index: 0, id: 'c0ffee.0', stateroot: 'fedora-coreos', default: true, booted: true, options: 'root=UUID=x rw' },
      { index: 1, id: 'c0ffee.1', stateroot: 'fedora-coreos', default: false, booted: false, options: 'root=UUID=x' },
    ],
    reprovision: {
      sha256: SHA,
      mode: 'firstboot',
      phase: 'complete',
      started_at: '2026-12-01T10:00:00.000Z',
      updated_at: '2026-12-01T10:02:00.000Z',
      original: 'c0ffee.1',
      deployment: 'c0ffee.0',
      backup: '/var/.ironic-coreos-agent/reprovision/backup',
      keep: [],
    },
    success: {
      sha256: SHA,
      deployment: 'c0ffee.0',
      boot_id: '0d3c2f7e-1111-4222-8333-444455556666',
      recorded_at: '2026-12-01T10:03:00.000Z',
      operation: `apply-${SHA.slice(0, 12)}`,
    },
    in_effect: true,
    ...overrides,
  };
}

describe('fleet/ssh sshArgv', () => {
  const target = { address: '192.0.2.7', user: 'core', port: 22 };
  it('builds the status command with the default remote command', () => {
    expect(statusArgv(target, { command: ['sudo', 'ironic-coreos-agent'] })).to.deep.equal([
      'ssh',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=accept-new',
      '-o',
      'ConnectTimeout=10',
      '-p',
      '22',
      'core@192.0.2.7',
      'sudo',
      'ironic-coreos-agent',
      'reprovision',
      'status',
      '--json',
    ]);
  });

  it('adds the key, the port, the connect timeout, a container prefix and --sysroot', () => {
    const argv = statusArgv(
      { ...target, key: '/keys/id', port: 2222, user: 'ops' },
      {
        command: ['sudo', 'podman', 'run', '--rm', '--privileged', '--pid', 'host', '-v', '/:/mnt/host', 'img'],
        sysroot: '/mnt/host',
      },
      3,
    );
    expect(argv.slice(6)).to.deep.equal([
      'ConnectTimeout=3',
      '-i',
      '/keys/id',
      '-p',
      '2222',
      'ops@192.0.2.7',
      'sudo',
      'podman',
      'run',
      '--rm',
      '--privileged',
      '--pid',
      'host',
      '-v',
      '/:/mnt/host',
      'img',
      'reprovision',
      'status',
      '--json',
      '--sysroot',
      '/mnt/host',
    ]);
  });

  it('quotes remote words for the remote shell', () => {
    expect(sshArgv(target, ['echo', 'a b', "it's", '$HOME']).slice(-4)).to.deep.equal([
      'echo',
      "'a b'",
      `'it'\\''s'`,
      "'$HOME'",
    ]);
    expect(shellQuote('')).to.equal("''");
  });
});

describe('fleet/ssh parseStatus', () => {
  const cases: [string, StatusDocument, { reported: string | null; phase: string | null }][] = [
    ['the marker in effect', status(), { reported: SHA, phase: 'complete' }],
    ['a marker not in effect (another boot)', status({ in_effect: false }), { reported: null, phase: 'complete' }],
    [
      'an apply under way',
      status({
        success: null,
        in_effect: false,
        reprovision: { ...status().reprovision!, sha256: OTHER, phase: 'applying' },
      }),
      { reported: null, phase: 'applying' },
    ],
    [
      'a node never reprovisioned',
      status({ reprovision: null, success: null, in_effect: false }),
      { reported: null, phase: null },
    ],
  ];
  for (const [what, document, expected] of cases) {
    it(`reads ${what}`, () => expect(parseStatus(JSON.stringify(document, null, 2))).to.deep.equal(expected));
  }

  const bad: [string, string, RegExp][] = [
    ['text', 'sudo: ironic-coreos-agent: command not found', /not JSON/],
    ['another document', '{"status": "ok"}', /not a reprovision status document/],
    ['a list', '[]', /not a reprovision status document/],
    ['in effect without a sha256', JSON.stringify(status({ success: null })), /no sha256/],
  ];
  for (const [what, stdout, message] of bad) {
    it(`refuses ${what}`, () => expect(() => parseStatus(stdout)).to.throw(StatusParseError, message));
  }
});
