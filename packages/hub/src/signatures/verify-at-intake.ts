// Checks a spooled package's XML signature under the sender's policy: `off` skips it, `report`
// records the verdict, `require` refuses anything but `valid` (422 bad-signature). The package is
// streamed from its temp blob, from its first to its last XML byte, never held whole in memory.

import type { ParseResult } from '@lienthong/edxml';
import { verifyPackage } from '@lienthong/trust';
import type { TempBlob } from '../blobs/blob-store.js';
import { HubError, type SignatureVerdict } from '../core/contract.js';
import type { HubContext } from '../core/hub-context.js';
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
  spooled: { body: TempBlob; parsed: ParseResult; mentionsSignature?: boolean },
  sender: string,
): Promise<SignatureCheck | undefined> {
  const agency = await ctx.store.getAgency(sender);
  const policy = await signaturePolicyFor(ctx, agency);
  if (policy === 'off') return undefined;
  const pki = ctx.pki;
  const checkedAt = new Date();
  const range = { start: spooled.parsed.xmlStart, end: spooled.parsed.xmlEnd };
  // No Signature element (the parser saw none and the bytes never spell the name): the verdict is
  // 'absent' whatever the rest, so a second pass over a large unsigned package is not worth its time.
  // The intake's streaming pass already looked for the name (in the whole body: a superset of the
  // range); the bytes are read again for it only when nobody did.
  const unsigned =
    !spooled.parsed.package.signature &&
    !(spooled.mentionsSignature ?? (await mentionsSignature(spooled.body.read(range))));
  const raw = await verifyPackage(unsigned ? [EMPTY_PACKAGE] : spooled.body.read(range), {
    trustAnchors: pki.anchors,
    intermediates: pki.intermediates,
    crls: pki.crls.current(),
    now: checkedAt,
    staleCrl: ctx.config.trust.staleCrl === 'accept' ? 'note' : 'indeterminate',
    expectedSigner: { agencyCode: sender },
    ...(pki.chainCache ? { chainCache: pki.chainCache } : {}),
  });
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

const EMPTY_PACKAGE = Buffer.from('<edXML/>');
const NAME = Buffer.from('Signature');

/** Whether the bytes contain "Signature" anywhere (a chunk boundary may split it). */
async function mentionsSignature(source: AsyncIterable<Uint8Array>): Promise<boolean> {
  let tail = Buffer.alloc(0);
  for await (const c of source) {
    const chunk = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    if (tail.length > 0 && Buffer.concat([tail, chunk.subarray(0, NAME.length - 1)]).includes(NAME)) return true;
    if (chunk.includes(NAME)) return true;
    tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - (NAME.length - 1))));
  }
  return false;
}
