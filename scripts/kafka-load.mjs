#!/usr/bin/env node
// A steady producer and a stoppable consumer for rehearsals and checks of the Kafka panel,
// against any broker (the tests' mock broker, or a real one).
//
//   node scripts/kafka-load.mjs produce --brokers 127.0.0.1:PORT [--topic T] [--rate 130] [--burst N]
//   node scripts/kafka-load.mjs consume --brokers 127.0.0.1:PORT [--topic T] [--group G]
//   node scripts/kafka-load.mjs follow --brokers 127.0.0.1:PORT --groups G1,G2 --topics T1,T2,... [--per-group 5]
//
// produce: sends --rate messages per second (small JSON trades, in batches every 100 ms) until
// stopped; --burst N first sends N messages as fast as it can (to build lag past a threshold).
// consume: reads the topic in group --group, committing as it goes, until stopped (Ctrl+C).
// --topic takes a comma-separated list for produce: --rate is then spread over the topics.
// follow: consumer groups at scale without the cost of real consumers. Every second each group
// commits offsets a little behind the end of its --per-group topics (group i follows topics i·n
// to i·n+n−1, wrapping): most groups keep up (lag of a few messages), the last one stalls (its
// lag grows). Commits go to the group coordinator as a "simple consumer" (no membership), which
// any broker accepts for a group without members.
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
  const m = /^--([a-z-]+)$/.exec(rest[i] ?? '');
  if (!m || rest[i + 1] === undefined) fail(`bad argument ${rest[i]}`);
  opts[m[1]] = rest[i + 1];
}
if (!opts.brokers || !['produce', 'consume', 'follow'].includes(mode)) fail('usage: kafka-load.mjs produce|consume|follow --brokers HOST:PORT [--topic T[,T…]] [--rate N] [--keys N] [--group G] [--burst N] [--groups G,G… --topics T,T… --per-group N]');

function fail(msg) {
  console.error(`kafka-load: ${msg}`);
  process.exit(2);
}

const kafka = new Kafka({ clientId: 'k2mc-load', brokers: opts.brokers.split(','), logLevel: logLevel.ERROR });
// Keyed by symbol (16 by default, as the K2 stream): --keys N spreads the messages over more partitions.
const KEYS = Number(opts.keys ?? 16);
const trade = (i) => ({ key: String(i % KEYS), value: JSON.stringify({ s: 'BTCUSDT', p: 97000 + (i % 100), q: 0.01, t: Date.now() }) });

if (mode === 'produce') {
  const producer = kafka.producer();
  await producer.connect();
  const topics = opts.topic.split(',');
  // n messages from number `from` on, dealt round-robin over the topics.
  const batch = (from, n) => {
    const byTopic = topics.map((topic) => ({ topic, messages: [] }));
    for (let k = 0; k < n; k++) byTopic[(from + k) % topics.length].messages.push(trade(from + k));
    return { topicMessages: byTopic.filter((t) => t.messages.length > 0) };
  };
  let sent = 0;
  for (let left = Number(opts.burst); left > 0; ) {
    const n = Math.min(1000, left);
    await producer.sendBatch(batch(sent, n));
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
      await producer.sendBatch(batch(sent, due)).catch((e) => console.error(`kafka-load: ${e.message}`));
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
} else if (mode === 'follow') {
  if (!opts.groups || !opts.topics) fail('follow needs --groups G1,G2,... and --topics T1,T2,...');
  const groups = opts.groups.split(',');
  const topics = opts.topics.split(',');
  const perGroup = Math.min(topics.length, Number(opts['per-group'] ?? 5));
  const follows = groups.map((_, i) => Array.from({ length: perGroup }, (_, k) => topics[(i * perGroup + k) % topics.length]));
  // kafkajs's cluster (internal, 2.2.x) for one ListOffsets of all topics and the coordinators' OffsetCommit.
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!key) fail('this kafkajs has no cluster to borrow (expected 2.2.x)');
  const cluster = kafka[key]({});
  await cluster.connect();
  await cluster.addMultipleTargetTopics(topics);
  const coordinators = new Map();
  const stalledAt = new Map();
  let rounds = 0;
  let busy = false;
  const round = async () => {
    if (busy) return;
    busy = true;
    try {
      const ends = await cluster.fetchTopicsOffset(topics.map((topic) => ({ topic, fromBeginning: false, partitions: cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId })) })));
      const high = new Map(ends.map((t) => [t.topic, t.partitions]));
      await Promise.all(
        groups.map(async (groupId, i) => {
          const last = i === groups.length - 1 && groups.length > 1;
          let coordinator = coordinators.get(groupId);
          if (!coordinator) coordinators.set(groupId, (coordinator = await cluster.findGroupCoordinator({ groupId })));
          const committed = follows[i].map((topic) => ({
            topic,
            partitions: (high.get(topic) ?? []).map(({ partition, offset }) => {
              const end = Number(offset);
              // The last group stops where it was after its first commit: its lag grows with the traffic.
              if (last) {
                const k = `${topic}:${partition}`;
                if (!stalledAt.has(k)) stalledAt.set(k, end);
                return { partition, offset: String(stalledAt.get(k)) };
              }
              return { partition, offset: String(Math.max(0, end - ((partition + i) % 3))) };
            }),
          }));
          await coordinator.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', topics: committed });
        }),
      );
      rounds++;
    } catch (e) {
      console.error(`kafka-load: ${e.message}`);
      coordinators.clear();
    } finally {
      busy = false;
    }
  };
  await round();
  const timer = setInterval(round, 1000);
  const stop = async () => {
    clearInterval(timer);
    console.error(`kafka-load: ${rounds} rounds of commits for ${groups.length} groups`);
    await cluster.disconnect().catch(() => {});
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
