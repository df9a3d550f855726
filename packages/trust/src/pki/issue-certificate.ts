// Certificates and CRLs of the development PKI: root CA, intermediate CA, agency signing
// certificates, hub certificates, CRLs. Standard PEM that the openssl CLI reads.
import { type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { x509 } from '../x509/peculiar.js';
import { generateKeyPair, type KeyType, toWebPrivateKey, toWebPublicKey, webSigningAlgorithm } from './key-pair.js';
import { agencyName, hubName, intermediateCaName, rootCaName } from './subject-names.js';

export interface CertifiedKey {
  certificate: X509Certificate;
  privateKey: KeyObject;
}

const DAY = 24 * 60 * 60 * 1000;
/** backdating of notBefore, for clocks that are a little behind */
const SKEW = 5 * 60 * 1000;
const DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
const CRL_NUMBER_OID = '2.5.29.20';

export interface IssueOptions {
  keyType?: KeyType;
  validityDays?: number;
  now?: Date;
}

export async function createRootCa(options: IssueOptions = {}): Promise<CertifiedKey> {
  const keys = generateKeyPair(options.keyType ?? 'rsa-3072');
  const publicKey = await toWebPublicKey(keys.publicKey);
  const name = new x509.Name(rootCaName());
  return issue({
    subject: name,
    issuer: name,
    keys,
    signingKey: keys.privateKey,
    validityDays: options.validityDays ?? 3650,
    now: options.now,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
    ],
  });
}

export async function createIntermediateCa(issuer: CertifiedKey, options: IssueOptions = {}): Promise<CertifiedKey> {
  return issueUnder(
    issuer,
    new x509.Name(intermediateCaName()),
    options.keyType ?? 'rsa-3072',
    options.validityDays ?? 1825,
    options.now,
    [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  );
}

export interface AgencyCertificateOptions extends IssueOptions {
  agencyCode: string;
  name: string;
  /** also allow TLS client authentication (mutual TLS with the hub); default true */
  clientAuth?: boolean;
}

export async function issueAgencyCertificate(
  issuer: CertifiedKey,
  options: AgencyCertificateOptions,
): Promise<CertifiedKey> {
  return issueUnder(
    issuer,
    new x509.Name(agencyName(options.agencyCode, options.name)),
    options.keyType ?? 'rsa-2048',
    options.validityDays ?? 730,
    options.now,
    [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      new x509.ExtendedKeyUsageExtension(
        options.clientAuth === false ? [DOCUMENT_SIGNING] : [DOCUMENT_SIGNING, x509.ExtendedKeyUsage.clientAuth],
      ),
    ],
  );
}

export interface HubCertificateOptions extends IssueOptions {
  name?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
}

export async function issueHubCertificate(
  issuer: CertifiedKey,
  options: HubCertificateOptions = {},
): Promise<CertifiedKey> {
  const dns = options.dnsNames ?? ['localhost'];
  const ips = options.ipAddresses ?? ['127.0.0.1'];
  const keyType = options.keyType ?? 'ec-p256';
  const usage =
    x509.KeyUsageFlags.digitalSignature |
    (keyType.startsWith('rsa') ? x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.keyAgreement);
  return issueUnder(
    issuer,
    new x509.Name(hubName(options.name ?? dns[0] ?? 'lienthong-hub')),
    keyType,
    options.validityDays ?? 397,
    options.now,
    [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usage, true),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
        DOCUMENT_SIGNING,
      ]),
      new x509.SubjectAlternativeNameExtension([
        ...dns.map((value) => ({ type: 'dns' as const, value })),
        ...ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    ],
  );
}

export interface CrlEntry {
  /** hexadecimal serial number */
  serialNumber: string;
  revokedAt: Date;
  reason?: x509.X509CrlReason;
}

export interface CrlOptions {
  crlNumber: number;
  thisUpdate?: Date;
  nextUpdate?: Date;
  entries?: readonly CrlEntry[];
}

/** A CRL signed by `issuer`; nextUpdate defaults to 7 days after thisUpdate. */
export async function createCrl(issuer: CertifiedKey, options: CrlOptions): Promise<x509.X509Crl> {
  const thisUpdate = options.thisUpdate ?? new Date();
  const issuerCert = new x509.X509Certificate(issuer.certificate.raw);
  return x509.X509CrlGenerator.create({
    issuer: issuerCert.subjectName,
    thisUpdate,
    nextUpdate: options.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * DAY),
    signingAlgorithm: webSigningAlgorithm(issuer.privateKey),
    signingKey: await toWebPrivateKey(issuer.privateKey),
    extensions: [
      new x509.Extension(CRL_NUMBER_OID, false, derInteger(options.crlNumber)),
      await x509.AuthorityKeyIdentifierExtension.create(issuerCert),
    ],
    entries: (options.entries ?? []).map((e) => ({
      serialNumber: e.serialNumber.toLowerCase(),
      revocationDate: e.revokedAt,
      ...(e.reason === undefined ? {} : { reason: e.reason }),
    })),
  });
}

async function issueUnder(
  issuer: CertifiedKey,
  subject: x509.Name,
  keyType: KeyType,
  validityDays: number,
  now: Date | undefined,
  extensions: x509.Extension[],
): Promise<CertifiedKey> {
  const keys = generateKeyPair(keyType);
  const issuerCert = new x509.X509Certificate(issuer.certificate.raw);
  return issue({
    subject,
    issuer: issuerCert.subjectName,
    keys,
    signingKey: issuer.privateKey,
    validityDays,
    now,
    extensions: [
      ...extensions,
      await x509.SubjectKeyIdentifierExtension.create(await toWebPublicKey(keys.publicKey)),
      await x509.AuthorityKeyIdentifierExtension.create(issuerCert),
    ],
  });
}

async function issue(params: {
  subject: x509.Name;
  issuer: x509.Name;
  keys: { privateKey: KeyObject; publicKey: KeyObject };
  signingKey: KeyObject;
  validityDays: number;
  now: Date | undefined;
  extensions: x509.Extension[];
}): Promise<CertifiedKey> {
  const now = params.now ?? new Date();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: params.subject,
    issuer: params.issuer,
    notBefore: new Date(now.getTime() - SKEW),
    notAfter: new Date(now.getTime() + params.validityDays * DAY),
    publicKey: await toWebPublicKey(params.keys.publicKey),
    signingKey: await toWebPrivateKey(params.signingKey),
    signingAlgorithm: webSigningAlgorithm(params.signingKey),
    extensions: params.extensions,
  });
  return { certificate: new X509Certificate(Buffer.from(cert.rawData)), privateKey: params.keys.privateKey };
}

/** 128 random bits, positive, no leading zero byte (RFC 5280 allows up to 20 octets). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes.toString('hex');
}

function derInteger(n: number): ArrayBuffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  const body = Buffer.from(hex, 'hex');
  const der = Buffer.concat([Buffer.from([0x02, body.length]), body]);
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength);
}
