/**
 * Test fixtures for the `iso` / `pxe` tooling: ISO images built with the real
 * genisoimage in a temp dir, real xz/zstd codecs, the upstream fixture folder,
 * and a CliIO that captures output.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import type { CliIO } from '../../common/cli/types.js';
import type { InitrdCodecs } from '../../iso/initrd.js';
import { SystemXzCodec } from '../../iso/xz.js';
import { SystemZstdDecoder } from '../../iso/zstd.js';

/** The project root (where package.json is). */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Upstream coreos-installer fixtures, `../shared/coreos-installer-fixtures` from the project root. */
export const upstreamFixtures = join(projectRoot, '..', 'shared', 'coreos-installer-fixtures');

/** Size of the embed area in every real image. */
export const AREA_SIZE = 262144;

/** The shared real runner. */
export const runner = new ExecaRunner();

/** Real codecs (system xz and zstd). */
export function realCodecs(): InitrdCodecs {
  return { xz: new SystemXzCodec(runner), zstd: new SystemZstdDecoder(runner) };
}

/** Hex sha256 of bytes. */
export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A fresh temp dir with the `iso` tag; remove it with {@link removeTempDir}. */
export function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'iso-test-'));
}

/** Remove a temp dir made by {@link makeTempDir}. */
export async function removeTempDir(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}

/** Layouts of test ISOs. */
export type IsoLayout =
  /** 2023+: COREOS/IGNINFO.JSO → images/ignition.img. */
  | 'igninfo'
  /** before 2023: only IMAGES/IGNITION.IMG. */
  | 'legacy'
  /** s390x: IGNINFO.JSO → a slice of images/cdboot.img at offset 132096. */
  | 's390x'
  /** not CoreOS: no embed area at all. */
  | 'plain';

/** Offset of the area inside cdboot.img in the s390x layout. */
export const S390X_OFFSET = 132096;

/**
 * Build an ISO with genisoimage. The area is 256 KiB of zeros; other files are
 * non-zero so that misplaced writes are visible; `extra` adds or replaces
 * files. Returns the ISO's path.
 */
export async function buildIso(
  dir: string,
  layout: IsoLayout,
  name = `${layout}.iso`,
  extra: Record<string, Buffer> = {},
): Promise<string> {
  const root = join(dir, `${name}.root`);
  await writeTree(root, { ...treeFor(layout), ...extra });
  const iso = join(dir, name);
  await runner.run(['genisoimage', '-quiet', '-V', 'COREOS_TEST', '-o', iso, root]);
  await rm(root, { recursive: true, force: true });
  return iso;
}

function treeFor(layout: IsoLayout): Record<string, Buffer> {
  const filler = Buffer.alloc(5000, 'k');
  const tree: Record<string, Buffer> = { 'isolinux/isolinux.cfg': filler, 'zz/after.bin': Buffer.alloc(3000, 0xaa) };
  if (layout === 'igninfo' || layout === 'legacy') tree['images/ignition.img'] = Buffer.alloc(AREA_SIZE);
  if (layout === 'igninfo') tree['coreos/igninfo.json'] = Buffer.from('{"file": "images/ignition.img"}\n');
  if (layout === 's390x') {
    tree['images/cdboot.img'] = Buffer.concat([
      Buffer.alloc(S390X_OFFSET, 0x5a),
      Buffer.alloc(AREA_SIZE),
      Buffer.alloc(4096, 0x5a),
    ]);
    tree['coreos/igninfo.json'] = Buffer.from(
      `{"file":"images/cdboot.img","offset":${S390X_OFFSET},"length":${AREA_SIZE}}`,
    );
  }
  return tree;
}

async function writeTree(root: string, tree: Record<string, Buffer>): Promise<void> {
  for (const [path, data] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), data);
  }
}

/** Decompress an upstream `.xz` fixture into `dir`; undefined when the fixture is absent. */
export async function unxzFixture(relative: string, dir: string): Promise<string | undefined> {
  const source = join(upstreamFixtures, relative);
  if (!existsSync(source)) return undefined;
  const out = join(dir, relative.replace(/\//g, '_').replace(/\.xz$/, ''));
  const { stdoutBuffer } = await runner.run(['xz', '-dc', source], { binary: true });
  await writeFile(out, stdoutBuffer ?? Buffer.alloc(0));
  return out;
}

/** Skip the current suite because the upstream fixture folder is absent, saying so. */
export function skipMissingFixtures(context: Mocha.Context): never {
  process.stdout.write(`      (skipping: upstream coreos-installer fixtures not found in ${upstreamFixtures})\n`);
  context.skip();
}

/** Read a file (shorthand). */
export function read(path: string): Promise<Buffer> {
  return readFile(path);
}

/** A CliIO whose output is captured; `stdoutIsTty` simulates a terminal. */
export interface CapturedIO extends CliIO {
  out(): Buffer;
  err(): string;
}

/** Build a capturing CliIO with `stdin` bytes. */
export function captureIO(options: { stdin?: Buffer | string; cwd?: string; stdoutIsTty?: boolean } = {}): CapturedIO {
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  const sink = (chunks: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(Buffer.from(chunk));
        callback();
      },
    });
  const stdout = sink(outChunks);
  if (options.stdoutIsTty === true) Object.assign(stdout, { isTTY: true });
  const stdin = options.stdin === undefined ? endedStream() : Readable.from([Buffer.from(options.stdin)]);
  return {
    stdin,
    stdout,
    stderr: sink(errChunks),
    env: {},
    cwd: options.cwd ?? process.cwd(),
    out: () => Buffer.concat(outChunks),
    err: () => Buffer.concat(errChunks).toString('utf8'),
  };
}

function endedStream(): Readable {
  const stream = new PassThrough();
  stream.end();
  return stream;
}

/** Assert that a promise rejects with an error of `type` whose message includes `text`. */
export async function expectRejection(
  promise: Promise<unknown>,
  type: new (...args: never[]) => Error,
  text: string,
): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    expect((error as Error).message).to.include(text);
    return error as Error;
  }
  throw new Error(`expected a rejection including "${text}"`);
}
