#!/usr/bin/env node
// A steady producer and a stoppable consumer for rehearsals and checks of the Kafka panel,
// against any broker (the tests' mock broker, or a real one).
//
//   node scripts/kafka-load.mjs produce --brokers 127.0.0.1:PORT [--topic T] [--rate 130] [--burst N]
//   node scripts/kafka-load.mjs consume --brokers 127.0.0.1:PORT [--topic T] [--group G]
//
// produce: sends --rate messages per second (small JSON trades, in batches every 100 ms) until
// stopped; --burst N first sends N messages as fast as it can (to build lag past a threshold).
// consume: reads the topic in group --group, committing as it goes, until stopped (Ctrl+C).
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = (await import('kafkajs')).default;

// kafkajs 2.2.4 spins each connection's request queue every millisecond while idle
// (tulios/kafkajs#1704): on the benchmark's two shared cores this load generator would otherwise
// take CPU from what is measured. Same fix as k2mc's (src/sources/kafka/idle-loop-fix.ts).
{
  const RequestQueue = (await import('kafkajs/src/network/requestQueue/index.js')).default;
  const original = RequestQueue.prototype.scheduleCheckPendingRequests;
  RequestQueue.prototype.scheduleCheckPendingRequests = function () {
    if (!this.throttleCheckTimeoutId && this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    original.call(this);
  };
}

const [mode, ...rest] = process.argv.slice(2);
const opts = { topic: 'market.crypto.trades.binance', rate: '130', group: 'k2-iceberg-writer-crypto-v2', burst: '0' };
for (let i = 0; i < rest.length; i += 2) {
  const m = /^--([a-z]+)$/.exec(rest[i] ?? '');
  if (!m || rest[i + 1] === undefined) fail(`bad argument ${rest[i]}`);
  opts[m[1]] = rest[i + 1];
}
if (!opts.brokers || !['produce', 'consume'].includes(mode)) fail('usage: kafka-load.mjs produce|consume --brokers HOST:PORT [--topic T] [--rate N] [--group G] [--burst N]');

function fail(msg) {
  console.error(`kafka-load: ${msg}`);
  process.exit(2);
}

const kafka = new Kafka({ clientId: 'k2mc-load', brokers: opts.brokers.split(','), logLevel: logLevel.ERROR });
const trade = (i) => ({ key: String(i % 16), value: JSON.stringify({ s: 'BTCUSDT', p: 97000 + (i % 100), q: 0.01, t: Date.now() }) });

if (mode === 'produce') {
  const producer = kafka.producer();
  await producer.connect();
  let sent = 0;
  for (let left = Number(opts.burst); left > 0; ) {
    const n = Math.min(1000, left);
    await producer.send({ topic: opts.topic, messages: Array.from({ length: n }, (_, k) => trade(sent + k)) });
    sent += n;
    left -= n;
  }
  if (Number(opts.burst)) console.error(`kafka-load: burst of ${sent} sent`);
  const rate = Number(opts.rate);
  const t0 = Date.now();
  const base = sent;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    // Catch up to where the wall clock says we should be: the rate holds even if a send is slow.
    const due = base + Math.floor(((Date.now() - t0) / 1000) * rate) - sent;
    if (due > 0) {
      await producer.send({ topic: opts.topic, messages: Array.from({ length: due }, (_, k) => trade(sent + k)) }).catch((e) => console.error(`kafka-load: ${e.message}`));
      sent += due;
    }
    busy = false;
  }, 100);
  const stop = async () => {
    clearInterval(timer);
    console.error(`kafka-load: ${sent} messages sent`);
    await producer.disconnect().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  const consumer = kafka.consumer({ groupId: opts.group });
  await consumer.connect();
  await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
  let read = 0;
  await consumer.run({ autoCommitInterval: 500, eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    for (const m of batch.messages) resolveOffset(m.offset);
    read += batch.messages.length;
    await heartbeat();
  } });
  const stop = async () => {
    console.error(`kafka-load: ${read} messages read`);
    await consumer.disconnect().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
