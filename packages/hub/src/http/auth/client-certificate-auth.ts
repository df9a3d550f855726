import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { toCertificates } from '@lienthong/trust';
import type { HubConfig } from '../../config/hub-config.js';
import { HubError, type HubService } from '../../core/contract.js';
import type { HubPki } from '../../pki/hub-pki.js';
import { type CheckedClientCertificate, checkClientCertificate } from './client-certificate-check.js';
import { peerCertificates } from './peer-certificates.js';

/** An enabled agency of the directory, proven by the TLS client certificate of the connection. */
export type CertifiedAgency = CheckedClientCertificate;

export interface ClientCertificateAuth {
  /**
   * The agency of the client certificate the request's connection presented; undefined when it presented
   * none. A presented certificate that is refused throws (401, or 403 for a disabled agency).
   */
  identify(request: IncomingMessage): Promise<CertifiedAgency | undefined>;
}

/** Mutual TLS authentication: the certificate is judged on every request, so CRL refreshes apply at once. */
export async function createClientCertificateAuth(
  config: HubConfig,
  pki: HubPki,
  directory: Pick<HubService, 'getAgency'>,
  now: () => Date,
): Promise<ClientCertificateAuth> {
  const anchors =
    config.tls.clientCa.length > 0
      ? toCertificates(await Promise.all(config.tls.clientCa.map((f) => readFile(f, 'utf8'))))
      : pki.anchors;
  if (anchors.length === 0) throw new Error('tls.requestClientCert: no CA to check client certificates against');
  const trust = {
    anchors,
    intermediates: pki.intermediates,
    crls: () => pki.crls.current(),
    staleCrl: config.trust.staleCrl,
  };
  const identified = new WeakMap<IncomingMessage, Promise<CertifiedAgency | undefined>>();

  const identify = async (request: IncomingMessage): Promise<CertifiedAgency | undefined> => {
    const presented = peerCertificates(request.socket);
    if (presented.length === 0) return undefined;
    const checked = await checkClientCertificate(presented, trust, now());
    const code = checked.agencyCode;
    const agency = await directory.getAgency(code);
    if (!agency || agency.deleted) {
      throw new HubError(
        'unauthenticated',
        `client certificate of ${code} (serial ${checked.certificate.serialNumber}): no agency ${code} in the directory`,
      );
    }
    if (!agency.enabled) throw new HubError('forbidden', `agency ${code} of the client certificate is disabled`);
    return checked;
  };

  return {
    identify(request) {
      let result = identified.get(request);
      if (!result) {
        result = identify(request);
        identified.set(request, result);
      }
      return result;
    },
  };
}
