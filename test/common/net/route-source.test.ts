import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { kernelRouteSource } from '../../../common/net/route-source.js';

const run = promisify(execFile);
const MODULE = fileURLToPath(new URL('../../../common/net/route-source.ts', import.meta.url));

/** Errors connect(2) gives for a destination the kernel will not route to (or a family it lacks). */
const REFUSALS = /^(ENETUNREACH|EHOSTUNREACH|EADDRNOTAVAIL|EINVAL|EACCES|EAFNOSUPPORT)$/;

/** What iproute2 says about `destination`; null when `ip` is not installed. */
type IpAnswer = { kind: 'source'; prefsrc: string } | { kind: 'no-source' } | { kind: 'refused' };

async function askIproute(destination: string): Promise<IpAnswer | null> {
  let stdout: string;
  try {
    ({ stdout } = await run('ip', ['-j', 'route', 'get', destination]));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : { kind: 'refused' };
  }
  const prefsrc = (JSON.parse(stdout) as { prefsrc?: string }[])[0]?.prefsrc;
  return prefsrc === undefined ? { kind: 'no-source' } : { kind: 'source', prefsrc };
}

/** The rejection of `promise`, or null when it resolved. */
async function rejection(promise: Promise<unknown>): Promise<(Error & { code?: string }) | null> {
  return promise.then(
    () => null,
    (error: unknown) => error as Error,
  );
}

/** Whether this process may make a network namespace (root, and no seccomp profile forbidding unshare). */
async function canUnshareNet(): Promise<boolean> {
  try {
    await run('unshare', ['-n', 'true']);
    return true;
  } catch {
    return false;
  }
}

/** Run `setup` and then node printing kernelRouteSource's answer for each destination, in a new network namespace. */
async function inNamespace(setup: string, destinations: string[]): Promise<string[]> {
  const code = [
    `import { kernelRouteSource } from ${JSON.stringify(MODULE)};`,
    `for (const d of ${JSON.stringify(destinations)}) {`,
    `  await kernelRouteSource(d).then((s) => console.log(d, 'source', s), (e) => console.log(d, 'error', e.code ?? e.message));`,
    `}`,
  ].join('\n');
  const script = `${setup}\nexec "$0" --import tsx --input-type=module -e "$1"`;
  const { stdout } = await run('unshare', ['-n', 'bash', '-ec', script, process.execPath, code]);
  return stdout.trim().split('\n');
}

describe('net/route-source', () => {
  describe('kernelRouteSource on this machine, against iproute2', () => {
    // Loopback both ways, and addresses that go out by the default route when there is one.
    for (const destination of ['127.0.0.1', '127.0.0.53', '::1', '192.0.2.10', '203.0.113.5', '2001:db8::10']) {
      it(`${destination}: the prefsrc of \`ip route get\`, or a refusal where it has none`, async function () {
        const ip = await askIproute(destination);
        if (ip === null) this.skip(); // no iproute2 here: nothing to compare with
        const error = await rejection(kernelRouteSource(destination));
        if (ip.kind === 'source') {
          expect(error).to.equal(null);
          expect(await kernelRouteSource(destination)).to.equal(ip.prefsrc);
        } else if (ip.kind === 'no-source') {
          expect(error?.message).to.equal(`the route to ${destination} has no source address yet`);
        } else {
          expect(error?.code).to.match(REFUSALS);
        }
      });
    }
  });

  it('refuses what is not an IP address before opening a socket', async () => {
    const error = await rejection(kernelRouteSource('ironic.example.com'));

    expect(error?.message).to.equal('ironic.example.com is not an IP address');
  });

  describe('in network namespaces of its own', function () {
    this.timeout(30_000);

    before(async function () {
      if (!(await canUnshareNet())) this.skip(); // needs root, and unshare allowed
    });

    it('fails with the kernel error where nothing is routed', async () => {
      // A fresh namespace has only `lo`, and it is down: `ip route get` answers "Network is unreachable" for all
      // three. IPv6 fails at source selection: no address to bind.
      expect(await inNamespace('', ['192.0.2.10', '127.0.0.1', '2001:db8::10'])).to.deep.equal([
        '192.0.2.10 error ENETUNREACH',
        '127.0.0.1 error ENETUNREACH',
        '2001:db8::10 error EADDRNOTAVAIL',
      ]);
    });

    /** lo up, a veth pair up, the default route through it, then `more`. */
    const DEFAULT_DEV_V0 = [
      'ip link set lo up',
      'ip link add v0 type veth peer name v1',
      'ip link set v0 up',
      'ip link set v1 up',
      'ip route add default dev v0',
    ];

    it('refuses a route whose interface has no address yet, where ip route get shows no prefsrc', async () => {
      // The premise, checked in the namespace: iproute2 has the route but no source for it.
      const setup = [...DEFAULT_DEV_V0, 'ip -j route get 192.0.2.10 | grep -qv prefsrc'].join('\n');

      expect(await inNamespace(setup, ['192.0.2.10', '127.0.0.1'])).to.deep.equal([
        '192.0.2.10 error the route to 192.0.2.10 has no source address yet',
        '127.0.0.1 source 127.0.0.1',
      ]);
    });

    it('takes the address the same route gets once its interface has one, as iproute2 does', async () => {
      const setup = [
        ...DEFAULT_DEV_V0,
        'ip addr add 10.9.0.2/24 dev v0',
        'ip -j route get 192.0.2.10 | grep -q \'"prefsrc":"10.9.0.2"\'',
      ].join('\n');

      expect(await inNamespace(setup, ['192.0.2.10', '10.9.0.7'])).to.deep.equal([
        '192.0.2.10 source 10.9.0.2',
        '10.9.0.7 source 10.9.0.2',
      ]);
    });
  });
});
