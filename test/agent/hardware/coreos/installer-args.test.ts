import { expect } from 'chai';
import {
  buildInstallerArgv,
  redactUrls,
  type InstallOptions,
} from '../../../../agent/hardware/coreos/installer-args.js';

const base: InstallOptions = {
  rootMount: '/mnt/coreos',
  device: '/dev/sda',
  hasIgnition: false,
  imageUrl: null,
  allowUnsignedImage: true,
  appendKargs: [],
  deleteKargs: [],
  copyNetwork: false,
  consoles: [],
  platform: null,
  savePartlabels: [],
  savePartindexes: [],
};
const head = ['chroot', '/mnt/coreos', 'coreos-installer', 'install', '--preserve-on-error'];

describe('hardware/coreos/installer-args', () => {
  const table: [string, Partial<InstallOptions>, string[]][] = [
    ['offline install without Ignition', {}, [...head, '--offline', '/dev/sda']],
    [
      'Ignition file as seen in the chroot',
      { hasIgnition: true },
      [...head, '--ignition-file', '/tmp/ironic.ign', '--offline', '/dev/sda'],
    ],
    [
      'image URL, unsigned images allowed',
      { imageUrl: 'https://h/fcos.raw.xz' },
      [...head, '--image-url', 'https://h/fcos.raw.xz', '--insecure', '/dev/sda'],
    ],
    [
      'image URL, signature required',
      { imageUrl: 'https://h/fcos.raw.xz', allowUnsignedImage: false },
      [...head, '--image-url', 'https://h/fcos.raw.xz', '/dev/sda'],
    ],
    ['unsigned policy ignored offline', { allowUnsignedImage: true }, [...head, '--offline', '/dev/sda']],
    [
      'one --append-karg per karg (upstream joined them with commas)',
      { appendKargs: ['console=ttyS0,115200n8', 'rd.neednet=1', 'ip=dhcp6'] },
      [
        ...head,
        '--append-karg',
        'console=ttyS0,115200n8',
        '--append-karg',
        'rd.neednet=1',
        '--append-karg',
        'ip=dhcp6',
        '--offline',
        '/dev/sda',
      ],
    ],
    ['copy network', { copyNetwork: true }, [...head, '--offline', '--copy-network', '/dev/sda']],
    [
      'consoles, platform, saved partitions and deleted kargs, device last',
      {
        consoles: ['tty0', 'ttyS0,115200n8'],
        platform: 'qemu',
        savePartlabels: ['data*'],
        savePartindexes: ['5-', '-2'],
        deleteKargs: ['quiet'],
      },
      [
        ...head,
        '--offline',
        '--delete-karg',
        'quiet',
        '--console',
        'tty0',
        '--console',
        'ttyS0,115200n8',
        '--platform',
        'qemu',
        '--save-partlabel',
        'data*',
        '--save-partindex',
        '5-',
        '--save-partindex',
        '-2',
        '/dev/sda',
      ],
    ],
    [
      'another root mount',
      { rootMount: '/host', device: '/dev/nvme0n1' },
      ['chroot', '/host', 'coreos-installer', 'install', '--preserve-on-error', '--offline', '/dev/nvme0n1'],
    ],
  ];
  for (const [name, overrides, argv] of table) {
    it(name, () => expect(buildInstallerArgv({ ...base, ...overrides })).to.deep.equal(argv));
  }

  describe('redactUrls', () => {
    const table: [string, string][] = [
      ['Downloading image from https://user:pw@h.example/x.raw', 'Downloading image from https://***@h.example/x.raw'],
      ['https://h.example/a@b', 'https://h.example/a@b'],
      [
        'Downloading image from https://swift.example/v1/AUTH_a/c/fcos.raw.xz?temp_url_sig=0123abcd&temp_url_expires=1700000000',
        'Downloading image from https://swift.example/v1/AUTH_a/c/fcos.raw.xz?***',
      ],
      [
        'Error: GET "https://b.s3.amazonaws.com/fcos.raw?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=deadbeef": 403',
        'Error: GET "https://b.s3.amazonaws.com/fcos.raw?***": 403',
      ],
      ['--image-url http://u:p@h:8080/i.raw?a=1#frag --insecure', '--image-url http://***@h:8080/i.raw?*** --insecure'],
      ['HTTPS://H/x#token=abc', 'HTTPS://H/x#***'],
      ['ftp://u:p@h/x', 'ftp://***@h/x'],
      ['no url here?x=1', 'no url here?x=1'],
    ];
    for (const [text, expected] of table) it(text, () => expect(redactUrls(text)).to.equal(expected));
  });
});
