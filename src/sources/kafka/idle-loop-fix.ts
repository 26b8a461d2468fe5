// kafkajs 2.2.4 keeps every open connection's request queue checking for pending requests every
// millisecond, whether or not anything is pending (tulios/kafkajs#1704, #1556; fixed in no
// release): scheduleCheckPendingRequests computes `throttledUntil - now`, negative when not
// throttled, and re-arms a setTimeout of that (1 ms) each time it fires. With one connection to a
// broker that was ~1,500 event-loop wake-ups a second and most of k2mc's CPU.
//
// The replacement does the same, except that with nothing pending and no throttle to wait out it
// schedules nothing: push() calls it again as soon as a request has to wait, and a fulfilled
// request calls checkPendingRequests. It is installed only if kafkajs's function still has the
// shape it replaces; otherwise kafkajs runs as shipped.

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL (module-private). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface QueueLike {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

function scheduleCheckPendingRequests(this: QueueLike): void {
  if (this.throttleCheckTimeoutId) return;
  let scheduleAt = this.throttledUntil - Date.now();
  if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  else if (scheduleAt <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, scheduleAt);
}

const FIXED = Symbol.for('k2mc.kafkajs.idleLoopFix');

/** kafkajs's RequestQueue class: src/network/requestQueue/index.js, not one of its exports. */
export type RequestQueueClass = { prototype: QueueLike & { [FIXED]?: true } };

/** Installs the fix on kafkajs's RequestQueue once; returns whether kafkajs now runs with it. */
export function fixKafkaIdleLoop(RequestQueue: RequestQueueClass | undefined): boolean {
  const proto = RequestQueue?.prototype;
  if (!proto || typeof proto.scheduleCheckPendingRequests !== 'function') return false;
  if (proto[FIXED]) return true;
  const source = String(proto.scheduleCheckPendingRequests);
  const sameShape = ['throttledUntil - Date.now()', 'throttleCheckTimeoutId', 'this.pending.length > 0', 'checkPendingRequests()'].every((s) => source.includes(s));
  if (!sameShape) return false;
  proto.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  proto[FIXED] = true;
  return true;
}

/** Loads kafkajs's RequestQueue (as the bundle and Node resolve it: the copy kafkajs uses) and fixes it. */
export async function loadKafkaIdleLoopFix(): Promise<boolean> {
  try {
    const mod = (await import('kafkajs/src/network/requestQueue/index.js')) as { default?: RequestQueueClass } & RequestQueueClass;
    return fixKafkaIdleLoop(mod.default ?? mod);
  } catch {
    return false;
  }
}
