import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBootId } from '../../../common/state/boot-id.js';
import { SessionStore } from '../../../agent/state/session-store.js';
import { generateSelfSignedCertificate, type TlsMaterial } from '../../../agent/tls/auto-tls.js';
import { bootStateStore } from '../../helpers/boot-state.js';
import { createTestLogger } from '../../helpers/logger.js';

const TOKEN = 'VPJaBnfYuY39H-Ydd35qm858lxIYZX3trqSLgMDZEfc';
const NODE = '9fef9a79-f3b7-4313-ae69-7c3f94cb222b';
const BOOT_A = '0b5c1a2e-7f43-4d1e-9a55-1c2b3d4e5f60';
const BOOT_B = '7d9e0f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6';

describe('state/session-store', () => {
  let root: string;
  let dir: string;
  let bootIdPath: string;
  let test: ReturnType<typeof createTestLogger>;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cfg-state-'));
    dir = join(root, 'run', 'agent');
    bootIdPath = join(root, 'boot_id');
    writeFileSync(bootIdPath, `${BOOT_A}\n`);
    test = createTestLogger();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function store(bootId: string = bootIdPath): SessionStore {
    return new SessionStore(
      bootStateStore(dir, () => readBootId(bootId)),
      test.logger,
    );
  }

  function warnings(): string[] {
    return test.memory.entries.filter((e) => e['level'] === 'warn').map((e) => String(e['message']));
  }

  it('keeps the session for a restarted process in the same boot', () => {
    store().update({ nodeUuid: NODE, agentToken: TOKEN });
    store().update({ callbackUrl: 'https://192.0.2.10:9999' });

    expect(store().load()).to.deep.equal({
      nodeUuid: NODE,
      agentToken: TOKEN,
      callbackUrl: 'https://192.0.2.10:9999',
      tlsFingerprint: null,
    });
  });

  it('writes the file 0600 in a 0700 directory, even if the directory existed with a wider mode', () => {
    mkdirSync(dir, { recursive: true, mode: 0o755 });

    store().update({ agentToken: TOKEN });

    expect(statSync(join(dir, 'agent-state.json')).mode & 0o777).to.equal(0o600);
    expect(statSync(dir).mode & 0o777).to.equal(0o700);
  });

  it('replaces the file by rename and leaves no temporary files', () => {
    const s = store();
    s.update({ agentToken: TOKEN });
    const before = statSync(join(dir, 'agent-state.json')).ino;

    s.update({ nodeUuid: NODE });

    expect(statSync(join(dir, 'agent-state.json')).ino).not.to.equal(before);
    expect(readdirSync(dir)).to.deep.equal(['agent-state.json']);
    expect(JSON.parse(readFileSync(join(dir, 'agent-state.json'), 'utf8'))).to.deep.include({
      version: 1,
      bootId: BOOT_A,
      agentToken: TOKEN,
      nodeUuid: NODE,
    });
  });

  it('ignores, with a warning, state saved during another boot', () => {
    store().update({ nodeUuid: NODE, agentToken: TOKEN });
    writeFileSync(bootIdPath, `${BOOT_B}\n`);

    expect(store().load()).to.equal(null);
    expect(warnings()).to.deep.equal(['Ignoring agent state saved during another boot']);
  });

  it("starts a fresh session over another boot's state", () => {
    store().update({ nodeUuid: NODE, agentToken: TOKEN });
    writeFileSync(bootIdPath, `${BOOT_B}\n`);

    store().update({ callbackUrl: 'http://192.0.2.10:9999' });

    expect(store().load()).to.deep.equal({
      nodeUuid: null,
      agentToken: null,
      callbackUrl: 'http://192.0.2.10:9999',
      tlsFingerprint: null,
    });
  });

  it('warns about a corrupt file instead of crashing, without logging its content', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'agent-state.json'), `{"version":1,"agentToken":"${TOKEN}"`);

    expect(store().load()).to.equal(null);
    expect(warnings()).to.deep.equal(['Ignoring a corrupt agent state file']);
    expect(test.memory.text()).not.to.include(TOKEN);
  });

  const invalid: Array<[string, unknown, string]> = [
    ['an array', [], 'not a JSON object'],
    ['another version', { version: 2, bootId: BOOT_A }, 'unsupported version'],
    ['no boot id', { version: 1, nodeUuid: null, agentToken: null, callbackUrl: null, tlsFingerprint: null }, 'bootId'],
    [
      'a bad node uuid',
      { version: 1, bootId: BOOT_A, nodeUuid: 'node-1', agentToken: TOKEN, callbackUrl: null, tlsFingerprint: null },
      'nodeUuid',
    ],
    [
      'a token with spaces',
      { version: 1, bootId: BOOT_A, nodeUuid: null, agentToken: `${TOKEN} x`, callbackUrl: null, tlsFingerprint: null },
      'agentToken',
    ],
    [
      'a missing field',
      { version: 1, bootId: BOOT_A, nodeUuid: null, agentToken: TOKEN, callbackUrl: null },
      'tlsFingerprint',
    ],
    [
      'a non-http callback',
      { version: 1, bootId: BOOT_A, nodeUuid: null, agentToken: TOKEN, callbackUrl: 'ftp://x', tlsFingerprint: null },
      'callbackUrl',
    ],
  ];
  for (const [name, content, problem] of invalid) {
    it(`ignores a file with ${name}, naming the field but not the values`, () => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'agent-state.json'), JSON.stringify(content));

      expect(store().load()).to.equal(null);
      expect(
        test.memory.entries.filter((e) => e['level'] === 'warn').map((e) => [e['message'], e['problem']]),
      ).to.deep.equal([['Ignoring an invalid agent state file', problem]]);
      expect(test.memory.text()).not.to.include(TOKEN);
    });
  }

  it('refuses to save an invalid session (a bug in the caller)', () => {
    expect(() => store().update({ nodeUuid: 'not-a-uuid' })).to.throw('refusing to save invalid agent state: nodeUuid');
  });

  it('warns and carries on when the state cannot be written', () => {
    mkdirSync(join(dir, 'agent-state.json'), { recursive: true });
    writeFileSync(join(dir, 'agent-state.json', 'x'), '');

    store().update({ agentToken: TOKEN });

    expect(warnings()).to.include('Could not save the agent state');
    expect(readdirSync(dir)).to.deep.equal(['agent-state.json']);
  });

  it('works without persistence when the boot id cannot be read', () => {
    const s = store(join(root, 'missing'));

    s.update({ agentToken: TOKEN });

    expect(s.load()).to.equal(null);
    expect(warnings()).to.deep.equal(['Cannot read the boot id; agent state will not be kept across restarts']);
  });

  it('forgets the session on clear()', () => {
    store().update({ agentToken: TOKEN });

    store().clear();

    expect(store().load()).to.equal(null);
  });

  describe('auto-TLS reuse', () => {
    let material: TlsMaterial;
    before(async () => {
      material = await generateSelfSignedCertificate({ advertiseIp: '192.0.2.10', hostname: 'h', now: new Date() });
    });

    it('returns the same certificate and key in the same boot for the same IP', () => {
      const files = store().saveTls(material);

      const reused = store().loadTls('192.0.2.10', new Date());

      expect(reused).to.deep.equal({ ...material, ...files });
      expect(statSync(files.keyFile).mode & 0o777).to.equal(0o600);
    });

    it('does not reuse it after a reboot, for another IP, when it expires within a day, or when the file changed', async () => {
      store().saveTls(material);
      const expiry = new Date(Date.now() + 29.5 * 86_400_000);
      const forOtherIp = store().loadTls('192.0.2.11', new Date());
      const nearExpiry = store().loadTls('192.0.2.10', expiry);
      writeFileSync(
        join(dir, 'agent.crt'),
        (await generateSelfSignedCertificate({ advertiseIp: '192.0.2.10', hostname: 'h', now: new Date() })).certPem,
      );
      const replaced = store().loadTls('192.0.2.10', new Date());
      store().saveTls(material);
      writeFileSync(bootIdPath, BOOT_B);
      const rebooted = store().loadTls('192.0.2.10', new Date());

      expect([forOtherIp, nearExpiry, replaced, rebooted]).to.deep.equal([null, null, null, null]);
      expect(
        test.memory.entries
          .filter((e) => e['message'] === 'Not reusing the saved TLS certificate')
          .map((e) => e['reason']),
      ).to.deep.equal(['advertised IP changed', 'expires within a day', 'fingerprint differs']);
    });

    it('keeps the token when the certificate is saved, and never logs the token', () => {
      const s = store();
      s.update({ nodeUuid: NODE, agentToken: TOKEN, callbackUrl: 'https://192.0.2.10:9999' });
      s.saveTls(material);

      const session = store().load();
      store().loadTls('192.0.2.10', new Date());

      expect(session?.agentToken).to.equal(TOKEN);
      expect(session?.tlsFingerprint).to.match(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(test.memory.entries.map((e) => e['message'])).to.include('Read the agent state of this boot');
      expect(test.memory.text()).not.to.include(TOKEN);
      expect(test.memory.text()).not.to.include('PRIVATE KEY');
    });
  });
});
