const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** JSON.parse reviver: ISO 8601 strings under `at`, `…At`, `notAfter` or `signingTime` keys become Date objects. */
export function reviveDates(key: string, value: unknown): unknown {
  const dateKey = key === 'at' || key.endsWith('At') || key === 'notAfter' || key === 'signingTime';
  if (typeof value === 'string' && dateKey && ISO_DATE.test(value)) return new Date(value);
  return value;
}
