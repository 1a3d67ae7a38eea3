import { compareRecords, sortRecords } from "../model/sort-records.js";
import type { ArticleRecord, Diagnostic } from "../types.js";
import type { ResolvedRules } from "./resolve-rules.js";
import type { Selection } from "./select-records.js";
import { copyDiagnostic, copyKeys, dedupeCopies } from "./select-records.js";

/**
 * {@link selectRecords} kept up to date as records come and go: what a long-running driver (the
 * watcher) asks of the select stage after each change, at a cost that follows the change, not
 * the number of records. Filters run once per record; de-duplication runs again only on the
 * records linked by a shared key to a changed one (records interact only through shared keys);
 * the kept records stay in feed order, a changed one moved by binary search.
 */
export interface SelectionIndex {
  /** Takes records out (each one given before), then puts records in; a changed record is its old object out and its new one in. */
  update(removed: Iterable<ArticleRecord>, added: Iterable<ArticleRecord>): void;
  /** The selection {@link selectRecords} would return for the records in the index. */
  selection(): Selection;
  /**
   * The kept records of each group (see `groupsOf`), in feed order: what `bucketByTopic` gives for
   * the selection's kept records. Empty without `groupsOf`.
   */
  groups(): Map<string, ArticleRecord[]>;
  /** How many records the index holds. */
  readonly size: number;
}

// Above this many changed records at once, the kept list is sorted again rather than patched.
const PATCH_LIMIT = 256;

/**
 * An empty {@link SelectionIndex} for compiled rules.
 *
 * @param rules - from `resolveRules` (custom rules are called once per record put in)
 * @returns the index
 * @example
 * const index = createSelectionIndex(resolveRules([[rules.minQuality(60)]]));
 * index.update([], records); index.update([old], [edited]); index.selection().kept
 */
export function createSelectionIndex(
  rules: ResolvedRules,
  groupsOf?: (record: ArticleRecord) => readonly string[],
): SelectionIndex {
  const by = compareRecords(rules.sortBy);
  const groups = new Map<string, ArticleRecord[]>();
  const member = new Set<ArticleRecord>();
  // Records that failed a filter or are copies left out by de-duplication, with the rule's name;
  // and the copies' notes.
  const dropped = new Map<ArticleRecord, string>();
  const copies = new Map<ArticleRecord, Diagnostic | undefined>();
  const keysOf = new Map<ArticleRecord, string[]>();
  // Records by key: one record (most keys), or a set of them.
  const byKey = new Map<string, ArticleRecord | Set<ArticleRecord>>();
  const sharing = (k: string): Iterable<ArticleRecord> => {
    const v = byKey.get(k);
    return v === undefined ? [] : v instanceof Set ? v : [v];
  };
  const keptSet = new Set<ArticleRecord>();
  let kept: ArticleRecord[] = [];
  const copyRule = rules.dedupe ? "dedupe" : "duplicate-id";

  const failure = (r: ArticleRecord): string | undefined => {
    for (const f of rules.filters) if (!f.keep(r)) return f.name;
    return undefined;
  };
  const indexOf = (list: ArticleRecord[], r: ArticleRecord): number => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (by(list[mid] as ArticleRecord, r) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const remove = (list: ArticleRecord[], r: ArticleRecord) => {
    const at = indexOf(list, r);
    // Ties in the order are broken down to identical records: the found place holds `r` unless
    // an identical twin sits there; then look for it by identity.
    const i = list[at] === r ? at : list.indexOf(r);
    if (i !== -1) list.splice(i, 1);
  };
  const regroup = () => {
    groups.clear();
    if (groupsOf === undefined) return;
    for (const r of kept) {
      for (const g of groupsOf(r)) {
        const list = groups.get(g);
        if (list === undefined) groups.set(g, [r]);
        else if (list[list.length - 1] !== r) list.push(r);
      }
    }
  };
  return {
    get size() {
      return member.size;
    },
    update(removed, added) {
      // Records whose de-duplication may change: those sharing a key with one that came or went.
      const seeds: ArticleRecord[] = [];
      const leaving: ArticleRecord[] = [];
      for (const r of removed) {
        if (!member.delete(r)) continue;
        dropped.delete(r);
        copies.delete(r);
        if (!keysOf.has(r)) continue;
        if (keptSet.delete(r)) leaving.push(r);
        for (const k of keysOf.get(r) ?? []) {
          const group = byKey.get(k);
          if (group === undefined) continue;
          if (!(group instanceof Set)) {
            if (group === r) byKey.delete(k);
            continue;
          }
          group.delete(r);
          if (group.size === 1) byKey.set(k, group.values().next().value as ArticleRecord);
          for (const other of group) seeds.push(other);
        }
        keysOf.delete(r);
      }
      for (const r of added) {
        if (member.has(r)) continue;
        member.add(r);
        const rule = failure(r);
        if (rule !== undefined) {
          dropped.set(r, rule);
          continue;
        }
        const keys = copyKeys(r, rules.dedupe);
        keysOf.set(r, keys);
        for (const k of keys) {
          const group = byKey.get(k);
          if (group === undefined) byKey.set(k, r);
          else if (group instanceof Set) group.add(r);
          else if (group !== r) byKey.set(k, new Set([group, r]));
        }
        seeds.push(r);
      }
      // Every record linked to a seed by shared keys, seeds included.
      const linked = new Set<ArticleRecord>();
      const stack = [...seeds];
      while (stack.length > 0) {
        const r = stack.pop() as ArticleRecord;
        if (linked.has(r) || !keysOf.has(r)) continue;
        linked.add(r);
        for (const k of keysOf.get(r) as string[]) for (const other of sharing(k)) stack.push(other);
      }
      const entering: ArticleRecord[] = [];
      for (const r of linked) {
        copies.delete(r);
        dropped.delete(r);
        if (keptSet.delete(r)) leaving.push(r);
      }
      const result = dedupeCopies([...linked], rules.dedupe);
      for (const [copy, first] of result.copies) {
        copies.set(copy, copyDiagnostic(copy, first));
        dropped.set(copy, copyRule);
      }
      for (const r of result.kept) {
        keptSet.add(r);
        entering.push(r);
      }
      if (leaving.length + entering.length > PATCH_LIMIT) {
        kept = sortRecords([...keptSet], rules.sortBy);
        regroup();
        return;
      }
      for (const r of leaving) {
        remove(kept, r);
        for (const g of new Set(groupsOf?.(r))) {
          const list = groups.get(g);
          if (list === undefined) continue;
          remove(list, r);
          if (list.length === 0) groups.delete(g);
        }
      }
      for (const r of entering) {
        kept.splice(indexOf(kept, r), 0, r);
        for (const g of new Set(groupsOf?.(r))) {
          const list = groups.get(g);
          if (list === undefined) groups.set(g, [r]);
          else list.splice(indexOf(list, r), 0, r);
        }
      }
    },
    groups() {
      // Copies, as for the selection.
      return new Map([...groups].map(([g, list]) => [g, list.slice()]));
    },
    selection() {
      const diagnostics: Diagnostic[] = [];
      for (const note of copies.values()) if (note !== undefined) diagnostics.push(note);
      // A copy: feeds keep the list they are given, and this one changes with the next update.
      return { kept: kept.slice(), dropped, diagnostics };
    },
  };
}
