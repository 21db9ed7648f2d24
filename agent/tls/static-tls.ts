/**
 * Static TLS (`listen_tls` with `tls_cert_file` / `tls_key_file`): read and
 * check the operator's certificate and key before the API starts, so a bad
 * file fails startup with a message naming the option and the file.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { ConfigError } from '../../common/errors.js';
import type { Fs } from '../../common/fs/fs.js';
import type { TlsMaterial } from './auto-tls.js';

/**
 * Load the PEM certificate and key and check that they belong together and
 * that the certificate has not expired.
 * @param deps - where the files are read from, and the current time
 * @throws ConfigError naming the option and file and what to fix
 */
export async function loadStaticTls(
  certFile: string,
  keyFile: string,
  deps: { fs: Pick<Fs, 'readFile'>; now: Date },
): Promise<TlsMaterial> {
  const { now } = deps;
  const certPem = await readPem(deps.fs, 'tls_cert_file', certFile);
  const keyPem = await readPem(deps.fs, 'tls_key_file', keyFile);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new ConfigError(
      `tls_cert_file ${certFile} does not hold a PEM certificate: point it at a "BEGIN CERTIFICATE" file`,
    );
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new ConfigError(
      `tls_key_file ${keyFile} does not hold an unencrypted PEM private key: ` +
        'point it at a "BEGIN PRIVATE KEY" file (encrypted keys are not supported)',
    );
  }
  if (!cert.checkPrivateKey(key)) {
    throw new ConfigError(
      `tls_key_file ${keyFile} is not the key of the certificate in tls_cert_file ${certFile}: use the matching pair`,
    );
  }
  if (new Date(cert.validTo).getTime() < now.getTime()) {
    throw new ConfigError(
      `the certificate in tls_cert_file ${certFile} expired on ${new Date(cert.validTo).toISOString()}: renew it`,
    );
  }
  return { certPem, keyPem };
}

async function readPem(fs: Pick<Fs, 'readFile'>, option: string, file: string): Promise<string> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(`cannot read ${option} ${file} (${code}): check the path and that the agent can read it`);
  }
}
