// Maps the element tree of an edXML package to the model: lenient where production drifts
// (dates, `Business` spelling, empty elements, unknown elements), strict where the structure is missing.
import { EdxmlError } from './contract.js';
import { normalizeDate, normalizeTimestamp } from './dates.js';
import { compact, type ElementNode, type WarningList } from './element-tree.js';
import type {
  AttachmentInfo,
  Business,
  BusinessDocType,
  BusinessDocumentInfo,
  DocumentHeader,
  DocumentPackage,
  ManifestReference,
  Organization,
  OtherInfo,
  Priority,
  ReceiverChange,
  ReplacementInfo,
  ResponseFor,
  StaffInfo,
  StatusCode,
  StatusPackage,
  TraceHeader,
} from './model.js';

const ORGANIZATION = [
  'OrganId',
  'OrganizationInCharge',
  'OrganName',
  'OrganAdd',
  'Email',
  'Telephone',
  'Fax',
  'Website',
] as const;
const DOCUMENT_HEADER = [
  'From',
  'To',
  'DocumentId',
  'Code',
  'PromulgationInfo',
  'DocumentType',
  'Subject',
  'Content',
  'SignerInfo',
  'DueDate',
  'OtherInfo',
  'ResponseFor',
  'SteeringType',
  'ToPlaces',
];
const STATUS_HEADER = ['From', 'ResponseFor', 'StaffInfo', 'StatusCode', 'Description', 'Timestamp'];
const OTHER_INFO = [
  'Priority',
  'SphereOfPromulgation',
  'TyperNotation',
  'PromulgationAmount',
  'PageAmount',
  'Direction',
  'Appendixes',
  // newer producers; known, not modelled
  'ReplyFors',
  'ReferenceCodes',
];
const BUSINESS = [
  'DocumentId',
  'BussinessDocType',
  'BussinessDocReason',
  'Paper',
  'StaffInfo',
  'BussinessDocumentInfo',
  'ReplacementInfoList',
];
const STAFF_INFO = ['Department', 'Staff', 'Email', 'Mobile'];
const RESPONSE_FOR = ['OrganId', 'Code', 'PromulgationDate', 'DocumentId'];
const ATTACHMENT = ['ContentId', 'AttachmentName', 'Description', 'ContentType', 'ContentTransferEncoded'];

export class PackageReader {
  private readonly indexes = new Map<ElementNode, Map<string, ElementNode[]>>();

  constructor(
    /** the namespace edXML elements are in (the QCVN namespace, or '' for un-namespaced producers) */
    private readonly ns: string,
    private readonly warnings: WarningList,
  ) {}

  read(root: ElementNode, attachments: ElementNode[]): DocumentPackage | StatusPackage {
    this.known(root, ['edXMLEnvelope', 'AttachmentEncoded']);
    const envelope = this.required(root, 'edXMLEnvelope');
    this.known(envelope, ['edXMLHeader', 'edXMLBody', 'AttachmentEncoded']);
    const header = this.required(envelope, 'edXMLHeader');
    this.known(header, ['MessageHeader', 'TraceHeaderList']);
    const message = this.required(header, 'MessageHeader');
    if (this.child(message, 'StatusCode')) return this.status(message);

    const traceList = this.child(header, 'TraceHeaderList');
    const body = this.child(envelope, 'edXMLBody');
    for (const container of [root, envelope, body]) {
      for (const encoded of container ? this.children(container, 'AttachmentEncoded') : []) {
        this.known(encoded, ['Attachment']);
      }
    }
    return compact({
      kind: 'document' as const,
      header: this.documentHeader(message),
      traces: traceList ? this.children(traceList, 'TraceHeader').map((t) => this.trace(t)) : [],
      business: this.business(traceList, header),
      manifest: body ? this.manifest(body) : [],
      attachments: attachments.map((a) => this.attachment(a)),
    });
  }

  private status(message: ElementNode): StatusPackage {
    this.known(message, STATUS_HEADER);
    const staff = this.child(message, 'StaffInfo');
    let code = this.requiredText(message, 'StatusCode');
    if (/^\d$/.test(code)) {
      this.warnings.add(`${message.path}/StatusCode`, `status code "${code}" read as "0${code}"`);
      code = `0${code}`;
    }
    return compact({
      kind: 'status' as const,
      from: this.organization(this.required(message, 'From'), true),
      responseFor: this.responseFor(this.required(message, 'ResponseFor')),
      staffInfo: staff ? this.staffInfo(staff) : {},
      statusCode: code as StatusCode,
      description: this.text(message, 'Description'),
      timestamp: this.timestamp(message, 'Timestamp') ?? '',
    });
  }

  private documentHeader(message: ElementNode): DocumentHeader {
    this.known(message, DOCUMENT_HEADER);
    const code = this.child(message, 'Code');
    const promulgation = this.child(message, 'PromulgationInfo');
    const type = this.child(message, 'DocumentType');
    const signer = this.child(message, 'SignerInfo');
    const other = this.child(message, 'OtherInfo');
    const toPlaces = this.child(message, 'ToPlaces');
    if (code) this.known(code, ['CodeNumber', 'CodeNotation']);
    if (promulgation) this.known(promulgation, ['Place', 'PromulgationDate']);
    if (type) this.known(type, ['Type', 'TypeDetail', 'TypeName']);
    if (signer) this.known(signer, ['Competence', 'Position', 'FullName']);
    if (toPlaces) this.known(toPlaces, ['Place']);
    return compact({
      from: this.organization(this.required(message, 'From'), true),
      to: this.children(message, 'To').map((to) => this.organization(to, false)),
      documentId: this.requiredText(message, 'DocumentId'),
      code: {
        codeNumber: (code && this.text(code, 'CodeNumber')) ?? '',
        codeNotation: (code && this.text(code, 'CodeNotation')) ?? '',
      },
      promulgationInfo: promulgation
        ? compact({
            place: this.text(promulgation, 'Place'),
            promulgationDate: this.date(promulgation, 'PromulgationDate'),
          })
        : {},
      documentType: type
        ? compact({
            type: this.integer(type, 'Type'),
            typeDetail: this.integer(type, 'TypeDetail'),
            typeName: this.text(type, 'TypeName'),
          })
        : {},
      subject: this.text(message, 'Subject') ?? '',
      content: this.text(message, 'Content'),
      signerInfo: signer
        ? compact({
            competence: this.text(signer, 'Competence'),
            position: this.text(signer, 'Position'),
            fullName: this.text(signer, 'FullName'),
          })
        : {},
      dueDate: this.date(message, 'DueDate'),
      otherInfo: other ? this.otherInfo(other) : { appendixes: [] },
      responseFor: this.children(message, 'ResponseFor').map((r) => this.responseFor(r)),
      steeringType: this.integer(message, 'SteeringType'),
      toPlaces: toPlaces ? this.texts(toPlaces, 'Place') : [],
    });
  }

  private organization(node: ElementNode, organIdRequired: boolean): Organization {
    this.known(node, ORGANIZATION);
    return compact({
      organId: organIdRequired ? this.requiredText(node, 'OrganId') : (this.text(node, 'OrganId') ?? ''),
      organizationInCharge: this.text(node, 'OrganizationInCharge'),
      organName: this.text(node, 'OrganName'),
      organAdd: this.text(node, 'OrganAdd'),
      email: this.text(node, 'Email'),
      telephone: this.text(node, 'Telephone'),
      fax: this.text(node, 'Fax'),
      website: this.text(node, 'Website'),
    });
  }

  private otherInfo(node: ElementNode): OtherInfo {
    this.known(node, OTHER_INFO);
    const appendixes = this.child(node, 'Appendixes');
    if (appendixes) this.known(appendixes, ['Appendix']);
    return compact({
      priority: this.integer(node, 'Priority') as Priority | undefined,
      sphereOfPromulgation: this.text(node, 'SphereOfPromulgation'),
      typerNotation: this.text(node, 'TyperNotation'),
      promulgationAmount: this.integer(node, 'PromulgationAmount'),
      pageAmount: this.integer(node, 'PageAmount'),
      direction: this.boolean(node, 'Direction'),
      appendixes: appendixes ? this.texts(appendixes, 'Appendix') : [],
    });
  }

  private responseFor(node: ElementNode): ResponseFor {
    this.known(node, RESPONSE_FOR);
    return compact({
      organId: this.text(node, 'OrganId') ?? '',
      code: this.text(node, 'Code'),
      promulgationDate: this.date(node, 'PromulgationDate'),
      documentId: this.text(node, 'DocumentId') ?? '',
    });
  }

  private staffInfo(node: ElementNode): StaffInfo {
    this.known(node, STAFF_INFO);
    return compact({
      department: this.text(node, 'Department'),
      staff: this.text(node, 'Staff'),
      email: this.text(node, 'Email'),
      mobile: this.text(node, 'Mobile'),
    });
  }

  private trace(node: ElementNode): TraceHeader {
    this.known(node, ['OrganId', 'Timestamp']);
    return { organId: this.text(node, 'OrganId') ?? '', timestamp: this.timestamp(node, 'Timestamp') ?? '' };
  }

  private business(traceList: ElementNode | undefined, header: ElementNode): Business {
    if (traceList) this.known(traceList, ['TraceHeader', 'Bussiness']);
    const node = traceList && this.child(traceList, 'Bussiness');
    if (!node) {
      this.warnings.add(`${traceList?.path ?? header.path}`, 'no Bussiness element; read as a new document (type 0)');
      return { docType: 0 };
    }
    this.known(node, BUSINESS);
    const docTypeText = this.text(node, 'BussinessDocType');
    let docType: BusinessDocType = 0;
    if (docTypeText === undefined) {
      this.warnings.add(`${node.path}/BussinessDocType`, 'missing; read as a new document (type 0)');
    } else if (/^\d+$/.test(docTypeText)) {
      docType = Number(docTypeText) as BusinessDocType;
    } else {
      throw new EdxmlError(
        'invalid-value',
        `not a business document type (0..3): "${docTypeText}"`,
        `${node.path}/${this.spelled(node, 'BussinessDocType')}`,
      );
    }
    const staff = this.child(node, 'StaffInfo');
    const info = this.child(node, 'BussinessDocumentInfo');
    const replacements = this.child(node, 'ReplacementInfoList');
    return compact({
      documentId: this.text(node, 'DocumentId'),
      docType,
      reason: this.text(node, 'BussinessDocReason'),
      paper: this.boolean(node, 'Paper'),
      staffInfo: staff ? this.staffInfo(staff) : undefined,
      documentInfo: info ? this.businessDocumentInfo(info) : undefined,
      replacements: replacements ? this.replacements(replacements) : undefined,
    });
  }

  private businessDocumentInfo(node: ElementNode): BusinessDocumentInfo {
    this.known(node, ['DocumentInfo', 'DocumentReceiver', 'ReceiverList']);
    const list = this.child(node, 'ReceiverList');
    if (list) this.known(list, ['Receiver']);
    const receivers = (list ? this.children(list, 'Receiver') : []).map((r): ReceiverChange => {
      this.known(r, ['OrganId', 'ReceiverType']);
      return {
        organId: this.text(r, 'OrganId') ?? '',
        receiverType: (this.integer(r, 'ReceiverType') ?? 0) as 0 | 1,
      };
    });
    return {
      documentInfoChanged: this.boolean(node, 'DocumentInfo') ?? false,
      receiversChanged: this.boolean(node, 'DocumentReceiver') ?? false,
      receivers,
    };
  }

  private replacements(node: ElementNode): ReplacementInfo[] {
    this.known(node, ['ReplacementInfo']);
    return this.children(node, 'ReplacementInfo').map((r) => {
      this.known(r, ['DocumentId', 'OrganIdList']);
      const list = this.child(r, 'OrganIdList');
      if (list) this.known(list, ['OrganId']);
      return { documentId: this.text(r, 'DocumentId') ?? '', organIds: list ? this.texts(list, 'OrganId') : [] };
    });
  }

  private manifest(body: ElementNode): ManifestReference[] {
    this.known(body, ['edXMLManifest', 'AttachmentEncoded']);
    const manifest = this.child(body, 'edXMLManifest');
    if (!manifest) return [];
    this.known(manifest, ['Reference']);
    return this.children(manifest, 'Reference').map((r) => {
      this.known(r, ['ContentId', 'ContentType', 'Description', 'AttachmentName']);
      return compact({
        contentId: this.text(r, 'ContentId') ?? '',
        contentType: this.text(r, 'ContentType'),
        description: this.text(r, 'Description'),
        attachmentName: this.text(r, 'AttachmentName'),
      });
    });
  }

  private attachment(node: ElementNode): AttachmentInfo {
    this.known(node, ATTACHMENT);
    if (!node.content) {
      throw new EdxmlError('missing-element', 'attachment without ContentTransferEncoded', node.path, node.start);
    }
    return compact({
      index: node.content.index,
      contentId: this.text(node, 'ContentId'),
      attachmentName: this.text(node, 'AttachmentName'),
      description: this.text(node, 'Description'),
      contentType: this.text(node, 'ContentType'),
      size: node.content.size,
      sha256: node.content.sha256,
      ref: node.content.ref,
    });
  }

  // --- element access ---

  /** a parent's children in the edXML namespace by local name, built on first access (fields are looked up one by one) */
  private byName(parent: ElementNode): Map<string, ElementNode[]> {
    let index = this.indexes.get(parent);
    if (!index) {
      index = new Map();
      for (const c of parent.children) {
        if (c.ns !== this.ns) continue;
        const list = index.get(c.local);
        if (list) list.push(c);
        else index.set(c.local, [c]);
      }
      this.indexes.set(parent, index);
    }
    return index;
  }

  /** `Bussiness…` names also match the `Business…` spelling some producers use (with a warning). */
  private spelled(parent: ElementNode, name: string): string {
    if (!name.startsWith('Bussiness')) return name;
    const quirk = `Business${name.slice('Bussiness'.length)}`;
    const index = this.byName(parent);
    return index.has(name) || !index.has(quirk) ? name : quirk;
  }

  private children(parent: ElementNode, name: string): ElementNode[] {
    const spelled = this.spelled(parent, name);
    return this.byName(parent).get(spelled)?.slice() ?? [];
  }

  private child(parent: ElementNode, name: string): ElementNode | undefined {
    const found = this.children(parent, name);
    if (found.length > 1) {
      this.warnings.add(found[1]!.path, `repeated element ${name}; only the first is read`);
    }
    return found[0];
  }

  private required(parent: ElementNode, name: string): ElementNode {
    const node = this.child(parent, name);
    if (!node) {
      throw new EdxmlError(
        'missing-element',
        `missing required element ${name}`,
        `${parent.path}/${name}`,
        parent.start,
      );
    }
    return node;
  }

  /** Trimmed text of a child; undefined when the child is absent or empty. */
  private text(parent: ElementNode, name: string): string | undefined {
    const node = this.child(parent, name);
    const text = node?.text.trim();
    return text === '' ? undefined : text;
  }

  private requiredText(parent: ElementNode, name: string): string {
    const text = this.text(parent, name);
    if (text === undefined) {
      const present = this.child(parent, name) !== undefined;
      throw new EdxmlError(
        'missing-element',
        present ? `required element ${name} is empty` : `missing required element ${name}`,
        `${parent.path}/${name}`,
        parent.start,
      );
    }
    return text;
  }

  /** Non-empty texts of all children of that name. */
  private texts(parent: ElementNode, name: string): string[] {
    return this.children(parent, name)
      .map((c) => c.text.trim())
      .filter((t) => t !== '');
  }

  private integer(parent: ElementNode, name: string): number | undefined {
    const text = this.text(parent, name);
    if (text === undefined) return undefined;
    if (/^[-+]?\d{1,15}$/.test(text)) return Number(text);
    this.warnings.add(`${parent.path}/${name}`, `not an integer: "${text}"; ignored`);
    return undefined;
  }

  private boolean(parent: ElementNode, name: string): boolean | undefined {
    const text = this.text(parent, name);
    if (text === undefined) return undefined;
    const lower = text.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    this.warnings.add(`${parent.path}/${name}`, `not a boolean (true/false/1/0): "${text}"; ignored`);
    return undefined;
  }

  private date(parent: ElementNode, name: string): string | undefined {
    return this.dateLike(parent, name, normalizeDate, 'yyyy/MM/dd');
  }

  private timestamp(parent: ElementNode, name: string): string | undefined {
    return this.dateLike(parent, name, normalizeTimestamp, 'yyyy/MM/dd HH:mm:ss');
  }

  private dateLike(
    parent: ElementNode,
    name: string,
    normalize: typeof normalizeDate,
    form: string,
  ): string | undefined {
    const raw = this.text(parent, name);
    if (raw === undefined) return undefined;
    const result = normalize(raw);
    const path = `${parent.path}/${name}`;
    if (!result.ok) {
      this.warnings.add(path, `${result.reason}; kept as written`);
      return raw;
    }
    if (result.changed) this.warnings.add(path, `date "${raw}" normalised to ${form} "${result.value}"`);
    return result.value;
  }

  /** Warns about children that are not edXML elements this reader knows (they are ignored). */
  private known(node: ElementNode, names: readonly string[]): void {
    for (const child of node.children) {
      if (child.ns === this.ns && names.includes(child.local)) continue;
      if (child.ns === this.ns && child.local.startsWith('Business')) {
        const standard = `Bussiness${child.local.slice('Business'.length)}`;
        if (names.includes(standard)) {
          this.warnings.add(child.path, `non-standard spelling ${child.local}; read as ${standard}`);
          continue;
        }
      }
      const where = child.ns === this.ns ? '' : ` in namespace "${child.ns}"`;
      this.warnings.add(child.path, `unknown element ${child.local}${where} ignored`);
    }
  }
}
