/**
 * The agent as a process (cli/index.ts under tsx): what reaches Ironic and how
 * it exits, through the real composition root. Ironic is FakeIronic on
 * 127.0.0.1; lookups are answered 404 so the agent gives up after one second.
 */
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../../common/cli/version.js';
import { FakeIronic, FAULTS, ironicError } from '../helpers/fake-ironic.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REQUEST_ID = 'req-5a3f1c2e-8d4b-4e6f-9a1b-2c3d4e5f6a7b';

describe('cli: the agent process', function () {
  this.timeout(60_000);
  let dir: string;
  let ironic: FakeIronic;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-process-'));
    writeFileSync(join(dir, 'cmdline'), 'quiet\n');
    ironic = await FakeIronic.start();
    ironic.handler = (request) =>
      request.url.startsWith('/v1/lookup')
        ? { status: 404, body: ironicError(FAULTS.notFound) }
        : ironic.happyPath(request);
  });

  afterEach(async () => {
    await ironic.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Run `agent` with flags that keep it off this machine's disks and state, plus `extra`. */
  function runAgent(extra: readonly string[]): Promise<{ exitCode: number; stderr: string }> {
    return execa(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'cli', 'index.ts'),
        'agent',
        '--api-url',
        ironic.url,
        '--config-dir',
        dir,
        '--cmdline-path',
        join(dir, 'cmdline'),
        '--state-dir',
        join(dir, 'state'),
        '--device-allowlist',
        '/dev/nonexistent*',
        '--disk-wait-attempts',
        '0',
        '--lookup-timeout',
        '1',
        '--no-enable-auto-tls',
        ...extra,
      ],
      { cwd: ROOT, reject: false, timeout: 45_000 },
    ).then((r) => ({ exitCode: r.exitCode ?? -1, stderr: String(r.stderr) }));
  }

  it('names itself and its version in the User-Agent, and sends the request id from the first GET / on', async () => {
    const result = await runAgent(['--global-request-id', REQUEST_ID]);

    expect(result.exitCode, result.stderr).to.equal(1);
    expect(ironic.requests.length).to.be.greaterThan(2);
    expect(ironic.requests[0]).to.deep.include({ method: 'GET', url: '/' });
    const headers = new Set(
      ironic.requests.map((r) => `${String(r.headers['user-agent'])} ${String(r.headers['x-openstack-request-id'])}`),
    );
    expect([...headers]).to.deep.equal([`ironic-coreos-agent/${await packageVersion()} ${REQUEST_ID}`]);
  });

  it('exits 2, as for a bad flag, when a file an option names cannot be used at start-up', async () => {
    const result = await runAgent(['--cafile', join(dir, 'missing-ca.pem')]);

    expect(result.exitCode).to.equal(2);
    expect(result.stderr).to.match(/ERROR Invalid configuration .*cafile \S+missing-ca\.pem cannot be read \(ENOENT\)/);
    expect(ironic.requests).to.deep.equal([]);
  });
});
