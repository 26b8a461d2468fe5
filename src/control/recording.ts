import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// Session recordings: JSON Lines. The first line describes the recording, every other line is one
// sample as it reached the store: {"t": epoch ms, "s": source name, "v": value}. A file cut short
// (k2mc killed) replays up to its last complete line. Values pass through `redact` first: URL
// credentials and anything under a key that names a secret never reach the disk.

export const RECORDING_VERSION = 1;

export interface RecordingHeader {
  k2mc: 'recording';
  version: number;
  startedAt: number;
  project: string;
  platform: string;
  /** sha256 of the config (secrets removed), to tell recordings of different set-ups apart. */
  configDigest: string;
  columns: number;
  rows: number;
  /** 1 for the first file of a session, then 2, 3… when it was rotated. */
  part: number;
  /** What the dashboard showed it against (services, Kafka spec, scenarios), secrets removed. */
  frame?: unknown;
}

export interface RecordedSample {
  t: number;
  s: string;
  v: unknown;
}

/** A setting whose value is a secret (dropped when the value is plain text or a number). */
const SECRET_KEY = /passw(or)?d|^pass$|secret|token|credential|api[-_]?key|authorization|private[-_]?key/i;
/** A setting that holds secrets as a whole (dropped whatever its value). */
const SECRET_SECTION = /^(sasl|auth|credentials?|secrets?)$/i;
/** user:password@ after a scheme, or at the start of a host:port list entry. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(:[^/\s@]*)?@/gi;
const BARE_CREDENTIALS = /(^|[\s,])[^\s,/:@]+:[^\s,/@]+@(?=[^\s,/@]+:\d)/g;
/** ?token=…, &api_key=… and the like in query strings. */
const SECRET_QUERY = /([?&](?:[a-z_-]*(?:token|secret|passw(?:or)?d|api[-_]?key|signature|auth)[a-z_-]*)=)[^&#\s"]*/gi;

/** What a key means for redaction, decided once per key name (samples repeat the same few keys). */
const enum KeyRule {
  Keep,
  /** A secret setting: dropped when its value is plain (not an object or array). */
  DropPlain,
  /** A secret section: dropped whatever its value. */
  Drop,
}
const keyRules = new Map<string, KeyRule>();
function keyRule(k: string): KeyRule {
  let rule = keyRules.get(k);
  if (rule === undefined) {
    rule = SECRET_SECTION.test(k) ? KeyRule.Drop : SECRET_KEY.test(k) ? KeyRule.DropPlain : KeyRule.Keep;
    // Keys are names from k2mc's own sample shapes and the config, plus container and service
    // names: a bounded set, but bounded here anyway.
    if (keyRules.size >= 5000) keyRules.clear();
    keyRules.set(k, rule);
  }
  return rule;
}

function redactString(s: string): string {
  // Every pattern needs an @ (credentials) or an = (query parameters): most strings have neither.
  if (!s.includes('@') && !s.includes('=')) return s;
  return s.replace(URL_CREDENTIALS, '$1***@').replace(BARE_CREDENTIALS, '$1***@').replace(SECRET_QUERY, '$1***');
}

/**
 * The value with credentials in URLs and query strings masked and secret settings dropped. Keys
 * are judged only where they hold a plain value: probe results keyed by a service called
 * "token-service" are data and stay. What needs no change is returned as it is (the same object,
 * not a copy): every sample is redacted before it is recorded, and almost none holds a secret.
 */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const r = redact(v);
      if (r !== v && !out) out = value.slice(0, i);
      if (out) out.push(r);
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    const v = obj[k];
    const rule = keyRule(k);
    const drop = rule === KeyRule.Drop || (rule === KeyRule.DropPlain && (v === null || typeof v !== 'object'));
    const r = drop ? undefined : redact(v);
    if (!out && (drop || r !== v)) {
      // The first change: copy the keys before this one, then go on building the copy.
      out = {};
      for (const j in obj) {
        if (j === k) break;
        if (Object.hasOwn(obj, j)) out[j] = obj[j];
      }
    }
    if (out && !drop) out[k] = r;
  }
  return out ?? value;
}

export function configDigest(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(redact(config))).digest('hex').slice(0, 16);
}

export interface RecorderOptions {
  dir: string;
  header: Omit<RecordingHeader, 'k2mc' | 'version' | 'part'>;
  /** A file past this size is closed and the session goes on in a new one. */
  maxFileBytes?: number;
  /** Oldest recordings are deleted beyond this total. */
  maxTotalBytes?: number;
}

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Appends samples to the session's recording. Lines are buffered and written by `flush`, which
 * the runtime calls on its clock (at least every 2 s); a write problem stops the recording and is
 * reported once, never thrown at the dashboard.
 */
export class SessionRecorder {
  private fd: number | undefined;
  private buffer: string[] = [];
  private size = 0;
  private part = 0;
  private closed = false;
  problem: string | undefined;
  path: string | undefined;

  constructor(private readonly opts: RecorderOptions) {}

  record(source: string, value: unknown, at: number): void {
    if (this.closed || this.problem) return;
    this.buffer.push(`${JSON.stringify({ t: at, s: source, v: redact(value) })}\n`);
  }

  flush(): void {
    if (this.closed || this.problem || this.buffer.length === 0) return;
    try {
      if (this.fd === undefined || this.size > (this.opts.maxFileBytes ?? 50 * 2 ** 20)) this.open();
      const text = this.buffer.join('');
      this.buffer = [];
      writeSync(this.fd!, text);
      this.size += Buffer.byteLength(text);
    } catch (e) {
      this.problem = `recording stopped: ${(e as Error).message}`;
      this.buffer = [];
    }
  }

  close(): void {
    this.flush();
    this.closed = true;
    if (this.fd !== undefined) {
      try {
        fsyncSync(this.fd);
        closeSync(this.fd);
      } catch {
        // Nothing more can be done for a file that will not close.
      }
    }
    this.fd = undefined;
  }

  private open(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    mkdirSync(this.opts.dir, { recursive: true });
    this.part++;
    const h = this.opts.header;
    // A file of its own, even for two sessions started within the same second.
    const base = `k2mc-${h.project}-${stamp(h.startedAt)}${this.part > 1 ? `-part${this.part}` : ''}`;
    let fd: number | undefined;
    for (let n = 1; fd === undefined; n++) {
      this.path = join(this.opts.dir, `${base}${n > 1 ? `-${n}` : ''}.jsonl`);
      try {
        fd = openSync(this.path, 'wx');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n > 100) throw e;
      }
    }
    this.fd = fd;
    const header = redact({ k2mc: 'recording', version: RECORDING_VERSION, ...h, part: this.part }) as RecordingHeader;
    const line = `${JSON.stringify(header)}\n`;
    writeSync(fd, line);
    this.size = Buffer.byteLength(line);
    pruneRecordings(this.opts.dir, this.opts.maxTotalBytes ?? 500 * 2 ** 20, this.path);
  }
}

/** Deletes the oldest recordings until the folder's total is under `maxTotal` (never `keep`). */
export function pruneRecordings(dir: string, maxTotal: number, keep?: string): string[] {
  const files = readdirSync(dir)
    .filter((f) => /^k2mc-.*\.jsonl$/.test(f))
    .map((f) => {
      const st = statSync(join(dir, f));
      return { path: join(dir, f), size: st.size, mtime: st.mtimeMs };
    })
    .sort((a, b) => a.mtime - b.mtime);
  let total = files.reduce((a, f) => a + f.size, 0);
  const removed: string[] = [];
  for (const f of files) {
    if (total <= maxTotal) break;
    if (f.path === keep) continue;
    unlinkSync(f.path);
    total -= f.size;
    removed.push(f.path);
  }
  return removed;
}

export interface Recording {
  header: RecordingHeader;
  samples: RecordedSample[];
  /** Lines that were not complete samples (a cut-off last line, corruption). */
  skipped: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const DAY_MS = 86_400_000;

/** Why a file whose first line is no recording header is not a k2mc recording. */
function notARecording(bytes: Buffer, first: string): string {
  let why = 'the first line is not a recording header';
  if (bytes.length === 0) why = 'the file is empty';
  else if (first.trim() === '') why = 'the first line is empty';
  else if (bytes[0] === 0x1f && bytes[1] === 0x8b) why = 'the file is gzip-compressed; decompress it first';
  else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) why = 'the file is UTF-16 text; recordings are UTF-8';
  else if (bytes.subarray(0, 4096).includes(0)) why = 'it is a binary file';
  return `not a k2mc recording (${why})`;
}

/** Reads a recording; throws an Error whose message names the file and the problem. */
export function readRecording(path: string): Recording {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : (e as Error).message;
    throw new Error(`${path}: ${why}`);
  }
  let text: string;
  try {
    text = bytes.toString('utf8');
  } catch (e) {
    // Past the longest string V8 can make (about 512 MB).
    throw new Error(`${path}: the file is too large to replay (${(bytes.length / 2 ** 20).toFixed(0)} MB): ${(e as Error).message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark an editor added
  const lines = text.split('\n');
  let header: RecordingHeader | undefined;
  try {
    header = JSON.parse(lines[0] ?? '') as RecordingHeader;
  } catch {
    header = undefined;
  }
  if (!isObject(header) || header.k2mc !== 'recording') throw new Error(`${path}: ${notARecording(bytes, lines[0] ?? '')}`);
  if (header.version === undefined) throw new Error(`${path}: the recording header has no format version; this k2mc reads version ${RECORDING_VERSION}`);
  if (header.version !== RECORDING_VERSION) throw new Error(`${path}: recording format version ${JSON.stringify(header.version)}; this k2mc reads version ${RECORDING_VERSION}`);
  if (!isTime(header.startedAt)) throw new Error(`${path}: the recording header has no start time ("startedAt" is ${header.startedAt === undefined ? 'missing' : `not a time: ${JSON.stringify(header.startedAt)}`})`);
  const samples: RecordedSample[] = [];
  let skipped = 0;
  // A sample time far outside the session (a corrupt digit) would stretch the replay over years.
  const earliest = header.startedAt - DAY_MS;
  const latest = header.startedAt + 366 * DAY_MS;
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    try {
      const s = JSON.parse(line) as RecordedSample;
      if (!isObject(s) || !isTime(s.t) || s.t < earliest || s.t > latest || typeof s.s !== 'string' || !('v' in s)) throw new Error('shape');
      samples.push(s);
    } catch {
      skipped++;
    }
  }
  return { header, samples, skipped };
}
