import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTetherFile } from '../../src/config/tether-file.ts';

const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIKs0ZmFrZWtleWFmYWtla2V5YWZha2VrZXlhZmFrZQ==';

describe('tether.yml', () => {
  it('the example in examples/tether.yml parses, defaults applied', () => {
    const hosts = parseTetherFile(readFileSync('examples/tether.yml', 'utf8'), {});
    expect(hosts.map((h) => [h.name, h.conn.user, h.conn.port, h.runIds])).toEqual([
      ['lambda-h100-a', 'ubuntu', 22, ['sweep-lr-3e4', 'sweep-lr-1e3']],
      ['runpod-a100', 'root', 40222, ['ablation-no-warmup']],
    ]);
    expect(hosts[0]?.conn.key).toEqual({ kind: 'path', path: '/home/runner/.ssh/tether_ed25519' });
  });

  it.each([
    ['hosts: []', /needs a 'hosts:' list/],
    [
      'hosts: [{host: a, ssh-key-path: /k, known-hosts: "a ssh-ed25519 ' +
        KEY +
        '", runs: [r1]}, {host: b, ssh-key-path: /k, host-key-fingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", runs: [r1]}]',
      /run id r1 is listed on hosts\[0\] and hosts\[1\]/,
    ],
    ['hosts: [{host: a, ssh-key-path: /k, runs: [r1]}]', /hosts\[0\]: input 'known-hosts': the box's host key must be pinned/],
    ['hosts: [{host: a, ssh-key: "-----BEGIN OPENSSH PRIVATE KEY-----", runs: [r1]}]', /key text does not belong in a committed file/],
    ['hosts: [{host: a, ssh-key-path: /k, accept-new-host-key: true, runs: []}]', /'runs' lists no run ids/],
    ['hosts: [{host: a, ssh-key-path: /k, accept-new-host-key: true, runs: ["../x"]}]', /is not a run id/],
    ['hosts: [{host: a, sshkeypath: /k, runs: [r]}]', /unknown key 'sshkeypath'/],
    ['hosts: [{host: "-oProxyCommand=x", ssh-key-path: /k, accept-new-host-key: true, runs: [r]}]', /is not a host name/],
    ['hosts: {', /is not valid YAML/],
  ])('%s', (text, error) => {
    expect(() => parseTetherFile(text, {})).toThrow(error);
  });
});
