import { Box, Text, useInput, type Key } from 'ink';
import { useAppStore, useStoreApi } from './store-context.js';
import { computeLayout, HOST_WIDTH, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { visibleRows } from '../store/store.js';
import { Header } from './Header.js';
import { ServicesPanel } from './ServicesPanel.js';
import { HostPanel } from './HostPanel.js';
import { EventLog } from './EventLog.js';
import { KafkaPanel, kafkaPanelWants } from './KafkaPanel.js';
import { Footer } from './Footer.js';
import { HelpOverlay } from './HelpOverlay.js';
import { DetailsView } from './DetailsView.js';
import { ChecklistView } from './ChecklistView.js';
import { QuitConfirm, ScenarioMenu } from './ScenarioMenu.js';
import { Banner, bannerRows } from './Banner.js';

export function App() {
  const columns = useAppStore((s) => s.ui.columns);
  const rows = useAppStore((s) => s.ui.rows);
  const count = useAppStore((s) => s.rows.length);
  const overlay = useAppStore((s) => s.ui.overlay);
  const kafkaWants = useAppStore((s) => kafkaPanelWants(s.kafka.view, s.frame.kafka.topics.length, s.frame.kafka.groups.length));
  const banner = useAppStore((s) => bannerRows(s.mode));
  useKeys();
  const layout = computeLayout(columns, rows - banner, count, kafkaWants);
  if (layout.tooSmall) {
    // The banner (demo, replay, backup) takes a line of its own: the screen needs one more.
    return (
      <Text wrap="truncate">
        terminal too small ({columns}×{rows}): need {MIN_COLUMNS}×{MIN_ROWS + banner} · q quits
      </Text>
    );
  }
  const { width, wide } = layout;
  const body =
    overlay === 'help' ? (
      <HelpOverlay width={width} height={layout.height - 2} />
    ) : overlay === 'details' ? (
      <DetailsView width={width} height={layout.height - 2} />
    ) : overlay === 'checklist' ? (
      <ChecklistView width={width} height={layout.height - 2} />
    ) : overlay === 'scenarios' ? (
      <ScenarioMenu width={width} height={layout.height - 2} />
    ) : overlay === 'quit-confirm' ? (
      <QuitConfirm width={width} height={layout.height - 2} />
    ) : (
      <>
        {wide ? (
          <Box height={layout.servicesHeight}>
            <ServicesPanel width={width - HOST_WIDTH} height={layout.servicesHeight} />
            <HostPanel width={HOST_WIDTH} height={layout.servicesHeight} compact={false} />
          </Box>
        ) : (
          <>
            <ServicesPanel width={width} height={layout.servicesHeight} />
            <HostPanel width={width} height={layout.hostHeight} compact />
          </>
        )}
        <KafkaPanel width={width} height={layout.kafkaHeight} />
        <EventLog width={width} height={layout.eventsHeight} />
      </>
    );
  return (
    <Box flexDirection="column" width={width} height={layout.height + banner}>
      <Header width={width} />
      {banner ? <Banner width={width} /> : null}
      {body}
      <Footer width={width} />
    </Box>
  );
}

/**
 * The keyboard: one handler, dispatching store actions only. It reads the state when the key
 * arrives, not when the component last rendered: keys that come in one burst (↓ then Enter)
 * must each see the effect of the one before.
 */
const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

function useKeys() {
  const store = useStoreApi();
  // Keys typed faster than a frame (or sent by a script) can arrive as one chunk, "f6\r": each
  // character is handled as its own key press.
  useInput((input, key) => {
    if (input.length > 1 && !key.ctrl && !key.meta && /^[\x20-\x7e\r]+$/.test(input)) {
      for (const ch of input) onKey(ch === '\r' ? '' : ch, { ...NO_KEY, return: ch === '\r' });
      return;
    }
    onKey(input, key);
  });
  function onKey(input: string, key: Key) {
    const s = store.getState();
    const { filtering, filter, overlay, panel, selected } = s.ui;
    if (filtering) {
      if (key.escape) s.endFilter(false);
      else if (key.return) s.endFilter(true);
      else if (key.backspace || key.delete) s.typeFilter(filter.slice(0, -1));
      else if (input && !key.ctrl && !key.meta && input >= ' ') s.typeFilter(filter + input);
      return;
    }
    if (overlay === 'quit-confirm') {
      if (input === 'y' || input === 'Y' || key.return) s.requestRestore(true, true);
      else if (input === 'n' || input === 'N') s.quitNow();
      else if (key.escape) s.closeOverlay();
      return;
    }
    if (overlay === 'scenarios') {
      if (key.escape) {
        if (s.faults.armed) s.armScenario('');
        s.closeOverlay();
      } else if (key.return) s.fireArmed();
      else if (input === 'r') s.requestRestore(false);
      else if (input === 'R') s.requestRestore(true);
      else if (input === 'q') s.requestQuit();
      else if (input && input !== 'f') s.armScenario(input);
      return;
    }
    if (input === 'q' || (key.ctrl && input === 'c')) return s.requestQuit();
    if (input === '?') return s.toggleHelp();
    if (key.escape) {
      if (overlay !== 'none') s.closeOverlay();
      else if (filter) s.endFilter(false);
      return;
    }
    // The replay controls (backup mode and k2mc replay), whatever is open.
    if (s.replay) {
      if (input === ' ' && overlay !== 'checklist') return s.requestView({ kind: 'pause' });
      if (key.leftArrow) return s.requestView({ kind: 'seek', deltaMs: -10_000 });
      if (key.rightArrow) return s.requestView({ kind: 'seek', deltaMs: 10_000 });
      if (input === '+' || input === '=') return s.requestView({ kind: 'speed', direction: 1 });
      if (input === '-' || input === '_') return s.requestView({ kind: 'speed', direction: -1 });
    }
    if (input === 'b') return s.requestView({ kind: 'backup' });
    if (input === 't') return s.toggleTimer();
    if (input === 'n') return s.markSection();
    if (overlay === 'checklist') {
      if (input === 'c') s.toggleChecklist();
      else if (key.upArrow || input === 'k') s.moveStep(-1);
      else if (key.downArrow || input === 'j') s.moveStep(1);
      else if (input === ' ') s.requestStepToggle();
      return;
    }
    if (overlay !== 'none') return;
    if (input === 'c') return s.toggleChecklist();
    if (input === 'f') return s.openScenarios();
    if (input === 'r') return s.requestRestore(false);
    if (input === 'R') return s.requestRestore(true);
    if (key.tab) return key.shift ? s.focusPrev() : s.focusNext();
    if (input === '/') return s.startFilter();
    if (panel !== 'services') return;
    const shown = visibleRows(s.rows, filter);
    const page = Math.max(1, s.ui.rows - 12);
    if (key.upArrow || input === 'k') s.moveSelection(-1, shown.length);
    else if (key.downArrow || input === 'j') s.moveSelection(1, shown.length);
    else if (key.pageUp) s.moveSelection(-page, shown.length);
    else if (key.pageDown) s.moveSelection(page, shown.length);
    else if (key.return) {
      const row = shown[selected];
      if (row) s.openDetails(row);
    }
  }
}
