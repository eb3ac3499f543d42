/**
 * 50 typed selections over six managed types, through a declared `select`
 * with the same path lookup as the runtime's typed retrieve but none of the
 * client's generics (retrieve.ts measures those). bench/tsc-paths.ts measures
 * this file against empty.ts.
 */
import type { ManagedPaths, Selected } from "./bindings.js";

declare function select<T extends keyof ManagedPaths, const P extends keyof ManagedPaths[T] & string>(
  type: T,
  paths: readonly P[],
): Selected<ManagedPaths[T], P>;


// VirtualMachine
const s01 = select("VirtualMachine", ["name", "runtime.powerState", "config.hardware.numCPU"]);
export const v01 = s01["config.hardware.numCPU"];
const s02 = select("VirtualMachine", ["summary.quickStats.overallCpuUsage", "summary.quickStats.guestMemoryUsage"]);
export const v02 = s02["summary.quickStats.guestMemoryUsage"];
const s03 = select("VirtualMachine", ["config.name", "config.guestFullName", "guest.guestFullName", "guest.ipAddress"]);
export const v03 = s03["guest.ipAddress"];
const s04 = select("VirtualMachine", ["runtime.host", "resourcePool", "parent"]);
export const v04 = s04.parent;
const s05 = select("VirtualMachine", ["config.tools", "config.flags.htSharing", "config.bootOptions.efiSecureBootEnabled"]);
export const v05 = s05["config.bootOptions.efiSecureBootEnabled"];
const s06 = select("VirtualMachine", ["summary.config.instanceUuid", "summary.config.product.vendorUrl", "summary.config.tpmPresent"]);
export const v06 = s06["summary.config.tpmPresent"];
const s07 = select("VirtualMachine", ["layout.snapshot", "snapshot", "rootSnapshot"]);
export const v07 = s07.rootSnapshot;
const s08 = select("VirtualMachine", ["config.cpuAllocation.shares", "config.latencySensitivity", "config.networkShaper"]);
export const v08 = s08["config.networkShaper"];
const s09 = select("VirtualMachine", ["runtime.question.id", "runtime.cleanPowerOff", "runtime.instantCloneFrozen"]);
export const v09 = s09["runtime.instantCloneFrozen"];
const s10 = select("VirtualMachine", ["capability.multipleSnapshotsSupported", "capability.secureBootSupported"]);
export const v10 = s10["capability.secureBootSupported"];
const s11 = select("VirtualMachine", ["network", "datastore", "overallStatus", "triggeredAlarmState"]);
export const v11 = s11.triggeredAlarmState;
const s12 = select("VirtualMachine", ["config.keyId.providerId.id", "config.repConfig.vmReplicationId", "config.vAppConfig.installBootRequired"]);
export const v12 = s12["config.vAppConfig.installBootRequired"];

// HostSystem
const s13 = select("HostSystem", ["name", "runtime.connectionState", "runtime.inMaintenanceMode"]);
export const v13 = s13["runtime.inMaintenanceMode"];
const s14 = select("HostSystem", ["summary.hardware", "summary.quickStats.overallCpuUsage"]);
export const v14 = s14["summary.quickStats.overallCpuUsage"];
const s15 = select("HostSystem", ["hardware.cpuInfo", "hardware.cpuInfo.hz", "hardware.biosInfo.minorRelease"]);
export const v15 = s15["hardware.biosInfo.minorRelease"];
const s16 = select("HostSystem", ["config.product.productLineId", "config.product.apiType"]);
export const v16 = s16["config.product.apiType"];
const s17 = select("HostSystem", ["configManager.dateTimeSystem", "configManager.snmpSystem", "configManager.hostAccessManager"]);
export const v17 = s17["configManager.hostAccessManager"];
const s18 = select("HostSystem", ["capability.vFlashSupported", "capability.smpFtSupported", "capability.tpmSupported"]);
export const v18 = s18["capability.tpmSupported"];
const s19 = select("HostSystem", ["config.network.dnsConfig.address", "config.network.netStackInstance"]);
export const v19 = s19["config.network.netStackInstance"];
const s20 = select("HostSystem", ["config.firewall.defaultPolicy.incomingBlocked", "config.dateTimeInfo.systemClockProtocol"]);
export const v20 = s20["config.dateTimeInfo.systemClockProtocol"];
const s21 = select("HostSystem", ["summary.runtime.standbyMode", "summary.runtime.vFlashResourceRuntimeInfo.usage"]);
export const v21 = s21["summary.runtime.vFlashResourceRuntimeInfo.usage"];
const s22 = select("HostSystem", ["vm", "datastore", "network", "parent"]);
export const v22 = s22.parent;
const s23 = select("HostSystem", ["config.vsanHostConfig.storageInfo.checksumEnabled", "config.offloadCapabilities.csumOffload"]);
export const v23 = s23["config.offloadCapabilities.csumOffload"];
const s24 = select("HostSystem", ["systemResources.config.memoryAllocation.reservation", "answerFileValidationResult.status"]);
export const v24 = s24["answerFileValidationResult.status"];

// Datastore
const s25 = select("Datastore", ["name", "summary.capacity", "summary.freeSpace"]);
export const v25 = s25["summary.freeSpace"];
const s26 = select("Datastore", ["info.url", "info.maxFileSize", "info.timestamp"]);
export const v26 = s26["info.timestamp"];
const s27 = select("Datastore", ["summary.type", "summary.accessible", "summary.maintenanceMode"]);
export const v27 = s27["summary.maintenanceMode"];
const s28 = select("Datastore", ["host", "vm", "browser"]);
export const v28 = s28.browser;
const s29 = select("Datastore", ["capability.perFileThinProvisioningSupported", "capability.nativeSnapshotSupported"]);
export const v29 = s29["capability.nativeSnapshotSupported"];
const s30 = select("Datastore", ["iormConfiguration.enabled", "iormConfiguration.congestionThreshold"]);
export const v30 = s30["iormConfiguration.congestionThreshold"];
const s31 = select("Datastore", ["summary", "info"]);
export const v31 = s31.info;
const s32 = select("Datastore", ["overallStatus", "configIssue", "customValue"]);
export const v32 = s32.customValue;
const s33 = select("Datastore", ["summary.multipleHostAccess", "summary.uncommitted", "capability.vmdkExpandSupported"]);
export const v33 = s33["capability.vmdkExpandSupported"];

// ClusterComputeResource
const s34 = select("ClusterComputeResource", ["name", "configuration.dasConfig.enabled", "configuration.drsConfig.enabled"]);
export const v34 = s34["configuration.drsConfig.enabled"];
const s35 = select("ClusterComputeResource", ["summary.totalCpu", "summary.totalMemory", "summary.numHosts"]);
export const v35 = s35["summary.numHosts"];
const s36 = select("ClusterComputeResource", ["host", "datastore", "network", "resourcePool"]);
export const v36 = s36.resourcePool;
const s37 = select("ClusterComputeResource", ["configuration.dasConfig.admissionControlPolicy", "configuration.dasConfig.failoverLevel"]);
export const v37 = s37["configuration.dasConfig.failoverLevel"];
const s38 = select("ClusterComputeResource", ["configuration.dasConfig.defaultVmSettings.restartPriority", "configuration.dasConfig.defaultVmSettings.isolationResponse"]);
export const v38 = s38["configuration.dasConfig.defaultVmSettings.isolationResponse"];
const s39 = select("ClusterComputeResource", ["configuration.drsConfig.defaultVmBehavior", "configuration.drsConfig.vmotionRate"]);
export const v39 = s39["configuration.drsConfig.vmotionRate"];
const s40 = select("ClusterComputeResource", ["recommendation", "drsRecommendation", "migrationHistory"]);
export const v40 = s40.migrationHistory;
const s41 = select("ClusterComputeResource", ["hciConfig.workflowState", "hciConfig.hostConfigProfile.dateTimeConfig.timeZone"]);
export const v41 = s41["hciConfig.hostConfigProfile.dateTimeConfig.timeZone"];
const s42 = select("ClusterComputeResource", ["configurationEx.vmSwapPlacement", "configurationEx.spbmEnabled", "summary.effectiveMemory"]);
export const v42 = s42["summary.effectiveMemory"];

// Folder
const s43 = select("Folder", ["name", "childType"]);
export const v43 = s43.childType;
const s44 = select("Folder", ["childEntity", "parent"]);
export const v44 = s44.parent;
const s45 = select("Folder", ["namespace", "overallStatus", "effectiveRole"]);
export const v45 = s45.effectiveRole;
const s46 = select("Folder", ["name", "childEntity", "childType", "tag"]);
export const v46 = s46.tag;

// Network
const s47 = select("Network", ["name", "summary.accessible"]);
export const v47 = s47["summary.accessible"];
const s48 = select("Network", ["host", "vm"]);
export const v48 = s48.vm;
const s49 = select("Network", ["summary.ipPoolName", "summary.ipPoolId", "summary.network"]);
export const v49 = s49["summary.network"];
const s50 = select("Network", ["name", "overallStatus", "declaredAlarmState"]);
export const v50 = s50.declaredAlarmState;
