"""pyVmomi's side of the CLI start-up case: the one-shot script a pyVmomi user
writes for `tsvmomi get '/DC0/vm/*' name runtime.powerState`. Connect and log
in, find the folder by inventory path, read its children's name and power
state in one RetrievePropertiesEx, print them, log out. The runner times the
whole process (interpreter start-up and imports included).

Run with the Debian interpreter (/usr/bin/python3), which has python3-pyvmomi.
"""
import json
import ssl
import sys
from urllib.parse import urlsplit

from pyVim.connect import SmartConnect, Disconnect
from pyVmomi import vim, vmodl


def main():
    u = urlsplit(sys.argv[1])
    si = SmartConnect(host=u.hostname, port=u.port, user=u.username, pwd=u.password,
                      sslContext=ssl._create_unverified_context())
    try:
        content = si.RetrieveContent()
        folder = content.searchIndex.FindByInventoryPath("DC0/vm")
        traversal = vmodl.query.PropertyCollector.TraversalSpec(
            name="children", path="childEntity", skip=False, type=vim.Folder)
        spec = vmodl.query.PropertyCollector.FilterSpec(
            objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=folder, skip=True, selectSet=[traversal])],
            propSet=[vmodl.query.PropertyCollector.PropertySpec(type=vim.VirtualMachine, pathSet=["name", "runtime.powerState"])])
        res = content.propertyCollector.RetrievePropertiesEx([spec], vmodl.query.PropertyCollector.RetrieveOptions())
        count = 0
        for obj in (res.objects if res else []):
            values = {p.name: p.val for p in obj.propSet}
            sys.stderr.write("%s %s\n" % (values.get("name"), values.get("runtime.powerState")))
            count += 1
    finally:
        Disconnect(si)
    print(json.dumps({"client": "pyvmomi", "mode": "oneshot", "count": count}))


if __name__ == "__main__":
    main()
