// Command cancelrun cancels a run with the Go client and waits until it has stopped. The
// cross-language test (clients/python/tests/test_interop.py) runs it between a Python
// submit and a Java CLI status check, all against one server.
//
//	go run ./internal/interop/cancelrun RUN_ID
//
// The server and token come from $CAIRN_SERVER and $CAIRN_TOKEN, as for any Go client.
// It prints the status the cancel was acknowledged with, then the final status, and exits
// 0 when the run ended CANCELLED, 1 when it ended otherwise and 2 on an error.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

// timeout bounds the whole program so a stuck server fails the test instead of hanging it.
const timeout = 2 * time.Minute

func main() {
	if len(os.Args) != 2 || os.Args[1] == "" {
		fmt.Fprintln(os.Stderr, "usage: cancelrun RUN_ID")
		os.Exit(2)
	}
	final, err := cancelAndWait(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
	if final != cairnv1.RunStatus_RUN_STATUS_CANCELLED {
		os.Exit(1)
	}
}

func cancelAndWait(runID string) (cairnv1.RunStatus, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	client, err := cairn.Dial(ctx, "")
	if err != nil {
		return 0, err
	}
	defer client.Close()
	acknowledged, err := client.Cancel(ctx, runID, "cancelled from Go")
	if err != nil {
		return 0, err
	}
	fmt.Println("acknowledged:", acknowledged)
	run, err := client.Wait(ctx, runID)
	if err != nil {
		return 0, err
	}
	fmt.Println("final:", run.GetStatus())
	return run.GetStatus(), nil
}
