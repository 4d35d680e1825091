import ssh2 from 'ssh2';

/**
 * A fresh ed25519 key pair in OpenSSH's formats. ssh2's generator drops a leading zero byte of the public key
 * (about one key in 256): its blob then holds 31 bytes, OpenSSH refuses the private key ("error in libcrypto")
 * and the public one never matches. Such a pair is made again (bounded: eight bad pairs in a row do not happen).
 */
export function ed25519Pair(comment = ''): { private: string; public: string } {
  for (let i = 0; i < 8; i++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', comment ? { comment } : {});
    if (wholeEd25519(pair.public)) return pair;
  }
  throw new Error('could not make a whole ed25519 key pair in 8 tries');
}

/** `ssh-ed25519 <blob>`: the blob is the type string and exactly 32 key bytes. */
export function wholeEd25519(publicLine: string): boolean {
  const blob = Buffer.from(publicLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return blob.length === 51 && blob.readUInt32BE(0) === 11 && blob.subarray(4, 15).toString() === 'ssh-ed25519' && blob.readUInt32BE(15) === 32;
}
