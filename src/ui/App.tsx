import React from 'react';
import { Box, Text, useInput } from 'ink';
import { useActions, useAppStore } from './store-context.js';
import { computeLayout, HOST_WIDTH, MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { visibleRows } from '../store/store.js';
import { Header } from './Header.js';
import { ServicesPanel } from './ServicesPanel.js';
import { HostPanel } from './HostPanel.js';
import { EventLog } from './EventLog.js';
import { Footer } from './Footer.js';
import { HelpOverlay } from './HelpOverlay.js';
import { DetailsView } from './DetailsView.js';

export function App() {
  const columns = useAppStore((s) => s.ui.columns);
  const rows = useAppStore((s) => s.ui.rows);
  const count = useAppStore((s) => s.rows.length);
  const overlay = useAppStore((s) => s.ui.overlay);
  useKeys();
  const layout = computeLayout(columns, rows, count);
  if (layout.tooSmall) {
    return (
      <Text wrap="truncate">
        terminal too small ({columns}×{rows}): need {MIN_COLUMNS}×{MIN_ROWS} · q quits
      </Text>
    );
  }
  const { width, wide } = layout;
  const body =
    overlay === 'help' ? (
      <HelpOverlay width={width} height={layout.height - 2} />
    ) : overlay === 'details' ? (
      <DetailsView width={width} height={layout.height - 2} />
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
        <EventLog width={width} height={layout.eventsHeight} />
      </>
    );
  return (
    <Box flexDirection="column" width={width} height={layout.height}>
      <Header width={width} />
      {body}
      <Footer width={width} />
    </Box>
  );
}

/** The keyboard: one handler, dispatching store actions only. */
function useKeys() {
  const a = useActions();
  const filtering = useAppStore((s) => s.ui.filtering);
  const filter = useAppStore((s) => s.ui.filter);
  const overlay = useAppStore((s) => s.ui.overlay);
  const panel = useAppStore((s) => s.ui.panel);
  const selected = useAppStore((s) => s.ui.selected);
  const rows = useAppStore((s) => s.rows);
  const height = useAppStore((s) => s.ui.rows);
  useInput((input, key) => {
    if (filtering) {
      if (key.escape) a.endFilter(false);
      else if (key.return) a.endFilter(true);
      else if (key.backspace || key.delete) a.typeFilter(filter.slice(0, -1));
      else if (input && !key.ctrl && !key.meta && input >= ' ') a.typeFilter(filter + input);
      return;
    }
    if (input === 'q' || (key.ctrl && input === 'c')) return a.requestQuit();
    if (input === '?') return a.toggleHelp();
    if (key.escape) {
      if (overlay !== 'none') a.closeOverlay();
      else if (filter) a.endFilter(false);
      return;
    }
    if (overlay !== 'none') return;
    const shown = visibleRows(rows, filter);
    if (key.tab) return key.shift ? a.focusPrev() : a.focusNext();
    if (input === '/') return a.startFilter();
    if (panel !== 'services') return;
    if (key.upArrow || input === 'k') a.moveSelection(-1, shown.length);
    else if (key.downArrow || input === 'j') a.moveSelection(1, shown.length);
    else if (key.pageUp) a.moveSelection(-Math.max(1, height - 12), shown.length);
    else if (key.pageDown) a.moveSelection(Math.max(1, height - 12), shown.length);
    else if (key.return) {
      const row = shown[selected];
      if (row) a.openDetails(row);
    }
  });
}
