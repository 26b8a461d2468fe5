import { Text } from 'ink';
import { useAppStore } from './store-context.js';
import { DASH, fit, formatClock, formatDuration, formatInt, formatRate, sparkline } from '../model/format.js';
import { levelName, type Level } from '../model/degradation.js';
import type { GroupView, KafkaView, TopicView } from '../model/kafka-view.js';
import type { PrometheusSample } from '../sources/prometheus.js';
import { paint, strong, tint } from './paint.js';
import { Panel } from './Panel.js';
import type { Color } from './theme.js';

// Kafka: per topic the rate, its last 60 samples and the total; per group and topic the lag, the
// worst partition, the trend and the degradation level, with the platform's own figures from
// Prometheus beside it. Compact (few lines) it keeps the live topic and one line per group.

export const LEVEL_COLOR: Record<Level, Color> = { 0: 'green', 1: 'yellow', 2: 'yellow', 3: 'red', 4: 'red' };

/** Lines the panel wants for a view: border (2), two headings, topics, group rows. */
export function kafkaPanelWants(view: KafkaView | undefined, topicCount: number, groupCount: number): number {
  const topics = view ? view.topics.length + (view.missingTopics.length ? 1 : 0) : topicCount;
  const groups = view ? view.groups.reduce((a, g) => a + g.rows.length, 0) : groupCount;
  return 2 + 2 + Math.max(1, topics) + Math.max(1, groups);
}

interface TopicCols {
  name: number;
  rate: number;
  spark: number;
  total: number;
  parts: number;
}

/** The topic name gets what the longest needs (up to 38), the sparkline the rest (up to 60). */
function topicCols(inner: number, longest: number): TopicCols {
  const rate = 8;
  const total = 13;
  const parts = 5;
  const fixed = rate + total + parts + 4;
  const name = Math.max(12, Math.min(38, longest, inner - fixed - 8));
  return { name, rate, total, parts, spark: Math.max(0, Math.min(60, inner - name - fixed)) };
}

function TopicRow({ t, cols, live }: { t: TopicView; cols: TopicCols; live: boolean }) {
  const stalled = live && t.rate === 0;
  // One text per row, its colours inside (see paint.ts): this panel changes every second.
  const text =
    (live ? strong(fit(t.name, cols.name)) : fit(t.name, cols.name)) +
    ' ' +
    tint(stalled ? 'red' : t.rate === undefined ? 'gray' : undefined, fit(formatRate(t.rate), cols.rate, 'right')) +
    ' ' +
    tint(stalled ? 'red' : 'cyan', sparkline(t.history, cols.spark)) +
    ` ${fit(formatInt(t.total), cols.total, 'right')} ${fit(String(t.partitions), cols.parts, 'right')}`;
  return <Text wrap="truncate">{text}</Text>;
}

function trendText(g: GroupView): { text: string; color?: Color } {
  const t = g.trend;
  if (t.trend === 'growing') return { text: `↑ growing ${formatRate(t.perSec)}/s`, color: 'yellow' };
  if (t.trend === 'shrinking') return { text: `↓ drains in ${formatDuration(t.drainSec)}`, color: 'green' };
  if (t.trend === 'steady') return { text: '→ steady' };
  return { text: DASH, color: 'gray' };
}

function platformText(p: PrometheusSample | undefined, g: GroupView): { text: string; color?: Color } {
  if (!p) return { text: '' };
  if (p.level === undefined && p.lag === undefined) return { text: `platform: ${p.note ?? 'n/a'}`, color: 'gray' };
  const parts: string[] = [];
  if (p.level !== undefined) parts.push(levelName(Math.max(0, Math.min(4, Math.round(p.level))) as Level));
  if (p.lag !== undefined) parts.push(`lag ${formatInt(p.lag)}`);
  const disagrees = p.level !== undefined && g.level !== undefined && Math.round(p.level) !== g.level.level;
  return { text: `platform: ${parts.join(' · ')}${disagrees ? ' ≠' : ''}`, color: disagrees ? 'yellow' : 'gray' };
}

interface GroupCols {
  group: number;
  /** 0 in the narrow form: one line per group with its total lag. */
  topic: number;
  lag: number;
  worst: number;
  trend: number;
  level: number;
  platform: number;
}

function groupCols(inner: number, longestGroup: number, longestTopic: number): GroupCols {
  const lag = 11;
  const trend = 20;
  const level = 13;
  const wide = inner >= 110;
  const group = Math.min(wide ? 32 : 24, Math.max(8, longestGroup));
  const topic = wide ? Math.min(32, Math.max(8, longestTopic)) : 0;
  const worst = wide ? 12 : 0;
  const used = group + (topic ? topic + 1 : 0) + lag + (worst ? worst + 1 : 0) + trend + level + 3;
  const platform = inner - used - 1;
  return { group, topic, lag, worst, trend, level, platform: platform >= 16 ? platform : 0 };
}

/** The group's lines: one per topic (wide) or one in all (narrow); trend, level, platform on the first. */
function groupLines(g: GroupView, cols: GroupCols, prometheus: PrometheusSample | undefined, primary: boolean): React.ReactNode[] {
  const trend = trendText(g);
  const level = g.level?.level;
  const plat = primary && cols.platform ? platformText(prometheus, g) : { text: '' };
  const known = g.rows[0]?.topic !== undefined;
  const rows = cols.topic && known ? g.rows : [{ ...g.rows[0]!, lag: g.lag }];
  return rows.map((r, i) => {
    const first = i === 0;
    const lag = formatInt(r.lag);
    const worst = r.worst && r.partitions > 1 ? `p${r.worst.partition} ${formatInt(r.worst.lag)}` : '';
    if (!known) {
      return (
        <Text key={`g:${g.groupId}:-`} wrap="truncate">
          {fit(g.groupId, cols.group)} <Text dimColor>no committed offsets on the watched topics</Text>
        </Text>
      );
    }
    const topicCell = cols.topic ? `${fit(r.topic ?? '', cols.topic)} ` : '';
    const text =
      `${fit(first ? g.groupId : '', cols.group)} ${topicCell}${fit(lag, cols.lag, 'right')}${cols.worst ? ` ${fit(worst, cols.worst, 'right')}` : ''} ` +
      tint(first ? trend.color : undefined, fit(first ? trend.text : '', cols.trend)) +
      ' ' +
      strong(tint(first && level !== undefined ? LEVEL_COLOR[level] : undefined, fit(first && level !== undefined ? levelName(level) : '', cols.level))) +
      (cols.platform ? tint(first ? plat.color : undefined, ` ${fit(first ? plat.text : '', cols.platform)}`) : '');
    return (
      <Text key={`g:${g.groupId}:${r.topic ?? '-'}`} wrap="truncate">
        {text}
      </Text>
    );
  });
}

function title(s: { brokers: string; state: string; since?: number; view?: KafkaView }): string {
  if (s.state === 'unreachable') return `Kafka · broker unreachable at ${s.brokers} since ${formatClock(s.since ?? 0)}`;
  if (s.state === 'connecting' || !s.view) return `Kafka · connecting to ${s.brokers}…`;
  const v = s.view;
  return `Kafka · ${s.brokers} · ${v.brokers} broker${v.brokers === 1 ? '' : 's'}${v.controller !== undefined ? ` · controller ${v.controller}` : ''}`;
}

export function KafkaPanel({ width, height }: { width: number; height: number }) {
  const view = useAppStore((s) => s.kafka.view);
  const status = useAppStore((s) => s.kafka.status);
  const prometheus = useAppStore((s) => s.prometheus);
  const spec = useAppStore((s) => s.frame.kafka);
  const focused = useAppStore((s) => s.ui.panel === 'kafka');
  const inner = width - 2;
  const body = Math.max(0, height - 2);
  const brokers = spec.brokers.join(',');
  const heading = title({ brokers, state: status.state, since: status.state === 'unreachable' ? status.since : undefined, view });
  const lines: React.ReactNode[] = [];

  if (status.state === 'unreachable') {
    lines.push(
      <Text key="why" wrap="truncate" color={paint('red')}>
        {status.reason}
      </Text>,
    );
    lines.push(
      <Text key="hint" wrap="truncate" dimColor>
        rates unknown until the broker answers; retrying on its own · brokers from {spec.brokersFrom}
      </Text>,
    );
  }
  if (view && body > lines.length) {
    const tc = topicCols(inner, Math.max(0, ...view.topics.map((t) => t.name.length)));
    const gc = groupCols(
      inner,
      Math.max(0, ...view.groups.map((g) => g.groupId.length)),
      Math.max(0, ...view.groups.flatMap((g) => g.rows.map((r) => r.topic?.length ?? 0))),
    );
    const liveFirst = [...view.topics].sort((a, b) => Number(b.name === spec.liveTopic) - Number(a.name === spec.liveTopic));
    const groupRows = gc.topic ? view.groups.reduce((a, g) => a + g.rows.length, 0) : view.groups.length;
    const full = body - lines.length >= 2 + liveFirst.length + groupRows + (view.missingTopics.length ? 1 : 0);
    // Compact: the live topic (or the first) and one line per group, no headings.
    const topics = full ? liveFirst : liveFirst.slice(0, Math.max(1, body - lines.length - view.groups.length));
    const groups = full ? view.groups : view.groups.map((g) => ({ ...g, rows: g.rows.slice(0, 1) }));
    if (full) {
      lines.push(
        <Text key="th" wrap="truncate" dimColor>
          {fit('topic', tc.name)} {fit('msg/s', tc.rate, 'right')} {fit(`last ${tc.spark} s`, tc.spark)} {fit('messages', tc.total, 'right')} {fit('parts', tc.parts, 'right')}
        </Text>,
      );
    }
    for (const t of topics) lines.push(<TopicRow key={`t:${t.name}`} t={t} cols={tc} live={t.name === spec.liveTopic} />);
    if (full && view.missingTopics.length) {
      lines.push(
        <Text key="missing" wrap="truncate" color={paint('yellow')}>
          missing on the broker: {view.missingTopics.join(', ')}
        </Text>,
      );
    }
    if (full) {
      lines.push(
        <Text key="gh" wrap="truncate" dimColor>
          {fit('group', gc.group)} {gc.topic ? `${fit('topic', gc.topic)} ` : ''}
          {fit('lag', gc.lag, 'right')}
          {gc.worst ? ` ${fit('worst', gc.worst, 'right')}` : ''} {fit('trend', gc.trend)} {fit('level', gc.level)}
          {gc.platform ? ` ${fit('platform (Prometheus)', gc.platform)}` : ''}
        </Text>,
      );
    }
    groups.forEach((g, i) => lines.push(...groupLines(g, gc, prometheus, i === 0)));
  } else if (!view && status.state !== 'unreachable') {
    lines.push(
      <Text key="wait" wrap="truncate" dimColor>
        waiting for the first answer from {brokers}…
      </Text>,
    );
  }
  return (
    <Panel title={heading} focused={focused} width={width} height={height}>
      {lines.slice(0, body)}
    </Panel>
  );
}
