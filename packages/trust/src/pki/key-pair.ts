// Key generation and the bridges between node:crypto KeyObjects and WebCrypto keys (for @peculiar/x509).
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, webcrypto } from 'node:crypto';

export type KeyType = 'rsa-2048' | 'rsa-3072' | 'ec-p256';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateKeyPair(type: KeyType): KeyPair {
  if (type === 'ec-p256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return generateKeyPairSync('rsa', { modulusLength: type === 'rsa-3072' ? 3072 : 2048 });
}

/** A private key from a PEM/DER string or buffer, or the KeyObject itself. */
export function toPrivateKey(key: KeyObject | string | Uint8Array): KeyObject {
  if (typeof key === 'string' || key instanceof Uint8Array) return createPrivateKey(Buffer.from(key));
  return key;
}

/** WebCrypto signing parameters matching a key (SHA-256 digests). */
export function webSigningAlgorithm(key: KeyObject): RsaHashedImportParams | EcKeyImportParams {
  if (key.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const namedCurve =
      curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : '';
    if (!namedCurve) throw new Error(`unsupported EC curve ${curve}`);
    return { name: 'ECDSA', namedCurve, hash: 'SHA-256' } as EcKeyImportParams;
  }
  throw new Error(`unsupported key type ${key.asymmetricKeyType}`);
}

export async function toWebPrivateKey(key: KeyObject): Promise<CryptoKey> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return (await webcrypto.subtle.importKey('pkcs8', der, webSigningAlgorithm(key), false, ['sign'])) as CryptoKey;
}

export async function toWebPublicKey(key: KeyObject): Promise<CryptoKey> {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return (await webcrypto.subtle.importKey('spki', der, webSigningAlgorithm(publicKey), true, ['verify'])) as CryptoKey;
}

export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
