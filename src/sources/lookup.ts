import dns from 'node:dns';

// Host names resolved once a minute rather than on every connection: a probe or a retry every
// few seconds against "localhost" would otherwise run getaddrinfo (in libuv's thread pool, reading
// /etc/hosts and nsswitch) each time. Failures are not cached.

const TTL_MS = 60_000;
const cache = new Map<string, { at: number; address: string; family: number }>();

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

export function cachedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  const key = `${hostname}/${options.family ?? 0}/${options.all ? 'all' : 'one'}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) {
    if (options.all) callback(null, [{ address: hit.address, family: hit.family }]);
    else callback(null, hit.address, hit.family);
    return;
  }
  dns.lookup(hostname, { ...options, all: false }, (err, address, family) => {
    if (err) return callback(err, '', 0);
    cache.set(key, { at: Date.now(), address, family });
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  });
}
