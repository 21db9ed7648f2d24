/**
 * The settings of one test bed (ports, paths, TLS, inspector) with their
 * defaults and checks, the test bed's directory layout and its URLs.
 */
import { join } from 'node:path';

/** Everything that shapes a test bed's configuration. */
export interface IronicSettings {
  /** Absolute directory holding config, database, logs and PID files. */
  dir: string;
  /** Address Ironic (and ironic-inspector) listen on; the node namespaces route to it. */
  hostIp: string;
  /** Ironic API port. Default: 6385 when free on `hostIp`, else a free port. */
  port?: number;
  /** `[conductor]automated_clean`. Default false. */
  automatedClean?: boolean;
  /** `[deploy]fast_track`. Default false. */
  fastTrack?: boolean;
  /** `[conductor]deploy_callback_timeout` and `clean_callback_timeout` in seconds. Default 120. */
  callbackTimeout?: number;
  /** `[conductor]check_provision_state_interval` in seconds. Default 10. */
  checkProvisionInterval?: number;
  /** `[api]ramdisk_heartbeat_timeout` in seconds (sent to the agent at lookup). Default 300. */
  heartbeatTimeout?: number;
  /** Also run ironic-inspector and point Ironic's `inspector` interface at it. Default false. */
  inspector?: boolean;
  /** ironic-inspector port. Default 5050. */
  inspectorPort?: number;
  /** `[inspector]status_check_period`: how often Ironic asks inspector for results (s). Default 2. */
  inspectorStatusCheckPeriod?: number;
  /**
   * ironic-inspector's `[processing]processing_hooks`, e.g. Metal3's
   * `$default_processing_hooks,extra_hardware,lldp_basic`. Default '' (inspector's own default).
   */
  inspectorProcessingHooks?: string;
  /** Port written into `[deploy]http_url` (no server is started). Default 8089. */
  httpPort?: number;
  /**
   * `[agent]require_tls` (Ironic 29 and newer; 21.4 never requires TLS): refuse
   * heartbeats whose callback URL is not https. Default: the release's own
   * default (true), i.e. the option is not written.
   */
  requireTls?: boolean;
}

/** Settings with every default filled in (`requireTls` stays optional: unset means the release's default). */
export type ResolvedSettings = Required<Omit<IronicSettings, 'requireTls'>> & Pick<IronicSettings, 'requireTls'>;

/**
 * Defaults of the optional settings: Ironic's usual ports and heartbeat timeout,
 * a 120 s callback timeout, no cleaning, no inspector.
 */
export const DEFAULTS: Omit<ResolvedSettings, 'dir' | 'hostIp'> = {
  port: 6385,
  automatedClean: false,
  fastTrack: false,
  callbackTimeout: 120,
  checkProvisionInterval: 10,
  heartbeatTimeout: 300,
  inspector: false,
  inspectorPort: 5050,
  inspectorStatusCheckPeriod: 2,
  inspectorProcessingHooks: '',
  httpPort: 8089,
};

/** Fill in defaults (`port` stays as given; 0 means "pick a free one" to IronicTestbed). */
export function resolveSettings(settings: IronicSettings): ResolvedSettings {
  return { ...DEFAULTS, ...stripUndefined(settings) } as ResolvedSettings;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Check settings before anything is written or started.
 * @throws Error naming the bad setting and what to use instead.
 */
export function validateSettings(s: ResolvedSettings): void {
  if (!s.dir.startsWith('/')) throw new Error(`Test bed dir "${s.dir}" must be an absolute path`);
  for (const key of ['port', 'inspectorPort', 'httpPort'] as const) {
    const v = s[key];
    if (!Number.isInteger(v) || v < 1 || v > 65535)
      throw new Error(`Test bed setting ${key}=${String(v)} must be a TCP port (1-65535)`);
  }
  for (const key of [
    'callbackTimeout',
    'checkProvisionInterval',
    'heartbeatTimeout',
    'inspectorStatusCheckPeriod',
  ] as const) {
    const v = s[key];
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`Test bed setting ${key}=${String(v)} must be a whole number of seconds >= 1`);
  }
  if (s.inspector && s.inspectorPort === s.port)
    throw new Error(`ironic-inspector and Ironic cannot both use port ${s.port}`);
}

/** Named paths of the test bed layout. */
export type TestbedPath =
  | 'ironicConf'
  | 'inspectorConf'
  | 'envSh'
  | 'ironicPid'
  | 'inspectorPid'
  | 'etc'
  | 'policy'
  | 'inspectorPolicy'
  | 'log'
  | 'run'
  | 'state'
  | 'tmp'
  | 'lock'
  | 'httpboot'
  | 'tftpboot'
  | 'deployLogs'
  | 'images'
  | 'ramdiskLogs';

/** Paths of the test bed layout (etc/, log/, run/, state/, the sqlite file, HTTP and TFTP roots), relative to `dir`. */
export function layout(dir: string): Record<TestbedPath, string> {
  return {
    ironicConf: join(dir, 'etc', 'ironic.conf'),
    inspectorConf: join(dir, 'etc', 'inspector.conf'),
    envSh: join(dir, 'env.sh'),
    ironicPid: join(dir, 'run', 'ironic.pid'),
    inspectorPid: join(dir, 'run', 'inspector.pid'),
    etc: join(dir, 'etc'),
    policy: join(dir, 'etc', 'policy.d'),
    inspectorPolicy: join(dir, 'etc', 'inspector-policy.d'),
    log: join(dir, 'log'),
    run: join(dir, 'run'),
    state: join(dir, 'state'),
    tmp: join(dir, 'tmp'),
    lock: join(dir, 'lock'),
    httpboot: join(dir, 'httpboot'),
    tftpboot: join(dir, 'tftpboot'),
    deployLogs: join(dir, 'deploy-logs'),
    images: join(dir, 'images'),
    ramdiskLogs: join(dir, 'log', 'ramdisk'),
  };
}

/** The Ironic API URL of a test bed. */
export function ironicUrl(s: Pick<ResolvedSettings, 'hostIp' | 'port'>): string {
  return `http://${s.hostIp}:${s.port}`;
}

/** The ironic-inspector URL of a test bed. */
export function inspectorUrl(s: Pick<ResolvedSettings, 'hostIp' | 'inspectorPort'>): string {
  return `http://${s.hostIp}:${s.inspectorPort}`;
}
