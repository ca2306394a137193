import { parseStateEntry, type StateKind } from "@kilusi/shared/sync/site-state";

type Parsed<K extends StateKind> = ReturnType<typeof parseStateEntry<K>>;

/**
 * What is worked out from one desired-state entry, kept as long as the entry object lives. The
 * store hands out the same object for an entry until a sync changes something (its lookup
 * cache is cleared on every apply), so nothing here can outlive the state it came from.
 */
export class EntryMemo<T> {
  private readonly memo = new WeakMap<object, T>();

  get(data: object, make: () => T): T {
    let value = this.memo.get(data);
    if (value === undefined) {
      value = make();
      this.memo.set(data, value);
    }
    return value;
  }
}

const parsedByKind = new Map<StateKind, EntryMemo<Parsed<StateKind>>>();

/** parseStateEntry, once per entry object. */
export function parsedEntry<K extends StateKind>(kind: K, data: Record<string, unknown>): Parsed<K> {
  let memo = parsedByKind.get(kind);
  if (!memo) {
    memo = new EntryMemo();
    parsedByKind.set(kind, memo);
  }
  return memo.get(data, () => parseStateEntry(kind, data)) as Parsed<K>;
}
