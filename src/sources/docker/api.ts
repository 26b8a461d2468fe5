import http from 'node:http';
import https from 'node:https';
import { dockerOptions } from './client.js';

// A small HTTP client for the Docker Engine API, used on the hot path (list, inspect, stats,
// events), with one kept-alive connection pool. dockerode, used for the rarer calls, formats
// every request with util.inspect(…, { showHidden: true }) for its debug log whether or not
// debugging is on: measured at a fifth of k2mc's CPU when polling every second.

export class DockerHttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'DockerHttpError';
  }
}

export class DockerApi {
  private readonly base: http.RequestOptions;
  private readonly transport: typeof http | typeof https;

  constructor(readonly url: string) {
    const o = dockerOptions(url) as { socketPath?: string; host?: string; port?: number; protocol?: string; agent?: http.Agent };
    this.transport = o.protocol === 'https' ? https : http;
    this.base = o.socketPath
      ? { socketPath: o.socketPath, agent: o.agent }
      : { host: o.host, port: o.port, agent: o.agent };
  }

  /** GET a JSON document. */
  async json<T>(path: string, signal?: AbortSignal): Promise<T> {
    const body = await this.request(path, signal);
    return JSON.parse(body.toString('utf8')) as T;
  }

  request(path: string, signal?: AbortSignal): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const req = this.transport.request({ ...this.base, path, method: 'GET', signal, headers: { accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(body);
          else reject(new DockerHttpError(status, errorMessage(body) || `HTTP ${status}`));
        });
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Follow a streaming endpoint (events) line by line until it ends or the signal aborts. */
  stream(path: string, signal: AbortSignal, onLine: (line: string) => void, onOpen?: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      // The event stream gets its own connection, outside the pool, so it never holds a pooled socket.
      const req = this.transport.request({ ...this.base, agent: false, path, method: 'GET', signal }, (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          res.resume();
          reject(new DockerHttpError(res.statusCode ?? 0, `HTTP ${res.statusCode}`));
          return;
        }
        onOpen?.();
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (line.trim()) onLine(line);
          }
        });
        res.on('error', reject);
        res.on('end', resolve);
        res.on('close', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  }
}

function errorMessage(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: string };
    return parsed.message ?? '';
  } catch {
    return body.toString('utf8').slice(0, 200);
  }
}

/** Query string of a Docker filters object. */
export function filtersQuery(filters: Record<string, string[]>): string {
  return encodeURIComponent(JSON.stringify(filters));
}
