/**
 * Subscribes to a localStorage-backed setting: `storage` events cover other tabs, and `event`
 * (dispatched on window by the writer) covers this tab, which gets no `storage` event.
 */
export function subscribeStoredKey(key: string, event: string) {
  return (onChange: () => void): (() => void) => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === key) onChange();
    };
    window.addEventListener("storage", onStorage);
    window.addEventListener(event, onChange);
    return () => {
      window.removeEventListener("storage", onStorage);
      window.removeEventListener(event, onChange);
    };
  };
}
