import http from 'node:http';
import https from 'node:https';
import type { Source } from './types.js';
import type { ServiceSpec } from '../config/types.js';
import { cachedLookup } from './lookup.js';
import type { ProbeResult } from '../model/types.js';

// HTTP probes of the configured services. All probes of one round run together, each with its
// own timeout, so one hanging endpoint cannot delay the others. A JSON body's `status` field (the
// K2 API's /health) is kept; bodies are read only up to a small limit. Node's http module is used
// rather than fetch: a probe is a bare GET, and fetch's machinery cost several times the CPU.

export interface ProbeTarget {
  service: string;
  url: string;
  timeoutMs: number;
}

/** The probes of the configured services; `maxTimeoutMs` caps each probe's own timeout. */
export function probeTargets(services: ServiceSpec[], maxTimeoutMs = Infinity): ProbeTarget[] {
  return services.filter((s) => s.probe).map((s) => ({ service: s.name, url: s.probe!.url, timeoutMs: Math.min(s.probe!.timeoutMs, maxTimeoutMs) }));
}

const MAX_BODY = 64 * 1024;
const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 4 }), https: new https.Agent({ keepAlive: true, maxSockets: 4 }) };

export class ProbeSource implements Source<Record<string, ProbeResult>> {
  readonly name = 'probes';
  readonly timeoutMs: number;

  constructor(
    private readonly targets: ProbeTarget[],
    readonly everyTicks = 3,
  ) {
    this.timeoutMs = Math.max(500, ...targets.map((t) => t.timeoutMs)) + 500;
  }

  async sample(signal: AbortSignal): Promise<Record<string, ProbeResult>> {
    const results = await Promise.all(this.targets.map((t) => probe(t.url, t.timeoutMs, signal)));
    return Object.fromEntries(this.targets.map((t, i) => [t.service, results[i]!]));
  }
}

/** One GET. With `keepBody` the (bounded) body text is returned too, for callers that parse it. */
export function probe(url: string, timeoutMs: number, outer?: AbortSignal, keepBody = false): Promise<ProbeResult & { body?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Omit<ProbeResult, 'url' | 'at'> & { body?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
      resolve({ url, ...r, at: Date.now() });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      done({ ok: false, error: 'invalid URL' });
      return;
    }
    const secure = target.protocol === 'https:';
    const req = (secure ? https : http).request(
      target,
      { method: 'GET', agent: secure ? agents.https : agents.http, headers: { accept: 'application/json, */*' }, lookup: cachedLookup as never },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_BODY) chunks.push(c);
          size += c.length;
        });
        res.on('error', () => undefined);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8', 0, Math.min(size, MAX_BODY));
          done({
            ok: status >= 200 && status < 400,
            status,
            latencyMs: performance.now() - started,
            bodyStatus: jsonStatus(text),
            ...(keepBody ? { body: text } : {}),
          });
        });
      },
    );
    const timer = setTimeout(() => {
      done({ ok: false, error: `timeout ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    const onAbort = () => {
      done({ ok: false, error: 'aborted' });
      req.destroy();
    };
    outer?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => done({ ok: false, error: describeProbeError(e) }));
    req.end();
  });
}

/** The `status` field of a JSON object body, if the body is one. */
export function jsonStatus(body: string): string | undefined {
  const trimmed = body.trimStart();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(trimmed) as { status?: unknown };
    return typeof value.status === 'string' ? value.status : undefined;
  } catch {
    return undefined;
  }
}

export function describeProbeError(error: unknown): string {
  const code = (error as { code?: string })?.code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  if (code) return code;
  return ((error as Error)?.message ?? String(error)).slice(0, 60);
}
