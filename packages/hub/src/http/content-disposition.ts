/**
 * `attachment; filename=…` for a name that came from a package: only the last path segment survives (an
 * AttachmentName of `../../etc/passwd` is served as `passwd`), control characters and quotes are dropped, and the
 * UTF-8 name goes in `filename*` with an ASCII fallback.
 */
export function contentDisposition(name: string | undefined, fallback = 'attachment'): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  const safe = clean === '' || clean === '.' || clean === '..' ? fallback : clean;
  const ascii = safe
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/[%\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(safe)}`;
}
