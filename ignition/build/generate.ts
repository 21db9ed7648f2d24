/**
 * The whole `ignition build` pipeline without IO: validated options plus the
 * contents of the files they name → the Ignition JSON text.
 */
import { ConfigError } from '../../common/errors.js';
import { CONTAINER_CA_PATH } from '../../container/paths.js';
import { proxyEnvironment, renderEnvironmentFile } from '../../container/proxy-env.js';
import { renderAgentUnit } from '../../container/systemd-unit.js';
import { renderAgentConf } from './agent-conf.js';
import { buildIgnitionConfig, serializeIgnition } from './build-config.js';
import { mergeIgnition, type MergeSource } from '../merge.js';
import type { BuildOptions } from './options.js';

/** Contents of the files the options name. */
export interface BuildInputs {
  /** Public keys for user core. */
  sshKeys: string[];
  /** `--ca-file` contents, or null. */
  caPem: string | null;
  /** `--pull-secret` contents, or null. */
  pullSecret: string | null;
  /** Parsed `--merge` configs, in order. */
  merges: MergeSource[];
}

/**
 * Check a CA bundle: PEM certificates only.
 * @throws ConfigError when there is no certificate or there is a private key
 */
export function checkCaBundle(pem: string, source: string): void {
  if (pem.includes('PRIVATE KEY-----'))
    throw new ConfigError(`${source} contains a private key: pass only the CA certificate(s)`);
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) {
    throw new ConfigError(`${source} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`);
  }
}

/**
 * Check a registry pull secret: a JSON object with an `auths` object, as
 * `podman login --authfile` writes it.
 * @throws ConfigError otherwise
 */
export function checkPullSecret(text: string, source: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(
      `${source} is not JSON: expected an auth file such as {"auths": {"quay.io": {"auth": "..."}}}`,
    );
  }
  const auths =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['auths'] : undefined;
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) {
    throw new ConfigError(
      `${source} has no "auths" object: expected an auth file such as {"auths": {"quay.io": {"auth": "..."}}}`,
    );
  }
}

/**
 * Render the Ignition config text.
 * @throws ConfigError for any invalid value (the CLI reports it as a usage error)
 */
export function generateIgnition(options: BuildOptions, inputs: BuildInputs): string {
  if (inputs.caPem !== null) checkCaBundle(inputs.caPem, options.caFile ?? '--ca-file');
  if (inputs.pullSecret !== null) checkPullSecret(inputs.pullSecret, options.pullSecretFile ?? '--pull-secret');
  const proxy = proxyEnvironment(options.proxy);
  const conf = renderAgentConf({
    apiUrls: options.apiUrls,
    inspectionUrls: options.inspectionUrls,
    insecure: options.insecure,
    cafile: inputs.caPem !== null ? CONTAINER_CA_PATH : null,
    extra: options.agentConfig,
  });
  const unit = renderAgentUnit({
    image: options.image,
    tlsVerify: options.tlsVerify,
    authfile: inputs.pullSecret !== null,
    caFile: inputs.caPem !== null,
    rootMount: options.rootMount,
    environment: proxy.inline,
    environmentFile: proxy.secret.length > 0,
  });
  const config = buildIgnitionConfig({
    spec: options.spec,
    sshKeys: inputs.sshKeys,
    conf,
    unit,
    caPem: inputs.caPem,
    pullSecret: inputs.pullSecret,
    proxyEnv: proxy.secret.length > 0 ? renderEnvironmentFile(proxy.secret) : null,
  });
  return serializeIgnition(mergeIgnition(config, inputs.merges, options.spec));
}
