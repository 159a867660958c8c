// Command catchup reads every stored event of a server, without following, and prints
// how many it read and how many per second: the catch-up figure bench/run reports.
//
//	go run ./examples/catchup [-target HOST:PORT]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/cairn-run/cairn/clients/go"
)

func main() {
	target := flag.String("target", "", "server address (default: $CAIRN_SERVER or 127.0.0.1:7420)")
	flag.Parse()
	ctx := context.Background()
	client, err := cairn.Dial(ctx, *target)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
	defer client.Close()
	start := time.Now()
	events := 0
	var last uint64
	for event, err := range client.Watch(ctx, "", 0, cairn.StoredOnly()) {
		if err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			os.Exit(2)
		}
		if event.GetGlobalSeq() != last+1 {
			fmt.Fprintf(os.Stderr, "error: event %d after %d\n", event.GetGlobalSeq(), last)
			os.Exit(2)
		}
		last = event.GetGlobalSeq()
		events++
	}
	elapsed := time.Since(start).Seconds()
	fmt.Printf("%d %.0f\n", events, float64(events)/elapsed)
}
