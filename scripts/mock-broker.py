#!/usr/bin/python3
"""A Kafka-protocol broker for k2mc's tests: librdkafka's built-in mock cluster.

Usage:
    /usr/bin/python3 scripts/mock-broker.py [--pid-file PATH] [TOPIC[:PARTITIONS] ...]

    e.g. scripts/mock-broker.py market.crypto.trades.binance:4 market.crypto.quotes:2

Prints the broker address (127.0.0.1:PORT) as its first line on stdout, flushes, then sleeps
until SIGTERM/SIGINT, on which it tears the cluster down and exits 0. The broker lives exactly
as long as this process. Data is kept in memory only.

Run it with Debian's /usr/bin/python3 (package python3-confluent-kafka, which brings
librdkafka). librdkafka prints a "MOCK" notice on stderr: ignore it.

How: the mock cluster's CreateTopics is not implemented in librdkafka 2.0, so an AdminClient
cannot create topics with a chosen partition count. We therefore drive librdkafka's public mock
API through ctypes (rd_kafka_mock_cluster_new / rd_kafka_mock_topic_create), which is the same
cluster the client property test.mock.num.brokers creates. If that API cannot be loaded we fall
back to the documented recipe (a Producer with test.mock.num.brokers=1); topics are then
auto-created by a first produce with the mock's default partition count (a warning says so).
"""

import ctypes
import ctypes.util
import os
import signal
import sys
import threading

DEFAULT_REPLICATION = 1


def parse_args(argv):
    pid_file = None
    topics = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ('-h', '--help'):
            print(__doc__.strip())
            sys.exit(0)
        if arg == '--pid-file':
            if i + 1 >= len(argv):
                die('--pid-file needs a path')
            pid_file = argv[i + 1]
            i += 2
            continue
        if arg.startswith('--pid-file='):
            pid_file = arg.split('=', 1)[1]
            i += 1
            continue
        if arg.startswith('-'):
            die(f'unknown option {arg!r}')
        name, sep, count = arg.rpartition(':')
        if not sep:
            name, count = arg, '1'
        try:
            partitions = int(count)
        except ValueError:
            die(f'bad partition count in {arg!r} (expected TOPIC:N)')
        if not name or partitions < 1:
            die(f'bad topic spec {arg!r} (expected TOPIC:N with N >= 1)')
        topics.append((name, partitions))
        i += 1
    return pid_file, topics


def die(msg):
    print(f'mock-broker: {msg}', file=sys.stderr)
    sys.exit(2)


def load_librdkafka():
    """The librdkafka that confluent_kafka links against (Debian: /usr/lib/.../librdkafka.so.1)."""
    candidates = []
    found = ctypes.util.find_library('rdkafka')
    if found:
        candidates.append(found)
    candidates += ['librdkafka.so.1', 'librdkafka.so']
    for name in candidates:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    raise OSError('librdkafka not found')


class CtypesMockCluster:
    """Mock cluster created through librdkafka's C mock API (topics with chosen partition counts)."""

    def __init__(self):
        lib = load_librdkafka()
        lib.rd_kafka_conf_new.restype = ctypes.c_void_p
        lib.rd_kafka_conf_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                          ctypes.c_char_p, ctypes.c_size_t]
        lib.rd_kafka_conf_set.restype = ctypes.c_int
        lib.rd_kafka_new.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.rd_kafka_new.restype = ctypes.c_void_p
        lib.rd_kafka_destroy.argtypes = [ctypes.c_void_p]
        lib.rd_kafka_mock_cluster_new.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.rd_kafka_mock_cluster_new.restype = ctypes.c_void_p
        lib.rd_kafka_mock_cluster_destroy.argtypes = [ctypes.c_void_p]
        lib.rd_kafka_mock_cluster_bootstraps.argtypes = [ctypes.c_void_p]
        lib.rd_kafka_mock_cluster_bootstraps.restype = ctypes.c_char_p
        lib.rd_kafka_mock_topic_create.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                                   ctypes.c_int]
        lib.rd_kafka_mock_topic_create.restype = ctypes.c_int
        lib.rd_kafka_err2str.argtypes = [ctypes.c_int]
        lib.rd_kafka_err2str.restype = ctypes.c_char_p
        self.lib = lib

        errstr = ctypes.create_string_buffer(512)
        conf = lib.rd_kafka_conf_new()
        # The owning handle never connects anywhere; keep its own log quiet (errors only).
        lib.rd_kafka_conf_set(conf, b'log_level', b'3', errstr, len(errstr))
        lib.rd_kafka_conf_set(conf, b'client.id', b'k2mc-mock-broker', errstr, len(errstr))
        self.rk = lib.rd_kafka_new(0, conf, errstr, len(errstr))  # 0 = RD_KAFKA_PRODUCER
        if not self.rk:
            raise RuntimeError(f'rd_kafka_new failed: {errstr.value.decode(errors="replace")}')
        self.mcluster = lib.rd_kafka_mock_cluster_new(self.rk, 1)
        if not self.mcluster:
            lib.rd_kafka_destroy(self.rk)
            raise RuntimeError('rd_kafka_mock_cluster_new failed')
        self.address = lib.rd_kafka_mock_cluster_bootstraps(self.mcluster).decode()

    def create_topic(self, name, partitions):
        err = self.lib.rd_kafka_mock_topic_create(self.mcluster, name.encode(), partitions,
                                                  DEFAULT_REPLICATION)
        if err != 0:
            raise RuntimeError(f'creating topic {name}: {self.lib.rd_kafka_err2str(err).decode()}')

    def close(self):
        if self.mcluster:
            self.lib.rd_kafka_mock_cluster_destroy(self.mcluster)
            self.mcluster = None
        if self.rk:
            self.lib.rd_kafka_destroy(self.rk)
            self.rk = None


class ProducerMockCluster:
    """The documented recipe: a confluent_kafka Producer whose test.mock.num.brokers=1 owns the cluster."""

    def __init__(self):
        from confluent_kafka import Producer
        self.producer = Producer({'test.mock.num.brokers': 1, 'bootstrap.servers': '',
                                  'client.id': 'k2mc-mock-broker'})
        md = self.producer.list_topics(timeout=10)
        if not md.brokers:
            raise RuntimeError('mock cluster reported no broker')
        broker = next(iter(md.brokers.values()))
        self.address = f'{broker.host}:{broker.port}'

    def create_topic(self, name, partitions):
        # CreateTopics is not implemented by the mock: a produce auto-creates with the default count.
        self.producer.produce(name, value=b'')
        if self.producer.flush(10) != 0:
            raise RuntimeError(f'could not auto-create topic {name}')
        md = self.producer.list_topics(name, timeout=10)
        got = len(md.topics[name].partitions) if name in md.topics else 0
        if got != partitions:
            print(f'mock-broker: warning: topic {name} has {got} partitions, not {partitions} '
                  '(fallback mode cannot choose the count)', file=sys.stderr)

    def close(self):
        self.producer = None


def main():
    pid_file, topics = parse_args(sys.argv[1:])

    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)

    try:
        cluster = CtypesMockCluster()
    except Exception as exc:  # noqa: BLE001 - any failure: use the documented recipe instead
        print(f'mock-broker: C mock API unavailable ({exc}); using Producer test.mock.num.brokers',
              file=sys.stderr)
        try:
            cluster = ProducerMockCluster()
        except ImportError:
            die('confluent_kafka is missing: run with /usr/bin/python3 '
                '(apt-get install python3-confluent-kafka)')

    try:
        for name, partitions in topics:
            cluster.create_topic(name, partitions)
    except Exception as exc:  # noqa: BLE001
        cluster.close()
        print(f'mock-broker: {exc}', file=sys.stderr)
        sys.exit(1)

    if pid_file:
        with open(pid_file, 'w') as fh:
            fh.write(f'{os.getpid()}\n')

    sys.stdout.write(cluster.address + '\n')
    sys.stdout.flush()

    while not stop.wait(3600):
        pass

    if pid_file:
        try:
            with open(pid_file) as fh:
                if fh.read().strip() == str(os.getpid()):
                    os.unlink(pid_file)
        except OSError:
            pass
    # The broker keeps everything in memory: nothing to flush. librdkafka's orderly teardown
    # (cluster_destroy + rd_kafka_destroy) joins its threads and takes seconds, so a test that
    # kills the broker would wait for nothing; exit at once instead (the kernel closes the sockets).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == '__main__':
    main()
