// Shapes of packages/hub/src/core/contract.ts as JSON (dates as ISO 8601 strings), shared by the /v1 routes.
import { type TSchema, Type } from '@sinclair/typebox';

const Opt = <T extends TSchema>(s: T) => Type.Optional(s);
const DateTime = Type.String({ format: 'date-time' });
const MessageType = Type.Union([Type.Literal('edoc'), Type.Literal('status')]);
export const DeliveryStateSchema = Type.Union(
  ['pending', 'processing', 'done', 'fail', 'withdrawn'].map((s) => Type.Literal(s)),
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

export const SignatureVerdictSchema = Type.Object(
  {
    status: Type.Union(['valid', 'invalid', 'indeterminate', 'absent'].map((s) => Type.Literal(s))),
    weak: Type.Boolean({ description: 'SHA-1 or an RSA key under 2048 bits: verifies, but flagged' }),
    policy: Type.Union([Type.Literal('report'), Type.Literal('require')]),
    algorithm: Opt(Type.String({ description: 'rsa-sha256, ecdsa-sha256, rsa-sha1, …' })),
    digestAlgorithm: Opt(Type.String()),
    signer: Opt(
      Type.Object({
        subject: Type.String(),
        issuer: Opt(Type.String()),
        agencyCode: Opt(Type.String({ description: "the certificate's UID attribute (mã định danh)" })),
        serialNumber: Type.String(),
        fingerprint256: Type.String(),
        notAfter: Opt(DateTime),
      }),
    ),
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
