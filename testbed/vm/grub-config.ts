/**
 * GRUB configuration of the CoreOS-like image (pure).
 *
 * Fedora CoreOS boots with GRUB reading the BLS entries on its `boot`
 * partition (Fedora's `blscfg` command) after a snippet that sets
 * `$ignition_firstboot` when `/ignition.firstboot` exists on that partition
 * (coreos/ignition grub2/05_ignition.cfg, shipped by
 * coreos/fedora-coreos-config overlay.d/05core through bootupd's static
 * config). Debian's GRUB has no `blscfg`, so the image builder turns the BLS
 * entries into menu entries when it writes the image; the firstboot snippet is
 * the same, and each entry's `options` keep the literal `$ignition_firstboot`
 * for GRUB to expand at boot, as FCOS's do.
 */

/** The fields of a BLS entry a menu entry needs. */
export interface MenuEntrySource {
  title: string;
  /** Kernel path relative to the boot partition, e.g. /ostree/fedora-coreos-<csum>/vmlinuz-<kver>. */
  linux: string;
  initrd: string;
  /** The `options` line, `$ignition_firstboot` included. */
  options: string;
  /** The entry's `version`: the highest is the default (ostree numbers them so). */
  version: number;
}

/** Parses a BLS entry's text into what a menu entry needs. */
export function menuEntrySource(blsText: string): MenuEntrySource {
  const field = (key: string): string => {
    for (const line of blsText.split('\n')) {
      const m = /^(\S+)\s+(.*)$/.exec(line.trim());
      if (m?.[1] === key) return m[2] ?? '';
    }
    return '';
  };
  const entry = {
    title: field('title'),
    linux: field('linux'),
    initrd: field('initrd'),
    options: field('options'),
    version: Number(field('version')),
  };
  if (entry.linux === '') throw new Error(`BLS entry "${entry.title}" has no linux line`);
  return entry;
}

const UNSAFE = /["\\\n]/;

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
 * The boot partition's grub.cfg: serial console, the firstboot snippet, one
 * menu entry per BLS entry, highest `version` first (the default).
 * @throws Error when a field holds a quote, backslash or newline (it would break out of the entry).
 */
export function bootGrubConfig(entries: readonly MenuEntrySource[], timeoutSeconds = 1): string {
  const lines = [
    'serial --unit=0 --speed=115200',
    'terminal_input serial console',
    'terminal_output serial console',
    `set timeout=${timeoutSeconds}`,
    'set default=0',
    FIRSTBOOT_SNIPPET,
  ];
  for (const e of [...entries].sort((a, b) => b.version - a.version)) {
    for (const value of [e.title, e.linux, e.initrd, e.options])
      if (UNSAFE.test(value)) throw new Error(`BLS entry "${e.title}" holds a quote, backslash or newline`);
    lines.push(
      `menuentry "${e.title}" {`,
      `  linux ${e.linux} ${e.options}`,
      ...(e.initrd === '' ? [] : [`  initrd ${e.initrd}`]),
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The modules the boot partition's config needs, loaded from the standalone
 * image's memdisk before `$root` moves to the boot partition (which holds no
 * modules): `search` finds no GPT partition unless part_gpt is loaded.
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
