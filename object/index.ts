/**
 * Everyday vSphere work as small typed functions over the runtime and the
 * default release's bindings, in the spirit of govmomi's object/, find/,
 * event/, performance/ and pbm/ packages. Each module is one concern:
 *
 *   finder.ts           find by inventory path (globs) or by name and type
 *   vm.ts               power, guest shutdown, clone, relocate, reconfigure
 *   device-change.ts    deviceChange builders: disks, NICs, CPU/memory, removal
 *   snapshot.ts         create, revert, remove, walk the tree
 */
export { NotFoundError, MultipleFoundError, FileTransferError, type PartialUpload } from "./errors.js";
export type { TaskOptions } from "./internal.js";
export {
  find,
  findOne,
  search,
  loadInventory,
  findVm,
  findHost,
  findDatacenter,
  findDatastore,
  findComputeResource,
  findCluster,
  findResourcePool,
  findFolder,
  findNetwork,
  type EntityType,
  type Found,
  type FindOptions,
  type Inventory,
} from "./finder.js";
export {
  powerOn,
  powerOff,
  reset,
  suspend,
  shutdownGuest,
  rebootGuest,
  powerState,
  waitForPowerState,
  clone,
  relocate,
  reconfigure,
  devices,
  destroy,
  customizationSpec,
  readProperties,
  type VmRef,
  type CloneOptions,
  type SpecInput,
} from "./vm.js";
export {
  addDisk,
  addNic,
  networkBacking,
  removeDevice,
  editDevice,
  cpuMemory,
  findDevice,
  isDisk,
  isNic,
  type AddDiskOptions,
  type NicAdapter,
} from "./device-change.js";
export {
  createSnapshot,
  snapshots,
  findSnapshot,
  currentSnapshot,
  revertToSnapshot,
  revertToCurrentSnapshot,
  removeSnapshot,
  removeAllSnapshots,
  type SnapshotRef,
  type SnapshotNode,
  type CreateSnapshotOptions,
} from "./snapshot.js";
export {
  uploadFile,
  downloadFile,
  openFile,
  deleteFile,
  makeDirectory,
  resolveFile,
  datastorePath,
  parseDatastorePath,
  type DatastoreFile,
  type ResolvedFile,
  type TransferOptions,
  type UploadOptions,
  type UploadResult,
  type UploadSource,
  type OpenedFile,
  type Progress,
} from "./datastore-file.js";
export { searchDatastore, type SearchOptions, type FoundFile } from "./datastore-browser.js";
export { events, type EventFilter, type EventStreamOptions } from "./events.js";
export {
  perfCounters,
  availableMetrics,
  queryPerf,
  type Counter,
  type CounterIndex,
  type PerfQuery,
  type Series,
  type Sample,
} from "./performance.js";
export { pbmClient, storagePolicies, findStoragePolicy, compatibleDatastores, type PbmClient, type PbmClientOptions } from "./pbm.js";
