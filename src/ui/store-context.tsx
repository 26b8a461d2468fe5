import React, { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, Actions, Store } from '../store/store.js';

// Components read the store through this hook, never through a module-level singleton, so tests
// and replay can render the same components over any store.

const StoreContext = createContext<Store | null>(null);

export function StoreProvider({ store, children }: { store: Store; children: React.ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useAppStore<T>(selector: (s: AppState & Actions) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside StoreProvider');
  return useStore(store, selector);
}

/** The store itself, for key handlers that must read the state at the moment of the key press. */
export function useStoreApi(): Store {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStoreApi outside StoreProvider');
  return store;
}

export function useActions(): Actions {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useActions outside StoreProvider');
  return store.getState();
}
