// This hub's link identity (an Ed25519 key pair) and the pinned keys of the linked hubs.
// The private key stays in <dataDir>/keys/link.key (0600) unless federation.linkKey names another file;
// the public half is written beside it (link.pub.pem) for the operator to pin at the peers.

import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { HubConfig } from '../config/hub-config.js';

export interface LinkIdentity {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** the public key as SPKI PEM: what a peer pins */
  publicPem: string;
  /** where the private key is */
  keyFile: string;
}

export function linkKeyFile(config: HubConfig): string {
  return config.federation.linkKey ?? join(config.dataDir, 'keys', 'link.key');
}

/** Reads this hub's link key, generating it (and link.pub.pem beside it) at first start. */
export async function loadLinkIdentity(config: HubConfig, opts: { create?: boolean } = {}): Promise<LinkIdentity> {
  const keyFile = linkKeyFile(config);
  let pem: string;
  try {
    pem = await readFile(keyFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || opts.create === false || config.federation.linkKey) {
      throw new Error(`federation link key ${keyFile}: ${(err as Error).message}`);
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await mkdir(dirname(keyFile), { recursive: true });
    await writeFile(keyFile, pem, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
      // another process created it first: use theirs
      if (e.code !== 'EEXIST') throw e;
      pem = await readFile(keyFile, 'utf8');
    });
    await chmod(keyFile, 0o600);
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`federation link key ${keyFile}: must be an Ed25519 key (found ${privateKey.asymmetricKeyType})`);
  }
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  if (!config.federation.linkKey) {
    // written only when missing or different, and by rename: a peer may be reading it to pin it
    const pubFile = join(dirname(keyFile), 'link.pub.pem');
    const current = await readFile(pubFile, 'utf8').catch(() => undefined);
    if (current !== publicPem) {
      const temp = `${pubFile}.${process.pid}.tmp`;
      await writeFile(temp, publicPem);
      await rename(temp, pubFile);
    }
  }
  return { privateKey, publicKey, publicPem, keyFile };
}

/** A pinned peer key: an SPKI public key PEM, or an X.509 certificate PEM whose key is taken. */
export async function loadPeerKey(file: string): Promise<KeyObject> {
  const pem = await readFile(file, 'utf8').catch((err: Error) => {
    throw new Error(`pinned link key ${file}: ${err.message}`);
  });
  const key = pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`pinned link key ${file}: must be an Ed25519 key (found ${key.asymmetricKeyType})`);
  }
  return key;
}
