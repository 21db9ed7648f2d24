/**
 * GRUB configuration of the CoreOS-like image (pure).
 *
 * As Fedora CoreOS's static config (coreos/bootupd src/grub2: the boot
 * filesystem as `$root`, then its configs.d, then `blscfg`), the boot
 * partition's grub.cfg sets `$ignition_firstboot` from `/ignition.firstboot`
 * (coreos/ignition grub2/05_ignition.cfg) and then runs `blscfg`, which makes
 * one menu entry per BLS entry in `/loader/entries` at boot. So a deployment
 * ostree writes later (only BLS entries: the image sets
 * `sysroot.bootloader=none`, as FCOS does) is what GRUB boots next. The
 * `blscfg` here is upstream GRUB's (2.14, module `blsuki`,
 * grub-core/commands/blsuki.c): it orders entries by file name, newest
 * version first (ostree names the default deployment's entry highest), and
 * expands `$variables` in `options` when `blscfg` runs, which is why the
 * firstboot snippet comes before it.
 */

/** The firstboot snippet: `$ignition_firstboot` is `ignition.firstboot` plus any network kargs the stamp file sets. */
export const FIRSTBOOT_SNIPPET = [
  'set ignition_firstboot=""',
  'if [ -f "/ignition.firstboot" ]; then',
  "  set ignition_network_kcmdline=''",
  '  source "/ignition.firstboot"',
  '  set ignition_firstboot="ignition.firstboot ${ignition_network_kcmdline}"',
  'fi',
].join('\n');

/**
 * The boot partition's grub.cfg: serial console, the firstboot snippet, then
 * `blscfg` (entry 0, the default, is ostree's default deployment).
 */
export function bootGrubConfig(timeoutSeconds = 1): string {
  return [
    'serial --unit=0 --speed=115200',
    'terminal_input serial console',
    'terminal_output serial console',
    `set timeout=${timeoutSeconds}`,
    'set default=0',
    FIRSTBOOT_SNIPPET,
    'blscfg',
    '',
  ].join('\n');
}

/**
 * The modules the boot partition's config needs, loaded from the standalone
 * image's memdisk before `$root` moves to the boot partition (which holds no
 * modules): `search` finds no GPT partition unless part_gpt is loaded, and
 * `blscfg` is blsuki's.
 */
export const GRUB_MODULES = [
  'part_gpt',
  'ext2',
  'search_fs_uuid',
  'configfile',
  'normal',
  'test',
  'serial',
  'terminal',
  'linux',
  'gzio',
  'echo',
  'blsuki',
];

/** The ESP's embedded config: find the boot partition by filesystem UUID and read its grub.cfg. */
export function espGrubConfig(bootUuid: string): string {
  if (!/^[0-9a-f-]{36}$/.test(bootUuid)) throw new Error(`Not a filesystem UUID: ${bootUuid}`);
  return [
    ...GRUB_MODULES.map((m) => `insmod ${m}`),
    `search --no-floppy --fs-uuid --set=root ${bootUuid}`,
    'configfile ($root)/grub2/grub.cfg',
    '',
  ].join('\n');
}
