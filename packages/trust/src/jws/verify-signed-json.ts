// Shared by receipts and checkpoints: open a compact JWS, require a canonical JSON payload, and
// check the signer's certificate chain.
import { canonicalJson } from '../json/canonical-json.js';
import { type CertificateInput, type CrlInput, toCertificates, toCrls } from '../x509/certificate-input.js';
import { type CertificateSummary, summarizeCertificate } from '../x509/certificate-summary.js';
import { validateChain } from '../x509/validate-chain.js';
import { type Reason, reason, statusOf } from '../xmldsig/reasons.js';
import { JwsError, openCompactJws } from './compact-jws.js';

export interface SignedJsonOptions {
  intermediates?: readonly CertificateInput[];
  crls?: readonly CrlInput[];
  /** the time the signer's certificate is judged at */
  now?: Date;
}

export interface SignedJsonResult {
  valid: boolean;
  reasons: Reason[];
  payload?: Record<string, unknown>;
  signer?: CertificateSummary;
}

export async function verifySignedJson(
  jws: string,
  typ: string,
  trustAnchors: readonly CertificateInput[],
  options: SignedJsonOptions & { timeOf?: (payload: Record<string, unknown>) => Date | undefined },
): Promise<SignedJsonResult> {
  let opened: ReturnType<typeof openCompactJws>;
  try {
    opened = openCompactJws(jws, typ);
  } catch (e) {
    if (!(e instanceof JwsError)) throw e;
    const code = e.code === 'malformed' ? 'jws-malformed' : e.code;
    return { valid: false, reasons: [reason(code, e.message)] };
  }
  const reasons: Reason[] = [];
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(opened.payload) as Record<string, unknown>;
  } catch {
    return { valid: false, reasons: [reason('jws-malformed', 'the payload is not JSON')] };
  }
  if (
    typeof payload !== 'object' ||
    payload === null ||
    Array.isArray(payload) ||
    canonicalJson(payload) !== opened.payload
  ) {
    reasons.push(reason('payload-not-canonical', 'the payload is not a canonical JSON object'));
  }
  const [signer, ...rest] = opened.certificates;
  const chain = await validateChain(signer!, {
    trustAnchors: toCertificates(trustAnchors),
    intermediates: [...toCertificates(options.intermediates), ...rest],
    crls: toCrls(options.crls),
    now: options.now ?? options.timeOf?.(payload) ?? new Date(),
  });
  reasons.push(...chain.reasons);
  return { valid: statusOf(reasons) === 'valid', reasons, payload, signer: summarizeCertificate(signer!) };
}
