const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** JSON.parse reviver: ISO 8601 strings under `at` or `…At` keys become Date objects. */
export function reviveDates(key: string, value: unknown): unknown {
  if (typeof value === 'string' && (key === 'at' || key.endsWith('At')) && ISO_DATE.test(value)) return new Date(value);
  return value;
}
