/**
 * Listing and searching datastore folders with HostDatastoreBrowser
 * (SearchDatastore_Task, SearchDatastoreSubFolders_Task), as `govc datastore.ls`.
 *
 *   const isos = await searchDatastore(client, { datastore: "LocalDS_0", path: "iso" }, { pattern: "*.iso", recursive: true });
 *   isos[0].datastorePath; // "[LocalDS_0] iso/tools.iso", with size, modification time and type
 */
import {
  HostDatastoreBrowser,
  isFault,
  waitForTask,
  type AnyClient,
  type FileInfo,
  type HostDatastoreBrowserSearchResults,
  type MoRef,
} from "./bindings.js";
import { datastorePath, resolveFile } from "./datastore-file.js";
import { NotFoundError } from "./errors.js";
import { callOptions } from "./internal.js";
import { readProperties } from "./vm.js";

export interface SearchOptions {
  /** Name globs the server matches (`*.iso`); default every file. */
  readonly pattern?: string | readonly string[];
  /** Search sub-folders too. */
  readonly recursive?: boolean;
  readonly caseInsensitive?: boolean;
  readonly signal?: AbortSignal;
}

/** A file the browser found: the server's FileInfo (size, modification, owner; subtype tells folders, disks, ISOs…) plus where it is. */
export interface FoundFile {
  /** `[ds] folder/name`. */
  readonly datastorePath: string;
  /** Relative to the datastore root. */
  readonly path: string;
  readonly info: FileInfo;
  readonly isFolder: boolean;
}

/**
 * The files in a datastore folder (`path` "" or "/" is the root), or below it
 * with `recursive`. A folder that does not exist is NotFoundError.
 */
export async function searchDatastore(
  client: AnyClient,
  folder: { datastore: MoRef<"Datastore"> | string; path?: string },
  options: SearchOptions = {},
): Promise<FoundFile[]> {
  const dir = (folder.path ?? "").replace(/^\/+|\/+$/g, "");
  // resolveFile wants a file path; resolve the datastore through a placeholder inside the folder.
  const f = await resolveFile(client, { datastore: folder.datastore, path: dir ? `${dir}/.` : "." }, options);
  const browser = (await readProperties(client, f.datastore, ["browser"], options)).browser as MoRef<"HostDatastoreBrowser"> | undefined;
  if (!browser) throw new NotFoundError("HostDatastoreBrowser", f.datastoreName, "the datastore has no browser (inaccessible?)");
  // "*" spelled out: vSphere lists everything without a pattern, but not every server does (vcsim lists nothing).
  const patterns = options.pattern === undefined ? ["*"] : typeof options.pattern === "string" ? [options.pattern] : [...options.pattern];
  const searchSpec = {
    _typeName: "HostDatastoreBrowserSearchSpec" as const,
    details: { _typeName: "FileQueryFlags" as const, fileType: true, fileSize: true, modification: true, fileOwner: true },
    matchPattern: patterns,
    ...(options.caseInsensitive !== undefined ? { searchCaseInsensitive: options.caseInsensitive } : {}),
  };
  const root = datastorePath(f.datastoreName, dir);
  let results: HostDatastoreBrowserSearchResults[];
  try {
    if (options.recursive) {
      const task = await client.call(HostDatastoreBrowser.SearchDatastoreSubFolders_Task, browser, { datastorePath: root, searchSpec }, callOptions(options));
      results = (await waitForTask<HostDatastoreBrowserSearchResults[] | undefined>(client, task, { bindings: client.schemaRegistry as never, ...callOptions(options) })) ?? [];
    } else {
      const task = await client.call(HostDatastoreBrowser.SearchDatastore_Task, browser, { datastorePath: root, searchSpec }, callOptions(options));
      const one = await waitForTask<HostDatastoreBrowserSearchResults | undefined>(client, task, { bindings: client.schemaRegistry as never, ...callOptions(options) });
      results = one ? [one] : [];
    }
  } catch (err) {
    if (isFault(err, "FileNotFound")) throw new NotFoundError("datastore folder", root);
    throw err;
  }
  const out: FoundFile[] = [];
  for (const r of results) {
    const folderPath = r.folderPath ?? root;
    const rel = parseFolder(folderPath);
    for (const info of r.file ?? []) {
      const path = rel ? `${rel}/${info.path}` : info.path;
      out.push({ datastorePath: datastorePath(f.datastoreName, path), path, info, isFolder: info._typeName === "FolderFileInfo" });
    }
  }
  return out;
}

/** `[ds] a/b/` → `a/b`. */
function parseFolder(folderPath: string): string {
  const m = /^\[[^\]]+\]\s*(.*)$/.exec(folderPath);
  return (m ? m[1]! : folderPath).replace(/^\/+|\/+$/g, "");
}
