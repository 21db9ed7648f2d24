import { expect } from 'chai';
import { createSystemClock } from '../../../common/clock.js';
import { NodeFs } from '../../../common/fs/node-fs.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../../agent/config/load.js';
import { setupTls } from '../../../agent/lifecycle/tls-setup.js';
import { SessionStore } from '../../../agent/state/session-store.js';
import { generateSelfSignedCertificate } from '../../../agent/tls/auto-tls.js';
import { bootStateStore } from '../../helpers/boot-state.js';
import { createTestLogger } from '../../helpers/logger.js';

describe('lifecycle/tls-setup', () => {
  const { logger } = createTestLogger();
  let dir: string;
  let store: SessionStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tls-setup-'));
    store = new SessionStore(bootStateStore(join(dir, 'state'), 'a0b1c2d3-0000-4000-8000-000000000001'), logger);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('auto-TLS: https with the certificate PEM as agent_verify_ca, reused by a restarted agent in the same boot', async () => {
    const config = defaultConfig();

    const first = await setupTls(config, '10.0.0.2', true, {
      store,
      logger,
      fs: new NodeFs(),
      clock: createSystemClock(),
    });
    const second = await setupTls(config, '10.0.0.2', true, {
      store,
      logger,
      fs: new NodeFs(),
      clock: createSystemClock(),
    });

    expect(first.protocol).to.equal('https');
    expect(first.verifyCa).to.match(/^-----BEGIN CERTIFICATE-----/);
    expect(first.server?.minVersion).to.equal('TLSv1.2');
    expect(second.verifyCa).to.equal(first.verifyCa);
  });

  it('a new certificate when the advertised IP changed', async () => {
    const config = defaultConfig();

    const first = await setupTls(config, '10.0.0.2', true, {
      store,
      logger,
      fs: new NodeFs(),
      clock: createSystemClock(),
    });
    const moved = await setupTls(config, '10.0.0.3', true, {
      store,
      logger,
      fs: new NodeFs(),
      clock: createSystemClock(),
    });

    expect(moved.verifyCa).not.to.equal(first.verifyCa);
  });

  it('plain HTTP when Ironic is older than 1.68, when auto-TLS is off, and in standalone mode', async () => {
    const off = { ...defaultConfig(), enableAutoTls: false };
    const standalone = { ...defaultConfig(), standalone: true };

    for (const [config, supports] of [
      [defaultConfig(), false],
      [off, true],
      [standalone, true],
    ] as const) {
      const setup = await setupTls(config, '10.0.0.2', supports, {
        store,
        logger,
        fs: new NodeFs(),
        clock: createSystemClock(),
      });
      expect(setup).to.deep.equal({ protocol: 'http', server: null, verifyCa: null });
    }
  });

  it('static TLS from tls_cert_file and tls_key_file, with TLS 1.3 only when asked', async () => {
    const material = await generateSelfSignedCertificate({
      advertiseIp: '10.0.0.2',
      hostname: 'node',
      now: new Date(),
    });
    writeFileSync(join(dir, 'cert.pem'), material.certPem);
    writeFileSync(join(dir, 'key.pem'), material.keyPem, { mode: 0o600 });
    const config = {
      ...defaultConfig(),
      listenTls: true,
      tlsCertFile: join(dir, 'cert.pem'),
      tlsKeyFile: join(dir, 'key.pem'),
      tlsMinVersion: '1.3' as const,
    };

    const setup = await setupTls(config, '10.0.0.2', true, {
      store,
      logger,
      fs: new NodeFs(),
      clock: createSystemClock(),
    });

    expect(setup.protocol).to.equal('https');
    expect(setup.verifyCa).to.equal(null);
    expect(setup.server?.cert).to.equal(material.certPem);
    expect(setup.server?.minVersion).to.equal('TLSv1.3');
  });
});
