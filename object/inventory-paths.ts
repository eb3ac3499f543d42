/**
 * Inventory paths from each entity's name and parent: `/DC0/vm/web-01`.
 *
 * vSphere leaves `parent` unset on a virtual machine that belongs to a vApp
 * (its `parentVApp` says which); the finder fills those links in from
 * `parentVApp`, so such a VM's path runs through its vApp
 * (`…/Resources/app-1/web-01`). An entity whose chain does not reach the root
 * (a link outside the snapshot, or a cycle) has no path.
 */

/** One entity as the finder read it: its name and the `moRefKey` of its parent. */
export interface PathEntry {
  readonly name: string;
  readonly parent: string | undefined;
}

/** A memoized path lookup by `moRefKey` over `entries`; the root folder's path is `/`. */
export function pathLookup(rootKey: string, entries: ReadonlyMap<string, PathEntry>): (key: string) => string | undefined {
  const paths = new Map<string, string | undefined>([[rootKey, "/"]]);
  return (key) => {
    if (paths.has(key)) return paths.get(key);
    const chain: string[] = [];
    const seen = new Set<string>();
    let at: string | undefined = key;
    let base: string | undefined;
    for (;;) {
      if (at === undefined || seen.has(at)) break;
      if (paths.has(at)) {
        base = paths.get(at);
        break;
      }
      const e = entries.get(at);
      if (!e) break;
      seen.add(at);
      chain.push(at);
      at = e.parent;
    }
    // Every key on the chain gets its path (or none), so each entity is walked once.
    for (let i = chain.length - 1; i >= 0; i--) {
      const k = chain[i]!;
      base = base === undefined ? undefined : `${base === "/" ? "" : base}/${entries.get(k)!.name}`;
      paths.set(k, base);
    }
    return paths.get(key);
  };
}
