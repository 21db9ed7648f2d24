/**
 * Where `reprovision plan|apply CONFIG` reads the config from: a file, `-`
 * for stdin (`ssh core@node 'sudo ... reprovision apply --now -' < new.ign`),
 * or an http(s) URL. Every way is bounded by {@link MAX_CONFIG_BYTES}.
 */
import { resolve } from 'node:path';
import type { CliIO } from '../../common/cli/types.js';
import type { Fs } from '../../common/fs/fs.js';
import { ReprovisionError } from '../errors.js';
import type { HttpGet } from './http.js';
import { MAX_CONFIG_BYTES } from '../../ignition/config-text.js';

/** The text of the config and a name for it in messages. */
export interface ConfigText {
  readonly text: string;
  readonly origin: string;
}

/** Read the config `spec` names. @throws ReprovisionError */
export async function readConfigText(
  spec: string,
  io: CliIO,
  fs: Pick<Fs, 'readFile'>,
  get: HttpGet,
): Promise<ConfigText> {
  if (spec === '-') return { text: await readStdin(io.stdin), origin: 'stdin' };
  if (/^https?:\/\//i.test(spec)) {
    try {
      const result = await get(spec, { maxBytes: MAX_CONFIG_BYTES, keep: true });
      return { text: result.body!.toString('utf8'), origin: spec };
    } catch (error) {
      throw new ReprovisionError(
        `the config ${spec} cannot be fetched`,
        'Check the URL and the network; nothing was changed',
        {
          cause: error,
        },
      );
    }
  }
  const path = resolve(io.cwd, spec);
  let text: string;
  try {
    text = await fs.readFile(path);
  } catch (error) {
    throw new ReprovisionError(`the config ${path} cannot be read`, 'Check the path; nothing was changed', {
      cause: error,
    });
  }
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
    throw new ReprovisionError(
      `the config ${path} is larger than ${MAX_CONFIG_BYTES} bytes`,
      'Pass an Ignition config',
    );
  }
  return { text, origin: path };
}

/** All of stdin, at most {@link MAX_CONFIG_BYTES}. @throws ReprovisionError */
async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > MAX_CONFIG_BYTES) {
      throw new ReprovisionError(
        `stdin holds more than ${MAX_CONFIG_BYTES} bytes`,
        'Pipe an Ignition config into the command',
      );
    }
    chunks.push(buffer);
  }
  if (bytes === 0)
    throw new ReprovisionError('stdin is empty', 'Pipe the Ignition config into the command (`< new.ign`)');
  return Buffer.concat(chunks).toString('utf8');
}
