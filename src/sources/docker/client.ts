import http from 'node:http';
import type Docker from 'dockerode';

// Docker URLs (unix:///path, tcp://host:port, http(s)://host:port), connection options, and
// messages that name the endpoint. dockerode itself (with ssh2 behind it) is loaded only when a
// rare call needs it, which keeps it out of the dashboard's start-up.

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export function resolveDockerUrl(url: string | undefined): string {
  return url && url.trim() !== '' ? url.trim() : DEFAULT_DOCKER_HOST;
}

export async function loadDockerode(url: string): Promise<Docker> {
  const { default: Dockerode } = await import('dockerode');
  return new Dockerode(dockerOptions(url));
}

// Keep connections to the engine open between requests: a few requests a second each opening
// a new socket cost more CPU (ours and the daemon's) than the requests themselves.
function agent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 16, keepAliveMsecs: 10_000 });
}

export function dockerOptions(url: string): Docker.DockerOptions {
  if (url.startsWith('unix://')) return { socketPath: url.slice('unix://'.length), agent: agent() } as Docker.DockerOptions;
  if (url.startsWith('/')) return { socketPath: url, agent: agent() } as Docker.DockerOptions;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid Docker host "${url}": expected unix:///path/to/docker.sock or tcp://host:port`);
  }
  const protocol = parsed.protocol.replace(':', '');
  if (!['tcp', 'http', 'https'].includes(protocol)) {
    throw new Error(`invalid Docker host "${url}": unsupported scheme ${protocol}; use unix:// or tcp://`);
  }
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : protocol === 'https' ? 2376 : 2375,
    protocol: protocol === 'https' ? 'https' : 'http',
    ...(protocol === 'https' ? {} : { agent: agent() }),
  } as Docker.DockerOptions;
}

/** Turns a dockerode / socket error into a sentence naming the endpoint and the likely fix. */
export function describeDockerError(url: string, error: unknown): string {
  const err = error as { code?: string; message?: string; statusCode?: number; name?: string };
  const code = err?.code;
  const where = `Docker engine unreachable at ${url}`;
  switch (code) {
    case 'ENOENT':
      return `${where}: connect ENOENT — is dockerd running?`;
    case 'EACCES':
    case 'EPERM':
      return `${where}: permission denied — run as a member of the docker group, or pass --docker-host`;
    case 'ECONNREFUSED':
      return `${where}: connection refused — is dockerd running and listening there?`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `${where}: connection reset — the engine may be restarting`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where}: the host does not answer (${code})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where}: unknown host (${code}) — check --docker-host`;
  }
  if (err?.name === 'DeadlineError' || err?.name === 'AbortError') {
    return `${where}: ${err.name === 'AbortError' ? 'no answer in time' : err.message}`;
  }
  if (typeof err?.statusCode === 'number') {
    return `Docker engine at ${url} answered HTTP ${err.statusCode}: ${firstLine(err.message)}`;
  }
  return `${where}: ${firstLine(err?.message ?? String(error))}`;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!.slice(0, 160);
}
