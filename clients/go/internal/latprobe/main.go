// Command latprobe measures unary call latency against a running Cairn server from Go: SubmitRun of
// a one-step workflow, and GetRun of a run that does not exist (a call that touches no run, though
// it looks it up in the store on a query thread). It tells the server's own floor from that of the
// Java client the benchmarks use.
//
//	go run ./internal/latprobe -target 127.0.0.1:7420 -token "$(cat DATA_DIR/token)" [-n 2000]
//
// Each measurement is preceded by as many unmeasured calls.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"sort"
	"time"

	"github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

func main() {
	target := flag.String("target", "127.0.0.1:7420", "server address")
	token := flag.String("token", "", "the server's token (DATA_DIR/token)")
	n := flag.Int("n", 2000, "calls per measurement")
	flag.Parse()
	if *n < 100 {
		log.Fatal("latprobe: -n must be at least 100")
	}
	ctx := context.Background()
	client, err := cairn.Dial(ctx, *target, cairn.WithToken(*token), cairn.WithInsecure())
	if err != nil {
		log.Fatalf("latprobe: %v", err)
	}
	defer client.Close()
	spec := &cairnv1.WorkflowSpec{
		Name: "latprobe",
		Steps: []*cairnv1.StepSpec{{
			Id:      "only",
			Command: &cairnv1.StepSpec_Argv{Argv: &cairnv1.Argv{Args: []string{"true"}}},
		}},
	}
	measure(*n, "SubmitRun", func() error {
		_, err := client.Submit(ctx, spec, "")
		return err
	})
	measure(*n, "GetRun of a missing run", func() error {
		// NOT_FOUND is the expected answer.
		client.Service().GetRun(ctx, &cairnv1.GetRunRequest{RunId: "latprobe-missing"})
		return nil
	})
}

func measure(n int, what string, call func() error) {
	for i := 0; i < n; i++ {
		if err := call(); err != nil {
			log.Fatalf("latprobe: %s: %v", what, err)
		}
	}
	latencies := make([]time.Duration, n)
	for i := range latencies {
		start := time.Now()
		if err := call(); err != nil {
			log.Fatalf("latprobe: %s: %v", what, err)
		}
		latencies[i] = time.Since(start)
	}
	sort.Slice(latencies, func(a, b int) bool { return latencies[a] < latencies[b] })
	fmt.Printf("%s: p50 %v, p99 %v (%d calls)\n", what, latencies[n/2], latencies[n*99/100], n)
}
