// Shapes of /console/api/ops answers (packages/hub/src/console/ops/ops-console.ts), dates as ISO strings.

export interface AgencyFigure {
  code: string;
  name: string;
  count: number;
}

export interface Dashboard {
  period: { from: string; to: string; bucket: 'day' | 'month' };
  generatedAt: string;
  lag: number;
  hubId: string;
  kpis: {
    agencies: number;
    connected: number;
    sent: number;
    received: number;
    signingAgencies: number;
    fiveStatusesOrMore: number;
    overdueAcks: number;
  };
  agenciesByLevel: Array<{ level: number; agencies: number; connected: number }>;
  agenciesByHub: Array<{ hub: string; agencies: number; connected: number }>;
  series: { buckets: string[]; byLevel: Array<{ level: number; sent: number[]; received: number[] }> };
  signatures: Array<{ code: string; name: string; sent: number; signed: number; share: number }>;
  statuses: {
    perAgency: Array<{ code: string; name: string; codes: string[] }>;
    fewerThanFive: Array<{ code: string; name: string; distinct: number }>;
  };
  overdue: { deadlineHours: number; total: number; byRecipient: Array<AgencyFigure & { oldest: string }> };
  top: { senders: AgencyFigure[]; receivers: AgencyFigure[] };
  live: { perSecond: number[]; lastMinute: number };
  links: Array<{
    hubId: string;
    role: 'parent' | 'child';
    queueDepth: number;
    oldestWaitingSeconds?: number;
    dead: number;
    errorRate: number;
    lastSuccessAt?: string;
  }>;
  deadLetters: { count: number; pending: number };
}

export interface Agency {
  code: string;
  parentCode?: string;
  name: string;
  level: number;
  email?: string;
  phone?: string;
  fax?: string;
  enabled: boolean;
  isTenant: boolean;
  tenantId?: string;
  signaturePolicy?: 'off' | 'report' | 'require';
  lastSeen?: string;
}

export interface Credentials {
  systemId: string;
  vxpSecret: string;
  apiKey: string;
}

export interface Certificate {
  certificate: string;
  privateKey: string;
  serialNumber: string;
  notAfter: string;
}

export interface AgencyHealth {
  code: string;
  lastSeen?: string;
  pending: { edoc: number; status: number };
  overdue: number;
  errors: {
    clientErrors: number;
    serverErrors: number;
    recent: Array<{ at: string; status: number; method: string; route: string }>;
  };
}

export interface DocumentHit {
  docId: string;
  codeNumber?: string;
  codeNotation?: string;
  subject?: string;
  sender: string;
  senderName?: string;
  acceptedAt: string;
  recipients: Array<{ code: string; state: string; lastStatus?: string }>;
}

export interface Trace {
  docId: string;
  sender: string;
  senderName?: string;
  subject?: string;
  codeNumber?: string;
  codeNotation?: string;
  documentId?: string;
  acceptedAt: string;
  sha256: string;
  size: number;
  traces: Array<{ organId: string; timestamp: string; byHub?: boolean }>;
  attachments: Array<{
    index: number;
    name?: string;
    contentType?: string;
    size: number;
    signatures?: Array<{ status: string; signer?: { subject: string } }>;
  }>;
  signature?: { status: string; weak: boolean; signer?: { subject: string } };
  documentSignature?: { state: string; text: string };
  recipients: Array<{
    code: string;
    name?: string;
    state: string;
    statuses: Array<{ statusCode: string; description?: string; at: string; staff?: string }>;
    events: Array<{ at: string; kind: string; actor?: string; detail?: string; statusCode?: string }>;
  }>;
}

export const numberOf = (d: { codeNumber?: string; codeNotation?: string; docId: string }) =>
  d.codeNumber ? `${d.codeNumber}${d.codeNotation ? `/${d.codeNotation}` : ''}` : d.docId;
