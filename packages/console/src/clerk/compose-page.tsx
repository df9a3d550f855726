import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api/console-api.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/vi.js';
import { navigate, useLocation } from '../router.js';
import { useMe } from '../session.js';
import { type DocumentView, numberOf } from './clerk-types.js';
import { type Chosen, RecipientPicker } from './recipient-picker.js';

const DOC_TYPES = Array.from({ length: 29 }, (_, i) => i + 1);
type Field =
  | 'codeNumber'
  | 'codeNotation'
  | 'subject'
  | 'signerName'
  | 'recipients'
  | 'attachments'
  | 'dueDate'
  | 'promulgationDate'
  | 'form';

function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
}
const isoDate = (edxml?: string) => (edxml ? edxml.replace(/\//g, '-') : '');

export function ComposePage() {
  const { t } = useI18n();
  const me = useMe();
  const { search } = useLocation();
  const replaceOf = search.get('thay-the') ?? undefined;
  const updateOf = search.get('cap-nhat') ?? undefined;
  const target = replaceOf ?? updateOf;
  const [original, setOriginal] = useState<DocumentView | undefined>();
  const [limits, setLimits] = useState<{ maxUploadBytes: number }>({ maxUploadBytes: 50 * 1024 * 1024 });

  const [codeNumber, setCodeNumber] = useState('');
  const [codeNotation, setCodeNotation] = useState('');
  const [docType, setDocType] = useState(18);
  const [subject, setSubject] = useState('');
  const [signerName, setSignerName] = useState('');
  const [signerPosition, setSignerPosition] = useState('');
  const [promulgationDate, setPromulgationDate] = useState(today());
  const [priority, setPriority] = useState(0);
  const [dueDate, setDueDate] = useState('');
  const [recipients, setRecipients] = useState<Chosen[]>([]);
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api.get<{ maxUploadBytes: number }>('/clerk/limits').then(setLimits, () => {});
  }, []);
  useEffect(() => {
    if (!target) return;
    api.get<DocumentView>(`/clerk/documents/${encodeURIComponent(target)}`).then(
      (d) => {
        setOriginal(d);
        setRecipients(d.recipients.filter((r) => r.state !== 'withdrawn').map((r) => ({ code: r.code, name: r.name })));
        if (replaceOf) {
          setCodeNotation(d.codeNotation ?? '');
          setSubject(d.subject ?? '');
          setSignerName(d.signerName ?? '');
          setSignerPosition(d.signerPosition ?? '');
          setPriority(d.priority ?? 0);
          setDueDate(isoDate(d.dueDate));
          if (d.docType) setDocType(d.docType);
        }
      },
      () => setErrors({ form: t('app.notFound') }),
    );
  }, [target, replaceOf, t]);

  const sizeText = `${Math.round(limits.maxUploadBytes / 1024 / 1024)} MB`;
  const label = (f: Field): string =>
    ({
      codeNumber: t('compose.codeNumber'),
      codeNotation: t('compose.codeNotation'),
      subject: t('compose.subject'),
      signerName: t('compose.signer'),
      recipients: t('compose.recipients'),
      attachments: t('compose.attachments'),
      dueDate: t('compose.dueDate'),
      promulgationDate: t('compose.promulgationDate'),
      form: '',
    })[f].toLowerCase();

  const validate = (): Partial<Record<Field, string>> => {
    const e: Partial<Record<Field, string>> = {};
    if (!updateOf) {
      if (!codeNumber.trim()) e.codeNumber = t('compose.required', { field: label('codeNumber') });
      if (!codeNotation.trim()) e.codeNotation = t('compose.required', { field: label('codeNotation') });
      if (!subject.trim()) e.subject = t('compose.required', { field: label('subject') });
      if (!signerName.trim()) e.signerName = t('compose.required', { field: label('signerName') });
      const big = files.find((f) => f.size > limits.maxUploadBytes);
      if (big) e.attachments = t('compose.tooLarge', { name: big.name, size: sizeText });
    }
    if (recipients.length === 0) e.recipients = t('compose.required', { field: label('recipients') });
    return e;
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const e = validate();
    setErrors(e);
    if (Object.keys(e).length > 0) {
      summary.current?.focus();
      return;
    }
    const form = new FormData();
    if (updateOf) {
      form.append('businessType', '2');
      form.append('target', updateOf);
    } else {
      if (replaceOf) {
        form.append('businessType', '3');
        form.append('target', replaceOf);
      }
      form.append('codeNumber', codeNumber.trim());
      form.append('codeNotation', codeNotation.trim());
      form.append('docType', String(docType));
      form.append('docTypeName', t(`docType.${docType}` as MessageKey));
      form.append('subject', subject.trim());
      form.append('signerName', signerName.trim());
      form.append('signerPosition', signerPosition.trim());
      form.append('promulgationDate', promulgationDate);
      form.append('priority', String(priority));
      if (dueDate) form.append('dueDate', dueDate);
      for (const f of files) form.append('attachments', f, f.name);
    }
    for (const r of recipients) form.append('recipients', r.code);
    setBusy(true);
    try {
      const r = await api.upload<{ docId: string; recipients: string[] }>('/clerk/documents', form);
      navigate(`/van-ban/${encodeURIComponent(r.docId)}?da-gui=${r.recipients.length}`);
    } catch (err) {
      if (err instanceof ApiError) {
        const field = err.field as Field | undefined;
        const known: Field[] = [
          'codeNumber',
          'codeNotation',
          'subject',
          'signerName',
          'recipients',
          'attachments',
          'dueDate',
          'promulgationDate',
        ];
        let message = err.message;
        if (err.code === 'unknown-recipient') {
          const codes = message.match(/\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}|[^\s,]+$/g) ?? [];
          message = t('compose.unknownRecipient', { code: codes.join(', ') || message });
        } else if (err.code === 'too-large') {
          const name = message.match(/attachments: (.+) is larger/)?.[1] ?? '';
          message = t('compose.tooLarge', { name, size: sizeText });
        }
        setErrors(field && known.includes(field) ? { [field]: message } : { form: message });
      } else setErrors({ form: (err as Error).message });
      summary.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const count = Object.keys(errors).length;
  const fieldProps = (f: Field) => ({
    'aria-invalid': errors[f] ? true : undefined,
    'aria-describedby': errors[f] ? `${f}-error` : undefined,
  });
  const FieldError = ({ f }: { f: Field }) =>
    errors[f] ? (
      <p className="field-error" id={`${f}-error`} data-field={f}>
        {errors[f]}
      </p>
    ) : null;

  const title = updateOf
    ? t('compose.titleUpdate', { number: original ? numberOf(original) : '…' })
    : replaceOf
      ? t('compose.titleReplace', { number: original ? numberOf(original) : '…' })
      : t('compose.title');

  return (
    <>
      <h1>{title}</h1>
      <div ref={summary} tabIndex={-1} aria-live="assertive">
        {count > 0 && (
          <div className="notice" role="alert" data-testid="form-errors">
            <p>{errors.form ?? t('compose.fixErrors')}</p>
          </div>
        )}
      </div>
      <form onSubmit={submit} noValidate className="card">
        {!updateOf && (
          <>
            <div className="grid-3">
              <div className="field">
                <label htmlFor="codeNumber">{t('compose.codeNumber')} *</label>
                <input
                  id="codeNumber"
                  value={codeNumber}
                  onChange={(e) => setCodeNumber(e.target.value)}
                  maxLength={20}
                  {...fieldProps('codeNumber')}
                />
                <FieldError f="codeNumber" />
              </div>
              <div className="field">
                <label htmlFor="codeNotation">{t('compose.codeNotation')} *</label>
                <input
                  id="codeNotation"
                  value={codeNotation}
                  onChange={(e) => setCodeNotation(e.target.value)}
                  maxLength={40}
                  placeholder="UBND-VP"
                  {...fieldProps('codeNotation')}
                />
                <FieldError f="codeNotation" />
              </div>
              <div className="field">
                <label htmlFor="docType">{t('compose.docType')}</label>
                <select id="docType" value={docType} onChange={(e) => setDocType(Number(e.target.value))}>
                  {DOC_TYPES.map((n) => (
                    <option key={n} value={n}>
                      {t(`docType.${n}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div className="field">
              <label htmlFor="subject">{t('compose.subject')} *</label>
              <textarea
                id="subject"
                rows={2}
                value={subject}
                onChange={(e) => setSubject(e.target.value)}
                maxLength={1000}
                {...fieldProps('subject')}
              />
              <FieldError f="subject" />
            </div>
            <div className="grid-3">
              <div className="field">
                <label htmlFor="signerName">{t('compose.signer')} *</label>
                <input
                  id="signerName"
                  value={signerName}
                  onChange={(e) => setSignerName(e.target.value)}
                  maxLength={200}
                  {...fieldProps('signerName')}
                />
                <FieldError f="signerName" />
              </div>
              <div className="field">
                <label htmlFor="signerPosition">{t('compose.signerPosition')}</label>
                <input
                  id="signerPosition"
                  value={signerPosition}
                  onChange={(e) => setSignerPosition(e.target.value)}
                  maxLength={200}
                />
              </div>
              <div className="field">
                <label htmlFor="promulgationDate">{t('compose.promulgationDate')}</label>
                <input
                  id="promulgationDate"
                  type="date"
                  value={promulgationDate}
                  onChange={(e) => setPromulgationDate(e.target.value)}
                  {...fieldProps('promulgationDate')}
                />
                <FieldError f="promulgationDate" />
              </div>
            </div>
            <div className="grid-3">
              <div className="field">
                <label htmlFor="priority">{t('compose.priority')}</label>
                <select id="priority" value={priority} onChange={(e) => setPriority(Number(e.target.value))}>
                  {[0, 1, 2, 3, 4].map((p) => (
                    <option key={p} value={p}>
                      {t(`priority.${p}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="dueDate">{t('compose.dueDate')}</label>
                <input
                  id="dueDate"
                  type="date"
                  value={dueDate}
                  onChange={(e) => setDueDate(e.target.value)}
                  {...fieldProps('dueDate')}
                />
                <FieldError f="dueDate" />
              </div>
              <div className="field">
                <label htmlFor="attachments">{t('compose.attachments')}</label>
                <input
                  ref={fileInput}
                  id="attachments"
                  type="file"
                  multiple
                  onChange={(e) => setFiles([...(e.target.files ?? [])])}
                  aria-describedby={`attachments-help${errors.attachments ? ' attachments-error' : ''}`}
                  aria-invalid={errors.attachments ? true : undefined}
                />
                <span className="help" id="attachments-help">
                  {t('compose.attachmentsHelp', { size: sizeText })}
                </span>
                <FieldError f="attachments" />
              </div>
            </div>
          </>
        )}
        <RecipientPicker
          value={recipients}
          onChange={setRecipients}
          error={errors.recipients}
          exclude={me.agencyCode}
        />
        <button type="submit" disabled={busy}>
          {busy ? t('compose.sending') : t('compose.send')}
        </button>
      </form>
    </>
  );
}
