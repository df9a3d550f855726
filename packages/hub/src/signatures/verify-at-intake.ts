// Checks a spooled package's XML signature under the sender's policy: `off` skips it, `report`
// records the verdict, `require` refuses anything but `valid` (422 bad-signature). The digest was
// computed while the package was parsed (the parser's tokenizer fed `spooled.signatureVerifier`), or
// an intake worker already checked it (`spooled.signatureCheck`): then only the signature value, the
// certificates and the policy are left. Without either, the package is streamed again from its temp
// blob, from its first to its last XML byte, never held whole in memory.

import type { ParseResult } from '@lienthong/edxml';
import type { PackageSignatureVerifier } from '@lienthong/trust';
import type { TempBlob } from '../blobs/blob-store.js';
import { HubError, type SignatureVerdict } from '../core/contract.js';
import type { HubContext } from '../core/hub-context.js';
import { checkIntakeSignature, checkTappedSignature, type IntakeSignatureCheck } from './intake-signature-check.js';
import { signaturePolicyFor } from './signature-policy.js';
import { describeSignatureProblem, toSignatureVerdict } from './signature-verdict.js';
import { acceptTenantSigner } from './tenant-signer.js';

export interface SignatureCheck {
  verdict: SignatureVerdict;
  /** for the submitter: a weak signature, or an invalid one accepted under `report` */
  warnings: string[];
}

export async function verifyAtIntake(
  ctx: HubContext,
  spooled: {
    body: TempBlob;
    parsed: ParseResult;
    signatureCheck?: IntakeSignatureCheck;
    signatureVerifier?: PackageSignatureVerifier;
  },
  sender: string,
): Promise<SignatureCheck | undefined> {
  const agency = await ctx.store.getAgency(sender);
  const policy = await signaturePolicyFor(ctx, agency);
  if (policy === 'off') return undefined;
  const pki = ctx.pki;
  const trust = {
    anchors: pki.anchors,
    intermediates: pki.intermediates,
    crls: pki.crls.current(),
    staleCrl: ctx.config.trust.staleCrl,
    ...(pki.chainCache ? { chainCache: pki.chainCache } : {}),
  };
  const { raw, checkedAt } =
    spooled.signatureCheck ??
    (spooled.signatureVerifier
      ? await checkTappedSignature(spooled.signatureVerifier, sender, trust)
      : await checkIntakeSignature((range) => spooled.body.read(range), spooled.parsed, sender, trust));
  const verdict = acceptTenantSigner(toSignatureVerdict(raw, policy, checkedAt), sender, agency?.tenantId);
  if (verdict.status !== 'valid' && policy === 'require') {
    throw new HubError('bad-signature', describeSignatureProblem(verdict), { details: { signature: verdict } });
  }
  const warnings: string[] = [];
  if (verdict.status === 'invalid' || verdict.status === 'indeterminate')
    warnings.push(`${describeSignatureProblem(verdict)} (accepted: policy report)`);
  else if (verdict.weak) warnings.push('signature valid but weak (SHA-1 or an RSA key under 2048 bits)');
  return { verdict, warnings };
}
