import type { Source } from './types.js';
import type { ProbeResult } from '../model/types.js';

// HTTP probes of the configured services. All probes of one tick run together, each with its own
// timeout, so one hanging endpoint cannot delay the others. A JSON body's `status` field (the K2
// API's /health) is kept; bodies are read only up to a small limit.

export interface ProbeTarget {
  service: string;
  url: string;
  timeoutMs: number;
}

const MAX_BODY = 64 * 1024;

export class ProbeSource implements Source<Record<string, ProbeResult>> {
  readonly name = 'probes';
  readonly timeoutMs: number;

  constructor(
    private readonly targets: ProbeTarget[],
    readonly everyTicks = 2,
  ) {
    this.timeoutMs = Math.max(500, ...targets.map((t) => t.timeoutMs)) + 500;
  }

  async sample(signal: AbortSignal): Promise<Record<string, ProbeResult>> {
    const results = await Promise.all(this.targets.map((t) => probe(t.url, t.timeoutMs, signal)));
    return Object.fromEntries(this.targets.map((t, i) => [t.service, results[i]!]));
  }
}

export async function probe(url: string, timeoutMs: number, outer?: AbortSignal): Promise<ProbeResult> {
  const started = performance.now();
  const signal = outer ? AbortSignal.any([outer, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, { signal, headers: { accept: 'application/json, */*' }, redirect: 'manual' });
    const body = await readLimited(res);
    const latencyMs = performance.now() - started;
    return {
      url,
      ok: res.status >= 200 && res.status < 400,
      status: res.status,
      latencyMs,
      bodyStatus: jsonStatus(body),
      at: Date.now(),
    };
  } catch (error) {
    return { url, ok: false, error: describeFetchError(error, timeoutMs), at: Date.now() };
  }
}

async function readLimited(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_BODY) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8', 0, Math.min(size, MAX_BODY));
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

export function describeFetchError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timeout ${timeoutMs} ms`;
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
  if (code) return code;
  return (e?.cause?.message ?? e?.message ?? String(error)).slice(0, 60);
}
