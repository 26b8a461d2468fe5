// kafkajs errors in the presenter's words: "Kafka broker unreachable at localhost:9092: …".

interface KafkaishError {
  name?: string;
  message?: string;
  code?: string;
  type?: string;
  originalError?: unknown;
  cause?: unknown;
}

/** The innermost error: kafkajs wraps the socket's error in retry and "non-retriable" errors. */
function innermost(error: unknown): KafkaishError {
  let e = error as KafkaishError;
  for (let i = 0; i < 5 && e; i++) {
    const next = (e.originalError ?? e.cause) as KafkaishError | undefined;
    if (!next || typeof next !== 'object') break;
    e = next;
  }
  return e ?? {};
}

export function describeKafkaError(brokers: string, error: unknown): string {
  const where = `Kafka broker unreachable at ${brokers}`;
  const e = innermost(error);
  const code = e.code ?? (/\b(E[A-Z]{4,})\b/.exec(e.message ?? '')?.[1] as string | undefined);
  switch (code) {
    case 'ECONNREFUSED':
      return `${where}: connection refused — is Kafka running and listening there?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where}: unknown host (${code}) — check --kafka-brokers`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `${where}: connection reset — the broker may be restarting`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where}: the host does not answer (${code})`;
  }
  const name = e.name ?? '';
  const message = firstLine(e.message ?? String(error));
  if (name === 'DeadlineError' || name === 'AbortError') return `${where}: no answer in time`;
  if (name === 'KafkaJSConnectionClosedError' || /^closed connection/i.test(message)) return `${where}: connection closed — the broker may be restarting`;
  if (/timed? ?out|timeout/i.test(message)) return `${where}: no answer in time (${message})`;
  if (name === 'KafkaJSSASLAuthenticationError') return `Kafka at ${brokers} refused the login: ${message} — check kafka.sasl`;
  if (/SSL|TLS|certificate|EPROTO/i.test(message)) return `${where}: TLS failed (${message}) — check kafka.ssl`;
  return `${where}: ${message}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 160);
}
