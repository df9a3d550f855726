// A shared-server tenant may sign its units' packages with its own certificate: it is the system
// the hub authenticated and that is authorised to send for them. verifyPackage is asked for the
// unit's code; a signer-unexpected finding is lifted when the certificate names the unit's tenant.

import type { SignatureReason, SignatureVerdict } from '../core/contract.js';

export function acceptTenantSigner(
  verdict: SignatureVerdict,
  unit: string,
  tenantId: string | undefined,
): SignatureVerdict {
  if (!tenantId || verdict.signer?.agencyCode !== tenantId) return verdict;
  const unexpected = verdict.reasons.find((r) => r.code === 'signer-unexpected');
  if (!unexpected) return verdict;
  const reasons: SignatureReason[] = verdict.reasons.filter((r) => r !== unexpected);
  reasons.push({
    code: 'tenant-signer',
    message: `signed by tenant ${tenantId} for its unit ${unit}`,
    severity: 'note',
  });
  return { ...verdict, reasons, status: statusOf(reasons) };
}

function statusOf(reasons: SignatureReason[]): SignatureVerdict['status'] {
  if (reasons.some((r) => r.severity === 'error')) return 'invalid';
  if (reasons.some((r) => r.severity === 'indeterminate')) return 'indeterminate';
  return 'valid';
}
