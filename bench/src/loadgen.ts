// The load generator: a separate Node process (forked by load.ts, job and result over IPC) so that
// its work is not counted in the harness and can be measured on its own (process.cpuUsage()).
// Keep-alive http.Agent with maxSockets = clients. Modes:
// - closed: `clients` loops, each sends the next pool package as soon as its previous one is answered;
// - open: packages sent at a fixed rate whatever the answers (latency from the send), optionally with
//   recipients long-polling GET /v1/inbox?wait= and fetching, for the end-to-end time;
// - delivery: agencies drain their inboxes in parallel (list → fetch → ack).
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { formatVxpTimestamp, javaHex, signVxpHeaders } from '@lienthong/client';
import { readPool } from './package-pool.js';

export interface Credentials {
  apiKey: string;
  vxpSecret: string;
}

export interface LoadJob {
  mode: 'closed' | 'open' | 'delivery';
  url: string;
  /** how packages are submitted: POST /v1/packages, VXP /sendEdoc with HMAC headers, or a bare endpoint */
  protocol: 'v1' | 'vxp' | 'bare';
  clients: number;
  seconds: number;
  /** open loop: packages per second */
  rate?: number;
  poolFiles: string[];
  pairs: Array<[string, string]>;
  /** first pool package to use */
  poolOffset?: number;
  /** the pool's packages from this index on are not used (they are another window's warm-up) */
  poolEnd?: number;
  /** start the pool again when it runs out (only where no dedupe applies: the bare endpoint) */
  cycle?: boolean;
  /** open loop: most requests outstanding at once; a send due beyond it is counted as dropped */
  maxInFlight?: number;
  /** open loop: how long outstanding requests may take after the window before they are abandoned */
  drainSeconds?: number;
  credentials: Record<string, Credentials>;
  /** open loop: agencies that long-poll their inbox and fetch what arrives (end to end) */
  pollers?: string[];
  /** delivery: agencies that drain their inboxes */
  drainers?: string[];
  /**
   * delivery: acknowledge through `POST /v1/acks`, this many packages per request (and at the end of each
   * inbox page), as the SDK's ackMany; absent or 0: one `POST /v1/packages/{docId}/ack` per package
   */
  ackBatch?: number;
}

export interface LoadResult {
  sent: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  seconds: number;
  /** latency of every successful request (ms) */
  latenciesMs: number[];
  /** user + system CPU seconds of the generator process during the window */
  cpuSeconds: number;
  poolExhausted: boolean;
  /** end to end: submit sent → recipient has fetched it (ms) */
  endToEndMs?: number[];
  /** end to end: packages never seen before the deadline */
  unseen?: number;
  /** delivery: packages fetched and acknowledged */
  delivered?: number;
  /** delivery: HTTP requests made (inbox pages, fetches, acknowledgements) */
  requests?: number;
  /** open loop: sends that were due while maxInFlight requests were outstanding (not sent) */
  dropped?: number;
  /** open loop: requests still unanswered drainSeconds after the window (abandoned) */
  abandoned?: number;
}

interface Answer {
  status: number;
  body: Buffer;
}

function call(
  agent: Agent,
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer | string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent });
    req.on('error', reject);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.end(body);
  });
}

const now = () => performance.now();

async function run(job: LoadJob): Promise<LoadResult> {
  const pool = readPool(job.poolFiles);
  const agent = new Agent({ keepAlive: true, maxSockets: job.clients });
  const result: LoadResult = {
    sent: 0,
    ok: 0,
    errors: 0,
    errorSamples: [],
    seconds: 0,
    latenciesMs: [],
    cpuSeconds: 0,
    poolExhausted: false,
  };
  const fail = (why: string) => {
    result.errors++;
    if (result.errorSamples.length < 5) result.errorSamples.push(why.slice(0, 300));
  };

  /** submits pool package i; resolves with the hub's docId (or '' for the bare endpoint) */
  async function submit(i: number): Promise<string | undefined> {
    const body = pool[i]!;
    const [sender] = job.pairs[i]!;
    const cred = job.credentials[sender]!;
    if (job.protocol === 'v1') {
      const a = await call(
        agent,
        `${job.url}/v1/packages`,
        'POST',
        {
          authorization: `Bearer ${cred.apiKey}`,
          'content-type': 'application/xml',
          'content-length': String(body.length),
        },
        body,
      );
      // 200 would be a resubmission (duplicate: true): every pool package must be new to this hub
      if (a.status !== 201) return void fail(`${a.status} ${a.body.toString('utf8')}`);
      return (JSON.parse(a.body.toString('utf8')) as { docId: string }).docId;
    }
    if (job.protocol === 'vxp') {
      const signed = signVxpHeaders(
        {
          systemid: sender,
          timestamp: formatVxpTimestamp(new Date()),
          'Content-Type': 'application/octet-stream',
          from: sender,
          servicetype: 'eDoc',
          messagetype: 'edoc',
          'hash-file': javaHex(createHash('sha256').update(body).digest()),
        },
        cred.vxpSecret,
      );
      const a = await call(
        agent,
        `${job.url}/sendEdoc`,
        'POST',
        { ...signed.headers, 'content-length': String(body.length) },
        body,
      );
      const answer =
        a.status === 200 ? (JSON.parse(a.body.toString('utf8')) as { status: string; DocId?: string }) : undefined;
      if (answer?.status !== 'OK') return void fail(`${a.status} ${a.body.toString('utf8')}`);
      return answer.DocId ?? '';
    }
    const a = await call(
      agent,
      `${job.url}/drain`,
      'POST',
      {
        'content-type': 'application/xml',
        'content-length': String(body.length),
      },
      body,
    );
    if (a.status !== 200) return void fail(`${a.status}`);
    return '';
  }

  const offset = job.poolOffset ?? 0;
  const end = Math.min(job.poolEnd ?? pool.length, pool.length);
  let next = offset;
  process.send!({ started: true });
  const cpu0 = process.cpuUsage();
  const t0 = now();
  const deadline = t0 + job.seconds * 1000;

  if (job.mode === 'closed') {
    const loop = async () => {
      while (now() < deadline) {
        if (next >= end) {
          if (!job.cycle) {
            result.poolExhausted = true;
            return;
          }
          next = 0;
        }
        const i = next++;
        result.sent++;
        const started = now();
        try {
          if ((await submit(i)) !== undefined) {
            result.ok++;
            result.latenciesMs.push(now() - started);
          }
        } catch (e) {
          fail(String(e));
        }
      }
    };
    await Promise.all(Array.from({ length: job.clients }, loop));
  } else if (job.mode === 'open') {
    const rate = job.rate ?? 100;
    const sentAt = new Map<string, number>();
    const seenAt = new Map<string, number>();
    const polling = { on: true };
    const pollAgent = new Agent({ keepAlive: true, maxSockets: (job.pollers?.length ?? 0) * 4 + 4 });
    const pollers = (job.pollers ?? []).map(async (code) => {
      const auth = { authorization: `Bearer ${job.credentials[code]!.apiKey}` };
      while (polling.on) {
        try {
          const list = await call(pollAgent, `${job.url}/v1/inbox?wait=2&limit=1000`, 'GET', auth);
          if (list.status !== 200) {
            fail(`inbox ${list.status}`);
            continue;
          }
          const items = (JSON.parse(list.body.toString('utf8')) as { items: Array<{ docId: string }> }).items;
          await Promise.all(
            items.map(async ({ docId }) => {
              const pkg = await call(pollAgent, `${job.url}/v1/packages/${docId}`, 'GET', auth);
              if (pkg.status !== 200) return fail(`fetch ${pkg.status}`);
              if (!seenAt.has(docId)) seenAt.set(docId, now());
              const ack = await call(
                pollAgent,
                `${job.url}/v1/packages/${docId}/ack`,
                'POST',
                {
                  ...auth,
                  'content-type': 'application/json',
                },
                '{"state":"done"}',
              );
              if (ack.status !== 204) fail(`ack ${ack.status}`);
            }),
          );
        } catch (e) {
          fail(String(e));
        }
      }
    });
    const inflight = new Set<Promise<void>>();
    const maxInFlight = job.maxInFlight ?? 1024;
    let scheduled = 0;
    let dropped = 0;
    while (now() < deadline) {
      const due = Math.floor(((now() - t0) / 1000) * rate);
      while (scheduled < due) {
        scheduled++;
        if (inflight.size >= maxInFlight) {
          dropped++;
          continue;
        }
        if (next >= end) {
          result.poolExhausted = true;
          break;
        }
        const i = next++;
        result.sent++;
        const started = now();
        const p: Promise<void> = submit(i)
          .then((docId) => {
            if (docId === undefined) return;
            result.ok++;
            result.latenciesMs.push(now() - started);
            if (docId) sentAt.set(docId, started);
          })
          .catch((e) => fail(String(e)))
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      if (result.poolExhausted) break;
      await new Promise((r) => setTimeout(r, 1));
    }
    result.dropped = dropped;
    const drainUntil = now() + (job.drainSeconds ?? 10) * 1000;
    while (inflight.size > 0 && now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
    result.abandoned = inflight.size;
    if (inflight.size > 0) agent.destroy();
    const windowEnd = now();
    if (job.pollers?.length) {
      const waitUntil = now() + (job.drainSeconds ?? 10) * 1000;
      while (now() < waitUntil && [...sentAt.keys()].some((d) => !seenAt.has(d))) {
        await new Promise((r) => setTimeout(r, 20));
      }
      result.endToEndMs = [];
      let unseen = 0;
      for (const [docId, started] of sentAt) {
        const seen = seenAt.get(docId);
        if (seen === undefined) unseen++;
        else result.endToEndMs.push(seen - started);
      }
      result.unseen = unseen;
    }
    polling.on = false;
    result.seconds = (windowEnd - t0) / 1000;
    await Promise.race([Promise.all(pollers), new Promise((r) => setTimeout(r, 3000))]);
    pollAgent.destroy();
  } else {
    // delivery: each agency lists its inbox, fetches and acknowledges every package, until empty
    let delivered = 0;
    let requests = 0;
    const batch = job.ackBatch ?? 0;
    const drain = async (code: string) => {
      const auth = { authorization: `Bearer ${job.credentials[code]!.apiKey}` };
      const ackHeaders = { ...auth, 'content-type': 'application/json' };
      /** acknowledges the packages fetched since the last batch (one request) */
      const ackMany = async (pending: string[]) => {
        if (pending.length === 0) return;
        const body = JSON.stringify({ items: pending.map((docId) => ({ docId, state: 'done' })) });
        const started = now();
        requests++;
        const ack = await call(agent, `${job.url}/v1/acks`, 'POST', ackHeaders, body);
        pending.length = 0;
        if (ack.status !== 200) return fail(`acks ${ack.status} ${ack.body.toString('utf8')}`);
        result.latenciesMs.push(now() - started);
        for (const r of (JSON.parse(ack.body.toString('utf8')) as { results: Array<{ ok: boolean }> }).results) {
          if (!r.ok) {
            fail(`ack refused: ${JSON.stringify(r)}`);
            continue;
          }
          result.ok++;
          delivered++;
        }
      };
      while (now() < deadline) {
        requests++;
        const list = await call(agent, `${job.url}/v1/inbox?limit=1000`, 'GET', auth);
        if (list.status !== 200) return fail(`inbox ${list.status} ${list.body.toString('utf8')}`);
        const items = (JSON.parse(list.body.toString('utf8')) as { items: Array<{ docId: string }> }).items;
        if (items.length === 0) return;
        const pending: string[] = [];
        for (const { docId } of items) {
          if (now() >= deadline) break;
          const started = now();
          result.sent++;
          requests++;
          const pkg = await call(agent, `${job.url}/v1/packages/${docId}`, 'GET', auth);
          if (pkg.status !== 200) {
            fail(`fetch ${pkg.status}`);
            continue;
          }
          if (batch > 0) {
            // batched: the latencies are those of each request (fetch, and each acknowledgement request)
            result.latenciesMs.push(now() - started);
            pending.push(docId);
            if (pending.length >= batch) await ackMany(pending);
            continue;
          }
          requests++;
          const ack = await call(agent, `${job.url}/v1/packages/${docId}/ack`, 'POST', ackHeaders, '{"state":"done"}');
          if (ack.status !== 204) {
            fail(`ack ${ack.status} ${ack.body.toString('utf8')}`);
            continue;
          }
          result.ok++;
          delivered++;
          result.latenciesMs.push(now() - started);
        }
        await ackMany(pending);
        if (now() >= deadline) return;
      }
    };
    await Promise.all((job.drainers ?? []).map(drain));
    result.delivered = delivered;
    result.requests = requests;
  }
  if (!result.seconds) result.seconds = (now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  agent.destroy();
  return result;
}

process.once('message', (job: LoadJob) => {
  run(job).then(
    (r) => process.send!({ result: r }, () => process.exit(0)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
});
