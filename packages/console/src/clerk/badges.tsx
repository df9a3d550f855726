import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/vi.js';
import type { StatusCode } from './clerk-types.js';

export function PriorityBadge({ priority }: { priority?: number }) {
  const { t } = useI18n();
  if (!priority) return null;
  return <span className={`badge priority-${priority}`}>{t(`priority.${priority}` as MessageKey)}</span>;
}

/** yyyy/MM/dd, compared with today in Vietnam */
export function DueBadge({ dueDate }: { dueDate?: string }) {
  const { t, formatDate } = useI18n();
  if (!dueDate) return null;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' })
    .format(new Date())
    .replace(/-/g, '/');
  const overdue = dueDate < today;
  return (
    <span className={`badge ${overdue ? 'overdue' : 'due'}`}>
      {t(overdue ? 'inbox.overdue' : 'inbox.due', { date: formatDate(dueDate) })}
    </span>
  );
}

export function StatusBadge({ code }: { code?: StatusCode }) {
  const { t } = useI18n();
  return (
    <span className={`badge status status-${code ?? 'none'}`} data-status={code ?? ''}>
      {code ? t(`status.${code}` as MessageKey) : t('status.none')}
    </span>
  );
}
