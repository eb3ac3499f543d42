/**
 * retrieve.ts on a client pinned to API 7.0.3.0: the same 50 selections through the runtime's own typed
 * `retrieve` on a real `Client` type, so the cost includes the client's
 * generics (bindings, pinned version) and the result's `ref` and `$missing`
 * typing. Measured against retrieve-empty.ts as docs/PROPERTY-PATHS.md
 * ("Version-pinned clients") shows.
 */
import type { Client } from "../../runtime/client/client.js";
import { retrieve } from "../../runtime/property/retrieve.js";
import type { MoRef } from "../../runtime/types.js";
import type { schemas } from "../../generated/default-lazy.js";

declare const client: Client<typeof schemas, "7.0.3.0">;
declare const root: MoRef<"Folder">;

// VirtualMachine
const s01 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["name", "runtime.powerState", "config.hardware.numCPU"]);
export const v01 = s01[0]!["config.hardware.numCPU"];
const s02 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["summary.quickStats.overallCpuUsage", "summary.quickStats.guestMemoryUsage"]);
export const v02 = s02[0]!["summary.quickStats.guestMemoryUsage"];
const s03 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["config.name", "config.guestFullName", "guest.guestFullName", "guest.ipAddress"]);
export const v03 = s03[0]!["guest.ipAddress"];
const s04 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["runtime.host", "resourcePool", "parent"]);
export const v04 = s04[0]!.parent;
const s05 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["config.tools", "config.flags.htSharing", "config.bootOptions.efiSecureBootEnabled"]);
export const v05 = s05[0]!["config.bootOptions.efiSecureBootEnabled"];
const s06 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["summary.config.instanceUuid", "summary.config.product.vendorUrl", "summary.config.tpmPresent"]);
export const v06 = s06[0]!["summary.config.tpmPresent"];
const s07 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["layout.snapshot", "snapshot", "rootSnapshot"]);
export const v07 = s07[0]!.rootSnapshot;
const s08 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["config.cpuAllocation.shares", "config.latencySensitivity", "config.networkShaper"]);
export const v08 = s08[0]!["config.networkShaper"];
const s09 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["runtime.question.id", "runtime.cleanPowerOff", "runtime.instantCloneFrozen"]);
export const v09 = s09[0]!["runtime.instantCloneFrozen"];
const s10 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["capability.multipleSnapshotsSupported", "capability.secureBootSupported"]);
export const v10 = s10[0]!["capability.secureBootSupported"];
const s11 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["network", "datastore", "overallStatus", "triggeredAlarmState"]);
export const v11 = s11[0]!.triggeredAlarmState;
const s12 = await retrieve(client, { container: root, type: "VirtualMachine" }, ["config.keyId.providerId.id", "config.repConfig.vmReplicationId", "config.vAppConfig.installBootRequired"]);
export const v12 = s12[0]!["config.vAppConfig.installBootRequired"];

// HostSystem
const s13 = await retrieve(client, { container: root, type: "HostSystem" }, ["name", "runtime.connectionState", "runtime.inMaintenanceMode"]);
export const v13 = s13[0]!["runtime.inMaintenanceMode"];
const s14 = await retrieve(client, { container: root, type: "HostSystem" }, ["summary.hardware", "summary.quickStats.overallCpuUsage"]);
export const v14 = s14[0]!["summary.quickStats.overallCpuUsage"];
const s15 = await retrieve(client, { container: root, type: "HostSystem" }, ["hardware.cpuInfo", "hardware.cpuInfo.hz", "hardware.biosInfo.minorRelease"]);
export const v15 = s15[0]!["hardware.biosInfo.minorRelease"];
const s16 = await retrieve(client, { container: root, type: "HostSystem" }, ["config.product.productLineId", "config.product.apiType"]);
export const v16 = s16[0]!["config.product.apiType"];
const s17 = await retrieve(client, { container: root, type: "HostSystem" }, ["configManager.dateTimeSystem", "configManager.snmpSystem", "configManager.hostAccessManager"]);
export const v17 = s17[0]!["configManager.hostAccessManager"];
const s18 = await retrieve(client, { container: root, type: "HostSystem" }, ["capability.vFlashSupported", "capability.smpFtSupported", "capability.tpmSupported"]);
export const v18 = s18[0]!["capability.tpmSupported"];
const s19 = await retrieve(client, { container: root, type: "HostSystem" }, ["config.network.dnsConfig.address", "config.network.netStackInstance"]);
export const v19 = s19[0]!["config.network.netStackInstance"];
const s20 = await retrieve(client, { container: root, type: "HostSystem" }, ["config.firewall.defaultPolicy.incomingBlocked", "config.dateTimeInfo.systemClockProtocol"]);
export const v20 = s20[0]!["config.dateTimeInfo.systemClockProtocol"];
const s21 = await retrieve(client, { container: root, type: "HostSystem" }, ["summary.runtime.standbyMode", "summary.runtime.vFlashResourceRuntimeInfo.usage"]);
export const v21 = s21[0]!["summary.runtime.vFlashResourceRuntimeInfo.usage"];
const s22 = await retrieve(client, { container: root, type: "HostSystem" }, ["vm", "datastore", "network", "parent"]);
export const v22 = s22[0]!.parent;
const s23 = await retrieve(client, { container: root, type: "HostSystem" }, ["config.vsanHostConfig.storageInfo.checksumEnabled", "config.offloadCapabilities.csumOffload"]);
export const v23 = s23[0]!["config.offloadCapabilities.csumOffload"];
const s24 = await retrieve(client, { container: root, type: "HostSystem" }, ["systemResources.config.memoryAllocation.reservation", "answerFileValidationResult.status"]);
export const v24 = s24[0]!["answerFileValidationResult.status"];

// Datastore
const s25 = await retrieve(client, { container: root, type: "Datastore" }, ["name", "summary.capacity", "summary.freeSpace"]);
export const v25 = s25[0]!["summary.freeSpace"];
const s26 = await retrieve(client, { container: root, type: "Datastore" }, ["info.url", "info.maxFileSize", "info.timestamp"]);
export const v26 = s26[0]!["info.timestamp"];
const s27 = await retrieve(client, { container: root, type: "Datastore" }, ["summary.type", "summary.accessible", "summary.maintenanceMode"]);
export const v27 = s27[0]!["summary.maintenanceMode"];
const s28 = await retrieve(client, { container: root, type: "Datastore" }, ["host", "vm", "browser"]);
export const v28 = s28[0]!.browser;
const s29 = await retrieve(client, { container: root, type: "Datastore" }, ["capability.perFileThinProvisioningSupported", "capability.nativeSnapshotSupported"]);
export const v29 = s29[0]!["capability.nativeSnapshotSupported"];
const s30 = await retrieve(client, { container: root, type: "Datastore" }, ["iormConfiguration.enabled", "iormConfiguration.congestionThreshold"]);
export const v30 = s30[0]!["iormConfiguration.congestionThreshold"];
const s31 = await retrieve(client, { container: root, type: "Datastore" }, ["summary", "info"]);
export const v31 = s31[0]!.info;
const s32 = await retrieve(client, { container: root, type: "Datastore" }, ["overallStatus", "configIssue", "customValue"]);
export const v32 = s32[0]!.customValue;
const s33 = await retrieve(client, { container: root, type: "Datastore" }, ["summary.multipleHostAccess", "summary.uncommitted", "capability.vmdkExpandSupported"]);
export const v33 = s33[0]!["capability.vmdkExpandSupported"];

// ClusterComputeResource
const s34 = await retrieve(client, { container: root, type: "ClusterComputeResource" }, ["name", "configuration.dasConfig.enabled", "configuration.drsConfig.enabled"]);
export const v34 = s34[0]!["configuration.drsConfig.enabled"];
const s35 = await retrieve(client, { container: root, type: "ClusterComputeResource" }, ["summary.totalCpu", "summary.totalMemory", "summary.numHosts"]);
export const v35 = s35[0]!["summary.numHosts"];
const s36 = await retrieve(client, { container: root, type: "ClusterComputeResource" }, ["host", "datastore", "network", "resourcePool"]);
export const v36 = s36[0]!.resourcePool;
const s37 = await retrieve(client, { container: root, type: "ClusterComputeResource" }, ["configuration.dasConfig.admissionControlPolicy", "configuration.dasConfig.failoverLevel"]);
export const v37 = s37[0]!["configuration.dasConfig.failoverLevel"];
const s38 = await retrieve(client, { container: root, type: "ClusterComputeResource" }, ["configuration.dasConfig.defaultVmSettings.restartPriority", "configuration.dasConfig.defaultVmSettings.isolationResponse"]);
export const v38 = s38[0]!["configuration.dasConfig.defaultVmSettings.isolationResponse"];
const s39 = await retrieve(client, { container: root, type: "ClusterComputeResource" }, ["configuration.drsConfig.defaultVmBehavior", "configuration.drsConfig.vmotionRate"]);
export const v39 = s39[0]!["configuration.drsConfig.vmotionRate"];
const s40 = await retrieve(client, { container: root, type: "ClusterComputeResource" }, ["recommendation", "drsRecommendation", "migrationHistory"]);
export const v40 = s40[0]!.migrationHistory;
const s41 = await retrieve(client, { container: root, type: "ClusterComputeResource" }, ["hciConfig.workflowState", "hciConfig.hostConfigProfile.dateTimeConfig.timeZone"]);
export const v41 = s41[0]!["hciConfig.hostConfigProfile.dateTimeConfig.timeZone"];
const s42 = await retrieve(client, { container: root, type: "ClusterComputeResource" }, ["configurationEx.vmSwapPlacement", "configurationEx.spbmEnabled", "summary.effectiveMemory"]);
export const v42 = s42[0]!["summary.effectiveMemory"];

// Folder
const s43 = await retrieve(client, { container: root, type: "Folder" }, ["name", "childType"]);
export const v43 = s43[0]!.childType;
const s44 = await retrieve(client, { container: root, type: "Folder" }, ["childEntity", "parent"]);
export const v44 = s44[0]!.parent;
const s45 = await retrieve(client, { container: root, type: "Folder" }, ["namespace", "overallStatus", "effectiveRole"]);
export const v45 = s45[0]!.effectiveRole;
const s46 = await retrieve(client, { container: root, type: "Folder" }, ["name", "childEntity", "childType", "tag"]);
export const v46 = s46[0]!.tag;

// Network
const s47 = await retrieve(client, { container: root, type: "Network" }, ["name", "summary.accessible"]);
export const v47 = s47[0]!["summary.accessible"];
const s48 = await retrieve(client, { container: root, type: "Network" }, ["host", "vm"]);
export const v48 = s48[0]!.vm;
const s49 = await retrieve(client, { container: root, type: "Network" }, ["summary.ipPoolName", "summary.ipPoolId", "summary.network"]);
export const v49 = s49[0]!["summary.network"];
const s50 = await retrieve(client, { container: root, type: "Network" }, ["name", "overallStatus", "declaredAlarmState"]);
export const v50 = s50[0]!.declaredAlarmState;
