import type { StatusCode } from '@lienthong/edxml';
import type { Command } from 'commander';
import { chooseVia, type GlobalOptions, v1Client } from '../support/connection.js';
import { createOutput } from '../support/output.js';
import { oneOf } from '../support/parse-args.js';

interface StatusOptions extends GlobalOptions {
  description?: string;
  staff?: string;
  department?: string;
  email?: string;
  mobile?: string;
}

const CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;

const MEANING: Record<StatusCode, string> = {
  '01': 'đã đến',
  '02': 'từ chối tiếp nhận',
  '03': 'đã tiếp nhận',
  '04': 'phân công',
  '05': 'đang xử lý',
  '06': 'hoàn thành',
  '13': 'lấy lại / thu hồi',
  '15': 'đồng ý cập nhật / thu hồi',
  '16': 'từ chối cập nhật / thu hồi',
};

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(`send a business status about a document you received (${CODES.join(', ')})`)
    .argument('<docId>', 'the DocId of the received document')
    .argument('<code>', 'status code', oneOf(CODES))
    .option('--description <text>', 'the reason or note (required by the standard for 02)')
    .option('--staff <name>', 'who handled it')
    .option('--department <name>', 'their department')
    .option('--email <email>', 'their e-mail')
    .option('--mobile <phone>', 'their phone')
    .action(async (docId: string, code: StatusCode, _opts: StatusOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<StatusOptions>();
      const out = createOutput(Boolean(o.json));
      chooseVia(o, false);
      const staff = {
        ...(o.staff ? { staff: o.staff } : {}),
        ...(o.department ? { department: o.department } : {}),
        ...(o.email ? { email: o.email } : {}),
        ...(o.mobile ? { mobile: o.mobile } : {}),
      };
      const r = await v1Client(o).sendStatus(docId, code, {
        ...(o.description ? { description: o.description } : {}),
        ...(Object.keys(staff).length > 0 ? { staff } : {}),
      });
      out.result(() => `Sent status ${code} (${MEANING[code]}) about ${docId}: ${r.docId}`, r);
    });
}
