// Field rules of edXML packages, as production validators apply them. Structural problems are the
// parser's business; this checks values. Drift seen in real traffic (malformed DocumentIds,
// impossible dates inside them) is reported as a warning, not an error.
import type { ValidateOptions, ValidationIssue, ValidationRule } from './contract.js';
import { formatDate, parseLenientDate } from './dates.js';
import type { Business, DocumentPackage, EdxmlPackage, Organization, ResponseFor, StatusPackage } from './model.js';
import { isStatusCode } from './status-codes.js';

type Severity = ValidationIssue['severity'];

const ORGANIZATION_LIMITS: [keyof Organization, string, number][] = [
  ['organizationInCharge', 'OrganizationInCharge', 200],
  ['organName', 'OrganName', 200],
  ['organAdd', 'OrganAdd', 250],
  ['email', 'Email', 100],
  ['telephone', 'Telephone', 20],
  ['fax', 'Fax', 20],
];

/** `<issuer OrganId>,<yyyy/MM/dd>,<number>/<notation>` */
const DOCUMENT_ID = /^([^,\s]+),(\d{4}\/\d{2}\/\d{2}),([^/]+)\/(.+)$/;

export function validatePackage(pkg: EdxmlPackage, options: ValidateOptions = {}): ValidationIssue[] {
  const checker = new Checker(formatDate(options.now ?? new Date()));
  if (pkg.kind === 'document') checker.document(pkg);
  else checker.status(pkg);
  return checker.issues;
}

/** True when no issue is an error. */
export function isValid(issues: readonly ValidationIssue[]): boolean {
  return issues.every((i) => i.severity !== 'error');
}

class Checker {
  readonly issues: ValidationIssue[] = [];

  /** @param today `yyyy/MM/dd` in Vietnam time */
  constructor(private readonly today: string) {}

  private add(severity: Severity, path: string, rule: ValidationRule, message: string): void {
    this.issues.push({ severity, path, rule, message: `${path}: ${message}` });
  }

  document(pkg: DocumentPackage): void {
    const h = pkg.header;
    this.organization(h.from, 'MessageHeader/From');
    if (h.to.length === 0) this.add('error', 'MessageHeader/To', 'required', 'at least one recipient is required');
    const seen = new Map<string, number>();
    h.to.forEach((to, i) => {
      const path = `MessageHeader/To[${i + 1}]`;
      this.organization(to, path);
      const first = seen.get(to.organId);
      if (to.organId && first !== undefined) {
        this.add('error', `${path}/OrganId`, 'duplicate', `recipient ${to.organId} already listed as To[${first}]`);
      } else {
        seen.set(to.organId, i + 1);
      }
    });

    if (this.required(h.documentId, 'MessageHeader/DocumentId')) {
      this.documentId(h.documentId, 'MessageHeader/DocumentId', 'warning');
      const issuer = DOCUMENT_ID.exec(h.documentId)?.[1];
      if (issuer && h.from.organId && issuer !== h.from.organId) {
        this.add(
          'warning',
          'MessageHeader/DocumentId',
          'consistency',
          `issuer ${issuer} differs from From/OrganId ${h.from.organId}`,
        );
      }
    }
    this.text(h.code.codeNumber, 'MessageHeader/Code/CodeNumber', 11, true);
    this.text(h.code.codeNotation, 'MessageHeader/Code/CodeNotation', 30, true);
    this.text(h.promulgationInfo.place, 'MessageHeader/PromulgationInfo/Place', 50);
    this.pastDate(h.promulgationInfo.promulgationDate, 'MessageHeader/PromulgationInfo/PromulgationDate', 'error');
    this.text(h.documentType.typeName, 'MessageHeader/DocumentType/TypeName', 100);
    const type = h.documentType.type;
    if (type !== undefined && type !== 1 && type !== 2) {
      this.add(
        'warning',
        'MessageHeader/DocumentType/Type',
        'enum',
        `unknown type ${type} (1 administrative, 2 legal)`,
      );
    }
    this.text(h.subject, 'MessageHeader/Subject', 500, true);
    this.text(h.content, 'MessageHeader/Content', 500);
    this.date(h.dueDate, 'MessageHeader/DueDate', 'warning');

    const other = h.otherInfo;
    const priority: number | undefined = other.priority;
    if (priority !== undefined && !(Number.isInteger(priority) && priority >= 0 && priority <= 4)) {
      this.add('error', 'MessageHeader/OtherInfo/Priority', 'enum', `must be 0..4, got ${priority}`);
    }
    this.text(other.sphereOfPromulgation, 'MessageHeader/OtherInfo/SphereOfPromulgation', 100);
    this.text(other.typerNotation, 'MessageHeader/OtherInfo/TyperNotation', 10);
    h.responseFor.forEach((r, i) => {
      this.responseFor(r, `MessageHeader/ResponseFor[${i + 1}]`);
    });
    if (h.steeringType !== undefined && ![0, 1, 2].includes(h.steeringType)) {
      this.add('warning', 'MessageHeader/SteeringType', 'enum', `must be 0..2, got ${h.steeringType}`);
    }
    h.toPlaces.forEach((place, i) => {
      this.text(place, `MessageHeader/ToPlaces/Place[${i + 1}]`, 150);
    });

    pkg.traces.forEach((t, i) => {
      const path = `TraceHeaderList/TraceHeader[${i + 1}]`;
      this.required(t.organId, `${path}/OrganId`, 'warning');
      if (this.required(t.timestamp, `${path}/Timestamp`, 'warning'))
        this.date(t.timestamp, `${path}/Timestamp`, 'warning');
    });
    this.business(pkg.business);
  }

  private business(b: Business): void {
    const path = 'TraceHeaderList/Bussiness';
    const docType: number = b.docType;
    if (![0, 1, 2, 3].includes(docType)) {
      this.add('error', `${path}/BussinessDocType`, 'enum', `must be 0..3, got ${docType}`);
      return;
    }
    if (docType >= 1 && !b.documentId) {
      this.add(
        'error',
        `${path}/DocumentId`,
        'required',
        `required for business type ${docType}: the document being ${['', 'revoked', 'updated', 'replaced'][docType]}`,
      );
    }
    if (b.documentId) this.documentId(b.documentId, `${path}/DocumentId`, 'warning');
    if (docType === 2 && !b.documentInfo) {
      this.add('warning', `${path}/BussinessDocumentInfo`, 'consistency', 'an update (type 2) should say what changed');
    }
    if (docType === 3 && (!b.replacements || b.replacements.length === 0)) {
      this.add(
        'warning',
        `${path}/ReplacementInfoList`,
        'consistency',
        'a replacement (type 3) should list what it replaces',
      );
    }
    if (docType !== 2 && b.documentInfo) {
      this.add(
        'warning',
        `${path}/BussinessDocumentInfo`,
        'consistency',
        `only meaningful for an update (type 2), not ${docType}`,
      );
    }
    b.documentInfo?.receivers.forEach((r, i) => {
      const receiverPath = `${path}/BussinessDocumentInfo/ReceiverList/Receiver[${i + 1}]`;
      this.required(r.organId, `${receiverPath}/OrganId`);
      const receiverType: number = r.receiverType;
      if (receiverType !== 0 && receiverType !== 1) {
        this.add(
          'error',
          `${receiverPath}/ReceiverType`,
          'enum',
          `must be 0 (removed) or 1 (added), got ${receiverType}`,
        );
      }
    });
    b.replacements?.forEach((r, i) => {
      const replacementPath = `${path}/ReplacementInfoList/ReplacementInfo[${i + 1}]`;
      if (this.required(r.documentId, `${replacementPath}/DocumentId`)) {
        this.documentId(r.documentId, `${replacementPath}/DocumentId`, 'warning');
      }
    });
  }

  status(pkg: StatusPackage): void {
    this.organization(pkg.from, 'MessageHeader/From');
    this.responseFor(pkg.responseFor, 'MessageHeader/ResponseFor');
    if (!isStatusCode(pkg.statusCode)) {
      this.add('error', 'MessageHeader/StatusCode', 'enum', `unknown status code "${pkg.statusCode}"`);
    }
    if (pkg.statusCode === '02' && !pkg.description) {
      this.add('warning', 'MessageHeader/Description', 'required', 'a refusal (02) should give its reason');
    }
    if (this.required(pkg.timestamp, 'MessageHeader/Timestamp'))
      this.date(pkg.timestamp, 'MessageHeader/Timestamp', 'error');
  }

  private organization(org: Organization, path: string): void {
    this.required(org.organId, `${path}/OrganId`);
    for (const [key, element, max] of ORGANIZATION_LIMITS) this.text(org[key], `${path}/${element}`, max);
  }

  private responseFor(r: ResponseFor, path: string): void {
    this.required(r.organId, `${path}/OrganId`);
    if (this.required(r.documentId, `${path}/DocumentId`))
      this.documentId(r.documentId, `${path}/DocumentId`, 'warning');
    this.date(r.promulgationDate, `${path}/PromulgationDate`, 'warning');
  }

  /** Reports an empty required value; returns whether the value is present. */
  private required(value: string | undefined, path: string, severity: Severity = 'error'): value is string {
    if (value !== undefined && value.trim() !== '') return true;
    this.add(severity, path, 'required', 'required');
    return false;
  }

  private text(value: string | undefined, path: string, max: number, required = false): void {
    if (required && !this.required(value, path)) return;
    if (value !== undefined && value.length > max) {
      this.add('error', path, 'max-length', `longer than ${max} characters (${value.length})`);
    }
  }

  /** A readable calendar date (any accepted form); returns the normalised `yyyy/MM/dd` or undefined. */
  private date(value: string | undefined, path: string, severity: Severity): string | undefined {
    if (value === undefined) return undefined;
    const parsed = parseLenientDate(value);
    if (!parsed.ok) {
      this.add(severity, path, 'date', parsed.reason);
      return undefined;
    }
    const { year, month, day } = parsed.parts;
    return `${year}/${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}`;
  }

  private pastDate(value: string | undefined, path: string, severity: Severity): void {
    const date = this.date(value, path, severity);
    if (date && date > this.today) {
      this.add(severity, path, 'future-date', `${date} is in the future (today is ${this.today} in Vietnam)`);
    }
  }

  private documentId(value: string, path: string, severity: Severity): void {
    const m = DOCUMENT_ID.exec(value);
    if (!m) {
      this.add(severity, path, 'format', `"${value}" is not <OrganId>,<yyyy/MM/dd>,<number>/<notation>`);
      return;
    }
    const date = parseLenientDate(m[2]!);
    if (!date.ok) this.add(severity, path, 'date', `date part of "${value}": ${date.reason}`);
  }
}
