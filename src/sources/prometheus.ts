import { probe } from './http.js';
import type { Source } from './types.js';

// The platform's own view of its degradation, from Prometheus when it is wired up (often it is
// not): k2_degradation_level and k2_kafka_consumer_lag_messages. An unreachable Prometheus or a
// missing metric is an answer ("not available"), never a failure of the Kafka panel.

export interface PrometheusSample {
  at: number;
  /** The highest k2_degradation_level over its series. */
  level?: number;
  /** The sum of k2_kafka_consumer_lag_messages over its series. */
  lag?: number;
  /** Why the figures are missing: "unreachable: refused", "no k2_degradation_level series". */
  note?: string;
}

export const PROMETHEUS_METRICS = { level: 'k2_degradation_level', lag: 'k2_kafka_consumer_lag_messages' } as const;

type Vector = { status?: string; data?: { resultType?: string; result?: { value?: [number, string] }[] } };

/** The values of an instant-vector answer, or a reason there are none. */
export function vectorValues(body: string | undefined): number[] | string {
  let parsed: Vector;
  try {
    parsed = JSON.parse(body ?? '') as Vector;
  } catch {
    return 'not a Prometheus answer';
  }
  if (parsed.status !== 'success' || parsed.data?.resultType !== 'vector' || !Array.isArray(parsed.data.result)) return 'not a Prometheus answer';
  return parsed.data.result.map((r) => Number(r.value?.[1])).filter((v) => Number.isFinite(v));
}

export class PrometheusSource implements Source<PrometheusSample> {
  readonly name = 'prometheus';
  readonly timeoutMs: number;
  private unreachable = false;

  constructor(
    private readonly baseUrl: string,
    private readonly baseTicks: number,
    private readonly requestTimeoutMs = 1500,
  ) {
    this.timeoutMs = requestTimeoutMs + 500;
  }

  /** Not wired up is common: then asked three times less often. */
  get everyTicks(): number {
    return this.unreachable ? this.baseTicks * 3 : this.baseTicks;
  }

  async sample(signal: AbortSignal): Promise<PrometheusSample> {
    const query = (q: string) => probe(`${this.baseUrl.replace(/\/$/, '')}/api/v1/query?query=${encodeURIComponent(q)}`, this.requestTimeoutMs, signal, true);
    const [level, lag] = await Promise.all([query(PROMETHEUS_METRICS.level), query(PROMETHEUS_METRICS.lag)]);
    const at = Date.now();
    this.unreachable = !level.ok && level.status === undefined;
    if (!level.ok) return { at, note: level.error ? `unreachable: ${level.error}` : `HTTP ${level.status}` };
    const levels = vectorValues(level.body);
    const lags = lag.ok ? vectorValues(lag.body) : [];
    const out: PrometheusSample = { at };
    if (typeof levels === 'string') return { at, note: levels };
    if (levels.length > 0) out.level = Math.max(...levels);
    if (typeof lags !== 'string' && lags.length > 0) out.lag = lags.reduce((a, b) => a + b, 0);
    if (out.level === undefined && out.lag === undefined) out.note = `no ${PROMETHEUS_METRICS.level} series`;
    return out;
  }
}
