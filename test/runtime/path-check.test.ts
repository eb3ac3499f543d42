/**
 * The run-time property-path check an untyped caller gets by default: walked
 * through the default release's real tables (managed properties + data types).
 */
import { describe, expect, it } from "vitest";
import { registryFromTables } from "../../runtime/schema-tables.js";
import { checkPathsAgainstBindings, findPathProblem, nearestPath } from "../../runtime/property/path-check.js";
import { schemas } from "../support/bindings.js";

const registry = registryFromTables(schemas);
const problem = (type: string, path: string) => findPathProblem(schemas, registry, type, path);
const check = (type: string, path: string) => () => checkPathsAgainstBindings("retrieve", registry, [type], [path]);

describe("run-time property-path check", () => {
  it("accepts valid paths, inherited, nested, deeper than the typed maps, and on subtypes", () => {
    for (const p of ["name", "parent", "summary.runtime.powerState", "config.hardware.device", "summary.config.product.vendor", "config.keyId.providerId.id"]) {
      expect(problem("VirtualMachine", p), p).toBeUndefined();
    }
    // Deeper than PATH_DEPTH_CAP: the server accepts it, so the check does too.
    expect(problem("HostSystem", "config.network.netStackInstance")).toBeUndefined();
    // A ClusterComputeResource path that only the subtype has, on a ComputeResource-typed property: accepted.
    expect(problem("ClusterComputeResource", "configurationEx")).toBeUndefined();
  });

  it("says did you mean for a misspelled path, as tsc does", () => {
    expect(check("VirtualMachine", "summary.runtime.powerstate")).toThrow(
      'retrieve: "summary.runtime.powerstate" is not a property path of VirtualMachine; nearest valid path: "summary.runtime.powerState"',
    );
    expect(check("VirtualMachine", "nmae")).toThrow(/nearest valid path: "name"/);
    expect(check("HostSystem", "hardware.cpuInfo.numCpuCore")).toThrow(/nearest valid path: "hardware.cpuInfo.numCpuCores"/);
  });

  it("refuses a path through an array, a MoRef or a primitive, naming where it must end", () => {
    expect(check("VirtualMachine", "config.hardware.device.key")).toThrow(/nearest valid path: "config.hardware.device"/);
    expect(check("VirtualMachine", "runtime.host.name")).toThrow(/nearest valid path: "runtime.host"/);
    expect(check("VirtualMachine", "name.length")).toThrow(/nearest valid path: "name"/);
  });

  it("leaves types the bindings do not know to the server", () => {
    expect(problem("FutureManagedType", "anything.at.all")).toBeUndefined();
    expect(findPathProblem({ ...schemas, managed: undefined }, registry, "VirtualMachine", "nmae")).toBeUndefined();
  });

  it("nearestPath is case-insensitive edit distance", () => {
    expect(nearestPath("RUNTIME.POWERSTATE", ["runtime.powerState", "runtime.host"])).toBe("runtime.powerState");
    expect(nearestPath("x", [])).toBeUndefined();
  });
});
