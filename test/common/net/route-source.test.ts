import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { kernelRouteSource } from '../../../common/net/route-source.js';

const run = promisify(execFile);
const MODULE = fileURLToPath(new URL('../../../common/net/route-source.ts', import.meta.url));

/** iproute2's answer for `destination`: its prefsrc, or null when `ip` has no route (or is missing). */
async function iprouteSource(destination: string): Promise<string | null> {
  try {
    const { stdout } = await run('ip', ['-j', 'route', 'get', destination]);
    const routes = JSON.parse(stdout) as { prefsrc?: string }[];
    return routes[0]?.prefsrc ?? null;
  } catch {
    return null;
  }
}

/** The rejection of `promise`, or null when it resolved. */
async function rejection(promise: Promise<unknown>): Promise<(Error & { code?: string }) | null> {
  return promise.then(
    () => null,
    (error: unknown) => error as Error,
  );
}

describe('net/route-source', () => {
  describe('kernelRouteSource on this machine, against iproute2', () => {
    // Loopback both ways, and addresses that go out by the default route when there is one.
    for (const destination of ['127.0.0.1', '127.0.0.53', '::1', '192.0.2.10', '203.0.113.5', '2001:db8::10']) {
      it(`${destination}: the prefsrc of \`ip route get\`, or the same refusal`, async function () {
        const expected = await iprouteSource(destination);
        const error = await rejection(kernelRouteSource(destination));
        if (expected === null) {
          if (error === null) this.skip(); // no `ip` here, or it refuses what the kernel routes: nothing to compare
          expect(error.code).to.match(/^(ENETUNREACH|EHOSTUNREACH|EADDRNOTAVAIL|EINVAL)$/);
          return;
        }
        expect(error).to.equal(null);
        expect(await kernelRouteSource(destination)).to.equal(expected);
      });
    }
  });

  it('refuses what is not an IP address before opening a socket', async () => {
    const error = await rejection(kernelRouteSource('ironic.example.com'));

    expect(error?.message).to.equal('ironic.example.com is not an IP address');
  });

  it('fails with the kernel error in a network namespace without routes', async function () {
    if (process.getuid?.() !== 0) this.skip(); // unshare -n needs root
    this.timeout(30_000);
    const code = [
      `import { kernelRouteSource } from ${JSON.stringify(MODULE)};`,
      `for (const d of ['192.0.2.10', '127.0.0.1', '2001:db8::10']) {`,
      `  await kernelRouteSource(d).then((s) => console.log(d, 'source', s), (e) => console.log(d, 'error', e.code));`,
      `}`,
    ].join('\n');
    const { stdout } = await run('unshare', [
      '-n',
      process.execPath,
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      code,
    ]);

    // A fresh namespace has only `lo`, and it is down: no route anywhere, loopback included (`ip route get`
    // answers "Network is unreachable" for all three). IPv6 fails at source selection: no address to bind.
    expect(stdout.trim().split('\n')).to.deep.equal([
      '192.0.2.10 error ENETUNREACH',
      '127.0.0.1 error ENETUNREACH',
      '2001:db8::10 error EADDRNOTAVAIL',
    ]);
  });
});
