// Command govmomi-bench is the govmomi side of `npm run bench`: it does the
// same ContainerView retrieve and powerState watch as the tsvmomi and pyVmomi
// workloads, through govmomi's own helpers (view.Manager, ContainerView.Retrieve,
// property.WaitForUpdates), and prints one JSON line with its result.
//
// Peak RSS is VmHWM from /proc/self/status, as the Node and Python workers
// read theirs: getrusage's maxrss survives execve on Linux, so a child of a
// large runner would report the runner's peak, not its own.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

var retrievePaths = []string{
	"name", "runtime.powerState", "summary.config.numCpu", "summary.config.memorySizeMB", "config.hardware.device",
}

type result struct {
	Client      string  `json:"client"`
	Mode        string  `json:"mode"`
	Count       int     `json:"count"`
	Devices     int     `json:"devices,omitempty"`
	WallMs      float64 `json:"wallMs"`
	DoneEpochMs int64   `json:"doneEpochMs,omitempty"`
	MaxRssKb    int64   `json:"maxRssKb"`
}

func main() {
	rawURL := flag.String("url", "", "SDK URL with user:password")
	mode := flag.String("mode", "retrieve", "retrieve | watch | oneshot")
	state := flag.String("state", "poweredOff", "watch: the powerState to wait for")
	want := flag.Int("count", 0, "watch: stop once this many VMs are in -state")
	flag.Parse()

	u, err := url.Parse(*rawURL)
	if err != nil || *rawURL == "" {
		fail("-url: expected https://user:pass@host/sdk, got %q", *rawURL)
	}
	ctx := context.Background()
	// insecure=true: vcsim's certificate is self-signed; the other clients skip verification too.
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		fail("connect: %v", err)
	}
	defer func() { _ = c.Logout(ctx) }()

	var r result
	switch *mode {
	case "retrieve":
		r = retrieve(ctx, c)
	case "watch":
		r = watch(ctx, c, *state, *want)
	case "oneshot":
		r = oneshot(ctx, c)
	default:
		fail("-mode: expected retrieve, watch or oneshot, got %q", *mode)
	}
	r.Client = "govmomi"
	r.Mode = *mode
	r.MaxRssKb = peakRssKb()
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}

// oneshot is the CLI start-up case (`tsvmomi get '/DC0/vm/*' name runtime.powerState`):
// find the folder by inventory path, read its children's name and power state,
// print one line per VM. The runner times the whole process, not this function.
func oneshot(ctx context.Context, c *govmomi.Client) result {
	ref, err := object.NewSearchIndex(c.Client).FindByInventoryPath(ctx, "DC0/vm")
	if err != nil || ref == nil {
		fail("FindByInventoryPath DC0/vm: %v", err)
	}
	var folder mo.Folder
	pc := property.DefaultCollector(c.Client)
	if err := pc.RetrieveOne(ctx, ref.Reference(), []string{"childEntity"}, &folder); err != nil {
		fail("childEntity: %v", err)
	}
	var vms []mo.VirtualMachine
	if err := pc.Retrieve(ctx, folder.ChildEntity, []string{"name", "runtime.powerState"}, &vms); err != nil {
		fail("Retrieve: %v", err)
	}
	for _, vm := range vms {
		fmt.Fprintf(os.Stderr, "%s %s\n", vm.Name, vm.Runtime.PowerState)
	}
	return result{Count: len(vms)}
}

func containerView(ctx context.Context, c *govmomi.Client) *view.ContainerView {
	v, err := view.NewManager(c.Client).CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"VirtualMachine"}, true)
	if err != nil {
		fail("CreateContainerView: %v", err)
	}
	return v
}

func retrieve(ctx context.Context, c *govmomi.Client) result {
	t0 := time.Now()
	v := containerView(ctx, c)
	var vms []mo.VirtualMachine
	if err := v.Retrieve(ctx, []string{"VirtualMachine"}, retrievePaths, &vms); err != nil {
		fail("Retrieve: %v", err)
	}
	wall := time.Since(t0)
	devices := 0
	for i := range vms {
		if vms[i].Config != nil {
			devices += len(vms[i].Config.Hardware.Device)
		}
	}
	_ = v.Destroy(ctx)
	return result{Count: len(vms), Devices: devices, WallMs: ms(wall)}
}

// watch prints READY once the initial update set is in, then waits until
// `want` VMs report `state`; the runner starts the power burst on READY.
func watch(ctx context.Context, c *govmomi.Client, state string, want int) result {
	v := containerView(ctx, c)
	filter := new(property.WaitFilter).Add(v.Reference(), "VirtualMachine", []string{"runtime.powerState"},
		&types.TraversalSpec{Type: "ContainerView", Path: "view"})
	filter.Spec.ObjectSet[0].Skip = types.NewBool(true)

	states := map[string]string{}
	ready := false
	var t0 time.Time
	err := property.WaitForUpdates(ctx, property.DefaultCollector(c.Client), filter, func(updates []types.ObjectUpdate) bool {
		for _, u := range updates {
			for _, ch := range u.ChangeSet {
				if ch.Name == "runtime.powerState" {
					if s, ok := ch.Val.(types.VirtualMachinePowerState); ok {
						states[u.Obj.Value] = string(s)
					}
				}
			}
			if u.Kind == types.ObjectUpdateKindLeave {
				delete(states, u.Obj.Value)
			}
		}
		if !ready {
			ready = true
			t0 = time.Now()
			fmt.Println("READY")
			return false
		}
		n := 0
		for _, s := range states {
			if s == state {
				n++
			}
		}
		return n >= want
	})
	if err != nil {
		fail("WaitForUpdates: %v", err)
	}
	now := time.Now()
	return result{Count: len(states), WallMs: ms(now.Sub(t0)), DoneEpochMs: now.UnixMilli()}
}

func peakRssKb() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				if kb, err := strconv.ParseInt(strings.Fields(line)[1], 10, 64); err == nil {
					return kb
				}
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		return ru.Maxrss
	}
	return 0
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "govmomi-bench: "+format+"\n", args...)
	os.Exit(1)
}
