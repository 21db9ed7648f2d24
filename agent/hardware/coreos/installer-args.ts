/**
 * The coreos-installer command line (pure, table-tested).
 *
 * Port of the argv built by openshift/ironic-agent-image `install_coreos`:
 * `chroot <root> coreos-installer install --preserve-on-error ... <device>`,
 * fixed to pass ONE `--append-karg` per kernel argument (upstream joins the
 * list with commas, which current coreos-installer keeps as a single karg),
 * and extended with `--console`, `--platform`, `--save-partlabel`,
 * `--save-partindex` and `--delete-karg`.
 */

/** The Ignition file as seen inside the chroot (written to `<rootMount>/tmp/ironic.ign`). */
export const IGNITION_PATH_IN_ROOT = '/tmp/ironic.ign';

/** Everything that decides the argv; built and validated by install-options.ts. */
export interface InstallOptions {
  /** Host root to chroot into (AgentConfig.rootMount, default /mnt/coreos). */
  rootMount: string;
  /** Target disk, always the last argument. */
  device: string;
  /** Pass `--ignition-file /tmp/ironic.ign`. */
  hasIgnition: boolean;
  /** `instance_info.image_source` (an http(s) metal image URL), or null for `--offline`. */
  imageUrl: string | null;
  /**
   * Add `--insecure` after `--image-url`. Policy: true by default
   * (AgentConfig.coreosAllowUnsignedImage, the upstream behaviour), because
   * images served to Ironic rarely have a detached `<url>.sig`. `--insecure`
   * only tolerates a MISSING signature; a signature that exists but does not
   * verify still fails the install. Operators who publish signatures should
   * set it to false so that an unsigned image is refused.
   */
  allowUnsignedImage: boolean;
  /** One `--append-karg` each: meta_data `coreos_append_karg`, then config `coreosIpOptions`. */
  appendKargs: string[];
  /** One `--delete-karg` each (step arg `delete_karg`). */
  deleteKargs: string[];
  /** `--copy-network`. */
  copyNetwork: boolean;
  /** One `--console` each. */
  consoles: string[];
  /** `--platform`, or null. */
  platform: string | null;
  /** One `--save-partlabel` each. */
  savePartlabels: string[];
  /** One `--save-partindex` each. */
  savePartindexes: string[];
}

/**
 * Build `chroot <rootMount> coreos-installer install <options> <device>`.
 * Options come in a fixed order; the device is always last.
 */
export function buildInstallerArgv(options: InstallOptions): string[] {
  const argv = ['chroot', options.rootMount, 'coreos-installer', 'install', '--preserve-on-error'];
  if (options.hasIgnition) argv.push('--ignition-file', IGNITION_PATH_IN_ROOT);
  for (const karg of options.appendKargs) argv.push('--append-karg', karg);
  if (options.imageUrl !== null) {
    argv.push('--image-url', options.imageUrl);
    if (options.allowUnsignedImage) argv.push('--insecure');
  } else {
    argv.push('--offline');
  }
  if (options.copyNetwork) argv.push('--copy-network');
  for (const karg of options.deleteKargs) argv.push('--delete-karg', karg);
  for (const console of options.consoles) argv.push('--console', console);
  if (options.platform !== null) argv.push('--platform', options.platform);
  for (const label of options.savePartlabels) argv.push('--save-partlabel', label);
  for (const index of options.savePartindexes) argv.push('--save-partindex', index);
  argv.push(options.device);
  return argv;
}

/** An http(s) URL: scheme, optional userinfo, the rest up to `?`, then query and fragment. Ends at whitespace or a quote. */
const HTTP_URL = /(https?:\/\/)(?:[^\s/?#"'<>]*@)?([^\s?#"'<>]*)([?#][^\s"'<>]*)?/gi;

/**
 * Mask the userinfo (`user:password@`) and the whole query string and
 * fragment of every http(s) URL in `text` (pure). Swift temp URLs
 * (`temp_url_sig`) and S3 presigned URLs (`X-Amz-Signature`) carry their
 * secret in the query. Applied to the logged argv, installer output,
 * progress lines and error messages. Userinfo of other schemes is masked too.
 */
export function redactUrls(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@')
    .replace(HTTP_URL, (url: string, scheme: string, rest: string, query: string | undefined) => {
      const userinfo = url.slice(scheme.length).split(/[/?#]/, 1)[0]?.includes('@') === true ? '***@' : '';
      return `${scheme}${userinfo}${rest}${query === undefined ? '' : `${query[0] ?? '?'}***`}`;
    });
}
