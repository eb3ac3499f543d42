// Command vcsim serves govmomi's vCenter simulator for tsvmomi's tests.
//
// It prints KEY=value lines on stdout (VCSIM_URL, VCSIM_THUMBPRINT, ...)
// ending with VCSIM_READY=1, so a parent process can parse them without
// guessing when startup is over.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	// Serves /pbm (storage policies) on the vCenter model.
	_ "github.com/vmware/govmomi/pbm/simulator"
	"github.com/vmware/govmomi/simulator"
	// Registers the SSO Security Token Service endpoint at the path of the
	// config.vpxd.sso.sts.uri setting: it answers WS-Trust Issue and Renew.
	_ "github.com/vmware/govmomi/sts/simulator"
	// Registers the SSO Lookup Service (/lookupservice/sdk): its registrations
	// name the STS endpoint, readable without a session.
	_ "github.com/vmware/govmomi/lookup/simulator"
)

func main() {
	model := simulator.VPX()
	flag.IntVar(&model.Datacenter, "dc", model.Datacenter, "datacenters")
	flag.IntVar(&model.Cluster, "cluster", model.Cluster, "clusters per datacenter")
	flag.IntVar(&model.ClusterHost, "host", model.ClusterHost, "hosts per cluster")
	flag.IntVar(&model.Host, "standalone-host", model.Host, "standalone hosts per datacenter")
	flag.IntVar(&model.Pool, "pool", model.Pool, "child resource pools per cluster")
	flag.IntVar(&model.Machine, "vm", model.Machine, "VMs per resource pool / standalone host")
	flag.IntVar(&model.Folder, "folder", model.Folder, "wrap each datacenter's inventory in folders")
	flag.IntVar(&model.Datastore, "ds", model.Datastore, "datastores")
	flag.IntVar(&model.Portgroup, "pg", model.Portgroup, "distributed portgroups per datacenter")
	listen := flag.String("listen", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	useTLS := flag.Bool("tls", true, "serve https")
	username := flag.String("username", "", "require this user name (default: accept any non-empty credentials)")
	password := flag.String("password", "", "require this password (with -username)")
	idle := flag.Duration("session-idle-timeout", 0, "expire sessions idle this long (0: never)")
	trace := flag.Bool("trace", false, "log SOAP traffic to stderr")
	exitOnEOF := flag.Bool("exit-on-stdin-eof", false, "exit when stdin closes, so a crashed parent leaves no orphan")
	flag.Parse()

	// The simulator reads this package-level variable when a session logs in.
	simulator.SessionIdleTimeout = *idle
	simulator.Trace = *trace

	if err := model.Create(); err != nil {
		log.Fatalf("vcsim: creating inventory: %v", err)
	}
	defer model.Remove() // local datastores are temp directories

	model.Service.Listen = &url.URL{Host: *listen}
	if *username != "" {
		model.Service.Listen.User = url.UserPassword(*username, *password)
	}
	var thumbprints []string
	if *useTLS {
		cert, err := selfSignedCert()
		if err != nil {
			log.Fatalf("vcsim: generating certificate: %v", err)
		}
		model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		thumbprints = describeCert(cert.Certificate[0])
	}
	// Mounts the endpoints imported packages registered (pbm, the STS, the lookup service).
	model.Service.RegisterEndpoints = true
	server := model.Service.NewServer()

	// Listen.Host may be 0.0.0.0, for which NewServer advertises a LAN address;
	// the URL printed here must be the one it actually reports.
	u := *server.URL
	u.User = nil
	fmt.Printf("VCSIM_URL=%s\n", u.String())
	for _, line := range thumbprints {
		fmt.Println(line)
	}
	fmt.Printf("VCSIM_PID=%d\n", os.Getpid())
	fmt.Println("VCSIM_READY=1")

	done := make(chan string, 2)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { done <- (<-sig).String() }()
	if *exitOnEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			done <- "stdin closed"
		}()
	}
	log.Printf("vcsim: stopping (%s)", <-done)

	// A WaitForUpdates long-poll would keep Close waiting forever.
	server.CloseClientConnections()
	closed := make(chan struct{})
	go func() { server.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		log.Print("vcsim: requests still running after 2s, exiting anyway")
	}
}
