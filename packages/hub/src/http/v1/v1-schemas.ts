// Shapes of packages/hub/src/core/contract.ts as JSON (dates as ISO 8601 strings), shared by the /v1 routes.
import { type TSchema, Type } from '@sinclair/typebox';

const Opt = <T extends TSchema>(s: T) => Type.Optional(s);
const DateTime = Type.String({ format: 'date-time' });
const MessageType = Type.Union([Type.Literal('edoc'), Type.Literal('status')]);
export const DeliveryStateSchema = Type.Union(
  ['pending', 'processing', 'done', 'fail', 'withdrawn', 'forwarding'].map((s) => Type.Literal(s)),
  { $id: 'DeliveryState' },
);
const StatusCode = Type.String({ pattern: '^(0[1-6]|1[356])$', description: 'edXML StatusCode: 01…06, 13, 15, 16' });

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'bad-request, bad-package, invalid-package, unauthenticated, forbidden, …' }),
      message: Type.String(),
      path: Opt(Type.String()),
      requestId: Type.String(),
    }),
  },
  { $id: 'Error' },
);

export const SubmitResultSchema = Type.Object(
  {
    docId: Type.String(),
    messageType: MessageType,
    duplicate: Type.Boolean(),
    recipients: Type.Array(Type.String()),
    sha256: Type.String(),
    size: Type.Integer(),
    warnings: Type.Array(Type.String()),
    receipt: Type.String({
      description:
        "the hub's signed receipt: a compact JWS (ES256/RS256, x5c = the hub's chain) over canonical JSON {acceptedAt, docId, hubId, recipients, sender, sha256, size, type}; the original one for a duplicate",
    }),
  },
  { $id: 'SubmitResult' },
);

export const InboxItemSchema = Type.Object(
  {
    docId: Type.String(),
    messageType: MessageType,
    from: Type.String(),
    to: Type.String(),
    state: Type.Ref('DeliveryState'),
    stateDescription: Opt(Type.String()),
    createdAt: DateTime,
    updatedAt: DateTime,
    documentId: Opt(Type.String()),
    subject: Opt(Type.String()),
    codeNumber: Opt(Type.String()),
    codeNotation: Opt(Type.String()),
    priority: Opt(Type.Integer()),
    dueDate: Opt(Type.String()),
    businessType: Opt(Type.Integer()),
    statusCode: Opt(StatusCode),
    responseForDocId: Opt(Type.String()),
    size: Type.Integer(),
  },
  { $id: 'InboxItem' },
);

export const InboxPageSchema = Type.Object(
  { items: Type.Array(Type.Ref('InboxItem')), nextCursor: Opt(Type.String()) },
  { $id: 'InboxPage' },
);

export const SentItemSchema = Type.Object(
  {
    docId: Type.String(),
    messageType: MessageType,
    documentId: Opt(Type.String()),
    subject: Opt(Type.String()),
    codeNumber: Opt(Type.String()),
    codeNotation: Opt(Type.String()),
    sentAt: DateTime,
    recipients: Type.Array(
      Type.Object({
        code: Type.String(),
        state: Type.Ref('DeliveryState'),
        stateDescription: Opt(Type.String()),
        receivedAt: Opt(DateTime),
        lastStatus: Opt(StatusCode),
      }),
    ),
  },
  { $id: 'SentItem' },
);

export const SentPageSchema = Type.Object(
  { items: Type.Array(Type.Ref('SentItem')), nextCursor: Opt(Type.String()) },
  { $id: 'SentPage' },
);

/** Who signed: the signing certificate as the verdicts describe it (XML signature and PDF signatures). */
const signerFields = {
  subject: Type.String(),
  issuer: Opt(Type.String()),
  agencyCode: Opt(Type.String({ description: "the certificate's UID attribute (mã định danh)" })),
  serialNumber: Type.String(),
  fingerprint256: Type.String(),
};
export const SignatureVerdictSchema = Type.Object(
  {
    status: Type.Union(['valid', 'invalid', 'indeterminate', 'absent'].map((s) => Type.Literal(s))),
    weak: Type.Boolean({ description: 'SHA-1 or an RSA key under 2048 bits: verifies, but flagged' }),
    policy: Type.Union([Type.Literal('report'), Type.Literal('require')]),
    algorithm: Opt(Type.String({ description: 'rsa-sha256, ecdsa-sha256, rsa-sha1, …' })),
    digestAlgorithm: Opt(Type.String()),
    signer: Opt(Type.Object({ ...signerFields, notAfter: Opt(DateTime) })),
    reasons: Type.Array(
      Type.Object({
        code: Type.String({
          description: 'digest-mismatch, signer-unexpected, certificate-revoked, weak-algorithm, …',
        }),
        message: Type.String(),
        severity: Type.Union([Type.Literal('error'), Type.Literal('indeterminate'), Type.Literal('note')]),
      }),
    ),
    checkedAt: DateTime,
  },
  { $id: 'SignatureVerdict', description: "the package's XML signature as checked at intake" },
);

const InspectionReason = Type.Object({
  code: Type.String({ description: 'digest-mismatch, partial-coverage, chain-untrusted, zip-bomb, not-pdf, …' }),
  message: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('indeterminate'), Type.Literal('note')]),
});

export const AttachmentSignatureSchema = Type.Object(
  {
    status: Type.Union(['valid', 'invalid', 'indeterminate'].map((s) => Type.Literal(s))),
    coversWholeDocument: Type.Boolean({ description: 'false: bytes were added to the PDF after signing' }),
    subFilter: Opt(Type.String({ description: 'adbe.pkcs7.detached, ETSI.CAdES.detached' })),
    signer: Opt(Type.Object(signerFields)),
    signingTime: Opt(DateTime),
    signingTimeSource: Opt(
      Type.Union([Type.Literal('cms'), Type.Literal('pdf')], {
        description: 'cms: the signed signingTime attribute; pdf: the unprotected /M of the signature dictionary',
      }),
    ),
    algorithm: Opt(Type.String({ description: 'rsa-pkcs1-sha256, rsa-pss-sha256, ecdsa-sha256, …' })),
    digestAlgorithm: Opt(Type.String()),
    weak: Type.Boolean(),
    reasons: Type.Array(InspectionReason),
  },
  { $id: 'AttachmentSignature', description: 'a signature found in a PDF attachment, checked after acceptance' },
);

export const TimelineSchema = Type.Object(
  {
    docId: Type.String(),
    messageType: MessageType,
    documentId: Opt(Type.String()),
    sender: Type.String(),
    subject: Opt(Type.String()),
    codeNumber: Opt(Type.String()),
    codeNotation: Opt(Type.String()),
    businessType: Opt(Type.Integer()),
    acceptedAt: DateTime,
    sha256: Type.String(),
    size: Type.Integer(),
    traces: Type.Array(Type.Object({ organId: Type.String(), timestamp: Type.String() })),
    attachments: Type.Array(
      Type.Object({
        index: Type.Integer(),
        name: Opt(Type.String()),
        contentType: Opt(Type.String()),
        size: Type.Integer(),
        sha256: Type.String(),
        inspection: Opt(
          Type.Object({
            state: Type.Union(
              ['pending', 'signed', 'unsigned', 'not-inspected', 'refused'].map((x) => Type.Literal(x)),
            ),
            format: Opt(Type.Union(['pdf', 'zip', 'other'].map((x) => Type.Literal(x)))),
            entryName: Opt(Type.String({ description: 'the file inside the ZIP that was inspected' })),
            reasons: Type.Array(InspectionReason),
            checkedAt: Opt(DateTime),
          }),
        ),
        signatures: Opt(Type.Array(Type.Ref('AttachmentSignature'))),
      }),
    ),
    related: Type.Array(Type.Object({ docId: Type.String(), relation: Type.String() })),
    recipients: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Opt(Type.String()),
        state: Type.Ref('DeliveryState'),
        statuses: Type.Array(
          Type.Object({
            statusCode: StatusCode,
            description: Opt(Type.String()),
            docId: Type.String(),
            at: DateTime,
            staff: Opt(Type.String()),
          }),
        ),
        events: Type.Array(
          Type.Object({
            at: DateTime,
            kind: Type.String(),
            actor: Opt(Type.String()),
            detail: Opt(Type.String()),
            statusCode: Opt(StatusCode),
            relatedDocId: Opt(Type.String()),
          }),
        ),
      }),
    ),
    documentSignature: Opt(
      Type.Object(
        {
          state: Type.Union(['signed', 'not-signed', 'pending'].map((x) => Type.Literal(x))),
          signers: Type.Array(
            Type.Object({
              subject: Type.String(),
              agencyCode: Opt(Type.String()),
              attachmentIndex: Type.Integer(),
              signingTime: Opt(DateTime),
            }),
          ),
          text: Type.String(),
        },
        { description: 'whether an attachment carries a valid PDF signature over the whole file, and by whom' },
      ),
    ),
    signature: Opt(Type.Ref('SignatureVerdict')),
  },
  { $id: 'Timeline' },
);

export const AgencySchema = Type.Object(
  {
    code: Type.String(),
    parentCode: Opt(Type.String()),
    name: Type.String(),
    level: Type.Integer(),
    email: Opt(Type.String()),
    phone: Opt(Type.String()),
    fax: Opt(Type.String()),
    enabled: Type.Boolean(),
    isTenant: Type.Boolean(),
    tenantId: Opt(Type.String()),
    demo: Type.Boolean(),
    signaturePolicy: Opt(
      Type.Union([Type.Literal('off'), Type.Literal('report'), Type.Literal('require')], {
        description: "this agency's own signature policy; absent: the hub's default",
      }),
    ),
    version: Type.Integer(),
    deleted: Type.Boolean(),
    updatedAt: DateTime,
  },
  { $id: 'Agency' },
);

export const SHARED_SCHEMAS = [
  DeliveryStateSchema,
  ErrorSchema,
  SubmitResultSchema,
  InboxItemSchema,
  InboxPageSchema,
  SentItemSchema,
  SentPageSchema,
  SignatureVerdictSchema,
  AttachmentSignatureSchema,
  TimelineSchema,
  AgencySchema,
];

/** the error answers every authenticated route may give */
export const ERROR_RESPONSES = {
  400: Type.Ref('Error'),
  401: Type.Ref('Error'),
  403: Type.Ref('Error'),
  404: Type.Ref('Error'),
  503: Type.Ref('Error'),
};
