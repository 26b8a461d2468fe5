import { describe, expect, it } from 'vitest';
import { demuxLogs, formatPorts, fromListed, parseDockerTime, parseExitCode, parseHealth } from '../../src/sources/docker/parse.js';
import { describeDockerError, dockerOptions } from '../../src/sources/docker/client.js';

describe('Docker list parsing', () => {
  it('reads health from the status text', () => {
    expect(parseHealth('Up 3 minutes (healthy)')).toBe('healthy');
    expect(parseHealth('Up 3 minutes (unhealthy)')).toBe('unhealthy');
    expect(parseHealth('Up 1 second (health: starting)')).toBe('starting');
    expect(parseHealth('Up 3 minutes (Paused)')).toBe('none');
    expect(parseHealth(undefined)).toBe('none');
  });
  it('reads the exit code', () => {
    expect(parseExitCode('Exited (137) 5 seconds ago')).toBe(137);
    expect(parseExitCode('Up 5 seconds')).toBeUndefined();
  });
  it('maps a listed container', () => {
    const c = fromListed({
      Id: 'abc123',
      Names: ['/k2-kafka'],
      Image: 'confluentinc/cp-kafka',
      State: 'exited',
      Status: 'Exited (1) 2 minutes ago',
      Labels: { 'com.docker.compose.service': 'kafka' },
      Ports: [{ IP: '0.0.0.0', PrivatePort: 9092, PublicPort: 9092, Type: 'tcp' }, { PrivatePort: 9093, Type: 'tcp' }],
    });
    expect(c).toMatchObject({ id: 'abc123', name: 'k2-kafka', service: 'kafka', state: 'exited', exitCode: 1, health: 'none' });
    expect(c.ports).toEqual(['9092->9092/tcp', '9093/tcp']);
  });
  it('keeps an unknown state as dead rather than inventing running', () => {
    expect(fromListed({ Id: 'x', State: 'weird' }).state).toBe('dead');
  });
  it('formats bound addresses', () => {
    expect(formatPorts([{ IP: '127.0.0.1', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }])).toEqual(['127.0.0.1:8080->80/tcp']);
  });
  it('treats the zero time as never', () => {
    expect(parseDockerTime('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(parseDockerTime('2026-01-14T10:00:00.5Z')).toBe(Date.UTC(2026, 0, 14, 10, 0, 0, 500));
  });
  it('splits multiplexed logs', () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    expect(demuxLogs(Buffer.concat([frame(1, 'one\ntwo\n'), frame(2, 'three\n')]))).toEqual(['one', 'two', 'three']);
    expect(demuxLogs(Buffer.from('plain\r\ntext\n'))).toEqual(['plain', 'text']);
  });
});

describe('Docker endpoint and errors', () => {
  it('understands unix and tcp URLs', () => {
    expect(dockerOptions('unix:///var/run/docker.sock')).toMatchObject({ socketPath: '/var/run/docker.sock' });
    expect(dockerOptions('tcp://127.0.0.1:2375')).toMatchObject({ host: '127.0.0.1', port: 2375, protocol: 'http' });
    // Connections are kept alive between requests.
    expect((dockerOptions('unix:///x.sock') as { agent?: { keepAlive?: boolean } }).agent?.keepAlive).toBe(true);
    expect(() => dockerOptions('ftp://x')).toThrow(/unsupported scheme ftp/);
  });
  it('says what to do about a missing socket, a permission problem and a refused connection', () => {
    const url = 'unix:///var/run/docker.sock';
    expect(describeDockerError(url, { code: 'ENOENT' })).toBe(
      'Docker engine unreachable at unix:///var/run/docker.sock: connect ENOENT — is dockerd running?',
    );
    expect(describeDockerError(url, { code: 'EACCES' })).toMatch(/permission denied — .*docker group/);
    expect(describeDockerError('tcp://127.0.0.1:1', { code: 'ECONNREFUSED' })).toMatch(/connection refused/);
    const deadline = Object.assign(new Error('no answer within 2000 ms'), { name: 'DeadlineError' });
    expect(describeDockerError(url, deadline)).toBe('Docker engine unreachable at unix:///var/run/docker.sock: no answer within 2000 ms');
  });
});
