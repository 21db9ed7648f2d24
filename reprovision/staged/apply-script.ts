/**
 * The shell script that runs inside the private mount namespace of the apply
 * step: a constant (paths reach it only as positional parameters), so nothing
 * from the config or the caller is ever parsed as shell.
 *
 * It reproduces the order of FCOS's initrd: ignition-mount, then
 * ignition-ostree-populate-var (coreos/fedora-coreos-config
 * overlay.d/05core/usr/lib/dracut/modules.d/40ignition-ostree/ignition-ostree-populate-var.service:
 * After=ignition-mount.service, Before=ignition-files.service), then
 * ignition-files and ignition-umount. The seed's systemd-nspawn design runs
 * the same `mount && populate-var && files` chain.
 */

/** A step of the apply script, in order: Ignition's stages with FCOS's /var population between mount and files. */
export type ApplyStep = 'mount' | 'populate-var' | 'files' | 'umount';

/** The steps, in the order the script runs them. */
export const APPLY_STEPS: readonly ApplyStep[] = ['mount', 'populate-var', 'files', 'umount'];

/** The line the script prints on stdout before each step, followed by the step name. */
export const STAGE_MARKER = 'reprovision: ignition stage ';

/**
 * The /var subdirectories FCOS creates before Ignition's files stage, as
 * ignition-ostree-populate-var.sh does: `lib` and `log` by mkdir, the others by
 * `systemd-tmpfiles --create --boot --root --prefix` from the root's own
 * tmpfiles.d (so /home -> var/home exists before useradd makes a home there).
 */
export const POPULATE_VAR_DIRS: readonly string[] = [
  'lib',
  'log',
  'home',
  'roothome',
  'opt',
  'srv',
  'usrlocal',
  'mnt',
  'media',
];

/**
 * The script. Positional parameters: $1 fresh /var, $2 root, $3 Ignition,
 * $4 `yes` to populate /var, then Ignition's flags. `set -e` stops at the first
 * failure, with the failing command's exit code. `relabel` is coreos-relabel
 * (coreos/fedora-coreos-config .../40ignition-ostree/coreos-relabel): setfiles
 * with the root's own policy, skipped when the root has no SELinux config.
 */
export const APPLY_SCRIPT = [
  'set -eu',
  'var=$1 root=$2 ign=$3 populate=$4',
  'shift 4',
  'relabel() {',
  '  if [ ! -f "$root/etc/selinux/config" ]; then return 0; fi',
  `  type=$(sed -n 's/^SELINUXTYPE=//p' "$root/etc/selinux/config")`,
  '  setfiles -vFi0 -r "$root" "$root/etc/selinux/$type/contexts/files/file_contexts" "$root$1"',
  '}',
  'populate_var() {',
  `  for dir in ${POPULATE_VAR_DIRS.join(' ')}; do`,
  '    if [ -d "$root/var/$dir" ]; then continue; fi',
  '    case $dir in',
  '      lib|log) mkdir -p "$root/var/$dir" ;;',
  '      *) systemd-tmpfiles --create --boot --root="$root" --prefix="/var/$dir" ;;',
  '    esac',
  '    relabel "/var/$dir"',
  '  done',
  '}',
  'mount --bind "$var" "$root/var"',
  `for step in ${APPLY_STEPS.join(' ')}; do`,
  '  if [ "$step" = populate-var ] && [ "$populate" != yes ]; then continue; fi',
  `  echo "${STAGE_MARKER}$step"`,
  '  if [ "$step" = populate-var ]; then populate_var; else "$ign" -stage "$step" "$@"; fi',
  'done',
].join('\n');

/**
 * The step the script was running when it stopped: the last
 * {@link STAGE_MARKER} in its stdout, or null when it stopped before the first
 * step (the bind mount of /var failed).
 */
export function lastStep(stdout: string): ApplyStep | null {
  let step: ApplyStep | null = null;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(STAGE_MARKER)) continue;
    const name = line.slice(STAGE_MARKER.length).trim();
    if ((APPLY_STEPS as readonly string[]).includes(name)) step = name as ApplyStep;
  }
  return step;
}
