/**
 * A node's desired config: read, checked with the Ignition validator, and
 * hashed exactly as `reprovision` hashes it (sha256 of the config's bytes,
 * ignition/hash.ts configSha256, which reprovision uses too), so that the fleet's desired
 * sha256 and the one a node reports in its success marker are comparable.
 */
import { configSha256 } from '../ignition/hash.js';
import axios from 'axios';
import { checkConfigText, issueLine, MAX_CONFIG_BYTES } from '../ignition/config-text.js';

/** Reads a config source (an absolute path or an http(s) URL) as UTF-8 text. */
export type ReadSource = (source: string) => Promise<string>;

/** The config cannot be the desired config of a node. */
export class DesiredConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DesiredConfigError';
  }
}

/**
 * Check `text` (from `source`) is a valid Ignition 3.x config; return its sha256.
 * @throws DesiredConfigError naming the source and every problem
 */
export function checkDesired(text: string, source: string): string {
  const checked = checkConfigText(text);
  if (checked.kind === 'not-json') {
    throw new DesiredConfigError(`${source} is not JSON (an Ignition 3.x config is; translate Butane first)`, {
      cause: checked.error,
    });
  }
  if (checked.kind === 'invalid') {
    throw new DesiredConfigError(
      `${source} is not a valid Ignition config: ${checked.errors.map(issueLine).join('; ')}`,
    );
  }
  return configSha256(text);
}

/** A desired config: its exact text (what is sent to the node or to Ironic) and that text's sha256. */
export interface DesiredConfig {
  readonly text: string;
  readonly sha256: string;
}

/** Read and check the config at `source`; return its text and sha256. @throws DesiredConfigError */
export async function loadDesiredConfig(source: string, read: ReadSource): Promise<DesiredConfig> {
  let text: string;
  try {
    text = await read(source);
  } catch (error) {
    throw new DesiredConfigError(`cannot read ${source}: ${(error as Error).message}`, { cause: error });
  }
  return { text, sha256: checkDesired(text, source) };
}

/** Read and check the config at `source`; return its sha256. @throws DesiredConfigError */
export async function loadDesired(source: string, read: ReadSource): Promise<string> {
  return (await loadDesiredConfig(source, read)).sha256;
}

/** GET an http(s) config as text (the real fetch of a URL source; 200 only, bounded). */
export async function httpGetText(url: string): Promise<string> {
  const response = await axios.get<ArrayBuffer>(url, {
    responseType: 'arraybuffer',
    timeout: 30_000,
    maxRedirects: 5,
    maxContentLength: MAX_CONFIG_BYTES,
    validateStatus: () => true,
  });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  return Buffer.from(response.data).toString('utf8');
}
