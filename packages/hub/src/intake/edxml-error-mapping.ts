import { EdxmlError } from '@lienthong/edxml';
import { HubError } from '../core/contract.js';

/** Parser refusals as hub errors: unreadable input is bad-package, readable-but-wrong is invalid-package. */
export function hubErrorFromParse(err: unknown): unknown {
  if (err instanceof HubError || !(err instanceof EdxmlError)) return err;
  const opts = { path: err.path || undefined, details: { edxmlCode: err.code, offset: err.offset }, cause: err };
  switch (err.code) {
    case 'truncated':
    case 'empty':
      return new HubError('bad-package', `truncated upload: ${err.message}`, opts);
    case 'missing-element':
    case 'invalid-value':
      return new HubError('invalid-package', err.message, opts);
    default:
      return new HubError('bad-package', err.message, opts);
  }
}
