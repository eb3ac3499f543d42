/**
 * Synthesises a RetrievePropertiesEx response shaped like the one vcsim sends
 * for a VM inventory query (name, runtime.powerState, summary.config.numCpu,
 * summary.config.memorySizeMB, config.hardware.device), so the decode bench
 * needs neither a server nor a committed multi-megabyte file.
 */

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" ' +
  'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<soapenv:Body>\n<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>';
const ENVELOPE_CLOSE = "</returnval></RetrievePropertiesExResponse>\n</soapenv:Body>\n</soapenv:Envelope>";

/** Deterministic PRNG so every run decodes the same bytes. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const desc = (label: string, summary: string) => `<deviceInfo><label>${label}</label><summary>${summary}</summary></deviceInfo>`;
const connect = (connected: boolean) =>
  `<connectable><migrateConnect>unset</migrateConnect><startConnected>true</startConnected><allowGuestControl>true</allowGuestControl><connected>${connected}</connected><status>ok</status></connectable>`;

function uuid(r: () => number): string {
  const h = () => Math.floor(r() * 0x10000).toString(16).padStart(4, "0");
  return `${h()}${h()}-${h()}-${h()}-${h()}-${h()}${h()}${h()}`;
}

function devices(vm: number, r: () => number): string {
  const ds = `datastore-${(vm % 4) + 11}`;
  const disks = 1 + Math.floor(r() * 3);
  const nics = 1 + Math.floor(r() * 2);
  let out =
    `<VirtualDevice xsi:type="VirtualIDEController"><key>200</key>${desc("IDE 0", "IDE 0")}<busNumber>0</busNumber><device>3000</device></VirtualDevice>` +
    `<VirtualDevice xsi:type="VirtualIDEController"><key>201</key>${desc("IDE 1", "IDE 1")}<busNumber>1</busNumber></VirtualDevice>` +
    `<VirtualDevice xsi:type="VirtualPS2Controller"><key>300</key>${desc("PS2 controller 0", "PS2 controller 0")}<busNumber>0</busNumber><device>600</device><device>700</device></VirtualDevice>` +
    `<VirtualDevice xsi:type="VirtualPCIController"><key>100</key>${desc("PCI controller 0", "PCI controller 0")}<busNumber>0</busNumber><device>500</device><device>12000</device><device>1000</device>${Array.from({ length: nics }, (_, i) => `<device>${4000 + i}</device>`).join("")}</VirtualDevice>` +
    `<VirtualDevice xsi:type="VirtualSIOController"><key>400</key>${desc("SIO controller 0", "SIO controller 0")}<busNumber>0</busNumber></VirtualDevice>` +
    `<VirtualDevice xsi:type="VirtualKeyboard"><key>600</key>${desc("Keyboard ", "Keyboard")}<controllerKey>300</controllerKey><unitNumber>0</unitNumber></VirtualDevice>` +
    `<VirtualDevice xsi:type="VirtualPointingDevice"><key>700</key>${desc("Pointing device", "Pointing device; Device")}<backing xsi:type="VirtualPointingDeviceDeviceBackingInfo"><deviceName></deviceName><useAutoDetect>false</useAutoDetect><hostPointingDevice>autodetect</hostPointingDevice></backing><controllerKey>300</controllerKey><unitNumber>1</unitNumber></VirtualDevice>` +
    `<VirtualDevice xsi:type="VirtualMachineVideoCard"><key>500</key>${desc("Video card ", "Video card")}<controllerKey>100</controllerKey><unitNumber>0</unitNumber><videoRamSizeInKB>4096</videoRamSizeInKB><numDisplays>1</numDisplays><useAutoDetect>false</useAutoDetect><enable3DSupport>false</enable3DSupport><use3dRenderer>automatic</use3dRenderer><graphicsMemorySizeInKB>262144</graphicsMemorySizeInKB></VirtualDevice>` +
    `<VirtualDevice xsi:type="VirtualCdrom"><key>3000</key>${desc("CD/DVD drive 1", "Remote device")}<backing xsi:type="VirtualCdromRemotePassthroughBackingInfo"><deviceName></deviceName><useAutoDetect>false</useAutoDetect><exclusive>false</exclusive></backing>${connect(false)}<controllerKey>200</controllerKey><unitNumber>0</unitNumber></VirtualDevice>` +
    `<VirtualDevice xsi:type="VirtualController" ><key>1000</key>${desc("SCSI controller 0", "LSI Logic")}<slotInfo xsi:type="VirtualDevicePciBusSlotInfo"><pciSlotNumber>16</pciSlotNumber></slotInfo><controllerKey>100</controllerKey><unitNumber>3</unitNumber><busNumber>0</busNumber>${Array.from({ length: disks }, (_, i) => `<device>${2000 + i}</device>`).join("")}</VirtualDevice>`;
  for (let i = 0; i < disks; i++) {
    const kb = (1 + Math.floor(r() * 64)) * 1048576;
    out +=
      `<VirtualDevice xsi:type="VirtualDisk"><key>${2000 + i}</key>${desc(`Hard disk ${i + 1}`, `${kb.toLocaleString("en-US")} KB`)}` +
      `<backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>[LocalDS_${vm % 4}] vm-${vm}/vm-${vm}${i ? `_${i}` : ""}.vmdk</fileName><datastore type="Datastore">${ds}</datastore>` +
      `<diskMode>persistent</diskMode><split>false</split><writeThrough>false</writeThrough><thinProvisioned>${r() < 0.5}</thinProvisioned><eagerlyScrub>false</eagerlyScrub><uuid>${uuid(r)}</uuid><contentId>${uuid(r).replace(/-/g, "")}</contentId><digestEnabled>false</digestEnabled><sharing>sharingNone</sharing></backing>` +
      `<controllerKey>1000</controllerKey><unitNumber>${i}</unitNumber><capacityInKB>${kb}</capacityInKB><capacityInBytes>${kb * 1024}</capacityInBytes><diskObjectId>${vm}-${2000 + i}</diskObjectId><nativeUnmanagedLinkedClone>false</nativeUnmanagedLinkedClone></VirtualDevice>`;
  }
  for (let i = 0; i < nics; i++) {
    const mac = `00:50:56:${((vm >> 8) & 0xff).toString(16).padStart(2, "0")}:${(vm & 0xff).toString(16).padStart(2, "0")}:${(i + 16).toString(16)}`;
    out +=
      `<VirtualDevice xsi:type="VirtualE1000"><key>${4000 + i}</key>${desc(`Network adapter ${i + 1}`, "VM Network")}` +
      `<backing xsi:type="VirtualEthernetCardNetworkBackingInfo"><deviceName>VM Network</deviceName><useAutoDetect>false</useAutoDetect><network type="Network">network-${7 + i}</network></backing>` +
      `${connect(true)}<slotInfo xsi:type="VirtualDevicePciBusSlotInfo"><pciSlotNumber>${32 + i}</pciSlotNumber></slotInfo><controllerKey>100</controllerKey><unitNumber>${7 + i}</unitNumber>` +
      `<addressType>generated</addressType><macAddress>${mac}</macAddress><wakeOnLanEnabled>true</wakeOnLanEnabled></VirtualDevice>`;
  }
  return out;
}

const POWER = ["poweredOn", "poweredOff", "suspended"];

/** One `<objects>` element for VM number `vm`. */
export function vmObject(vm: number, r: () => number): string {
  return (
    `<objects><obj type="VirtualMachine">vm-${vm}</obj>` +
    `<propSet><name>config.hardware.device</name><val xsi:type="ArrayOfVirtualDevice">${devices(vm, r)}</val></propSet>` +
    `<propSet><name>name</name><val xsi:type="xsd:string">DC0_H${vm % 8}_VM${vm} &amp; co</val></propSet>` +
    `<propSet><name>runtime.powerState</name><val xsi:type="VirtualMachinePowerState">${POWER[Math.floor(r() * 3)]}</val></propSet>` +
    `<propSet><name>summary.config.memorySizeMB</name><val xsi:type="xsd:int">${32 << Math.floor(r() * 6)}</val></propSet>` +
    `<propSet><name>summary.config.numCpu</name><val xsi:type="xsd:int">${1 + Math.floor(r() * 8)}</val></propSet>` +
    `</objects>`
  );
}

/** The full response for `vmCount` VMs (5,500 gives roughly 35 MB). */
export function vcsimRetrieveResponse(vmCount: number, seed = 42): string {
  const r = rng(seed);
  const parts: string[] = [ENVELOPE_OPEN];
  for (let vm = 1; vm <= vmCount; vm++) parts.push(vmObject(vm, r));
  parts.push(ENVELOPE_CLOSE);
  return parts.join("");
}
