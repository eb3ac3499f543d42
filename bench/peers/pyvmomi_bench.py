"""pyVmomi side of `npm run bench`: the same ContainerView retrieve as the
govmomi and tsvmomi workloads, via PropertyCollector.RetrievePropertiesEx and
its ContinueRetrievePropertiesEx loop. Prints one JSON line.

Run with the Debian interpreter (/usr/bin/python3), which has python3-pyvmomi.
"""
import argparse
import json
import resource
import ssl
import sys
import time
from urllib.parse import urlsplit

from pyVim.connect import SmartConnect, Disconnect
from pyVmomi import vim, vmodl

PATHS = ["name", "runtime.powerState", "summary.config.numCpu",
         "summary.config.memorySizeMB", "config.hardware.device"]


def retrieve(si):
    content = si.RetrieveContent()
    t0 = time.perf_counter()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    traversal = vmodl.query.PropertyCollector.TraversalSpec(
        name="view", path="view", skip=False, type=vim.view.ContainerView)
    spec = vmodl.query.PropertyCollector.FilterSpec(
        objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=view, skip=True, selectSet=[traversal])],
        propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.VirtualMachine, pathSet=PATHS)])
    pc = content.propertyCollector
    count = devices = 0
    res = pc.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions())
    while res is not None:
        for obj in res.objects:
            count += 1
            for prop in obj.propSet:
                if prop.name == "config.hardware.device":
                    devices += len(prop.val)
        if not res.token:
            break
        res = pc.ContinueRetrievePropertiesEx(res.token)
    wall = (time.perf_counter() - t0) * 1000
    view.DestroyView()
    return {"count": count, "devices": devices, "wallMs": round(wall, 3)}


def peak_rss_kb():
    # VmHWM, not getrusage: Linux keeps ru_maxrss across execve, so it would
    # report the (large) runner's peak instead of this process's own.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True, help="https://user:pass@host:port/sdk")
    args = ap.parse_args()
    u = urlsplit(args.url)
    if u.scheme != "https" or not u.hostname or not u.port:
        sys.exit("pyvmomi_bench: --url: expected https://user:pass@host:port/sdk, got %r" % args.url)
    # vcsim's certificate is self-signed; the other clients skip verification too.
    si = SmartConnect(host=u.hostname, port=u.port, user=u.username, pwd=u.password,
                      sslContext=ssl._create_unverified_context())
    try:
        out = retrieve(si)
    finally:
        Disconnect(si)
    out.update(client="pyvmomi", mode="retrieve",
               maxRssKb=peak_rss_kb())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
