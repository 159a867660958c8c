// Command run submits a workflow file, follows its events live and prints the outcome.
//
//	go run ./examples/run [-file WORKFLOW.yaml] [-target HOST:PORT]
//
// The file defaults to the repository's examples/diamond-flaky.yaml (a diamond whose flaky
// branch succeeds on its second attempt). The client sends the file's text; the server
// parses it, so the file means what it means to the CLI and the Python client.
//
// Ctrl-C cancels the run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

func main() {
	target := flag.String("target", "", "server address (default: $CAIRN_SERVER or 127.0.0.1:7420)")
	file := flag.String("file", filepath.Join("..", "..", "examples", "diamond-flaky.yaml"),
		"the workflow file to submit")
	flag.Parse()
	err := run(*target, *file)
	if errors.Is(err, errRunNotSucceeded) {
		os.Exit(1)
	}
	if err != nil {
		var cairnErr *cairn.Error
		if errors.As(err, &cairnErr) && cairnErr.Reason != "" {
			fmt.Fprintf(os.Stderr, "error: %s (%s)\n", cairnErr.Message, cairnErr.Reason)
		} else {
			fmt.Fprintln(os.Stderr, "error:", err)
		}
		if status.Code(err) == codes.Unauthenticated {
			// The usual cause: the server was started with --data-dir elsewhere than the
			// default, so the client did not find its token file.
			fmt.Fprintln(os.Stderr, "hint: set CAIRN_DATA_DIR to the server's --data-dir, or CAIRN_TOKEN to its token")
		}
		os.Exit(2)
	}
}

func run(target, file string) error {
	ctx := context.Background()
	client, err := cairn.Dial(ctx, target)
	if err != nil {
		return err
	}
	defer client.Close()

	runID, err := client.SubmitFile(ctx, file, "")
	if err != nil {
		return err
	}
	fmt.Printf("run %s submitted\n", runID)

	// Ctrl-C ends the watch; the run is then cancelled and awaited.
	watchCtx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	for event, err := range client.Watch(watchCtx, runID, 0) {
		if errors.Is(err, context.Canceled) {
			if _, err := client.Cancel(ctx, runID, "interrupted"); err != nil {
				return err
			}
			fmt.Println("cancel requested; waiting for the run to stop")
			break
		}
		if err != nil {
			return err
		}
		fmt.Printf("[%3d] %s\n", event.GetRunSeq(), describe(event))
	}
	final, err := client.Wait(ctx, runID)
	if err != nil {
		return err
	}
	fmt.Printf("run %s: %s\n", runID, strings.TrimPrefix(final.GetStatus().String(), "RUN_STATUS_"))
	if final.GetStatus() != cairnv1.RunStatus_RUN_STATUS_SUCCEEDED {
		return errRunNotSucceeded
	}
	return nil
}

// errRunNotSucceeded makes the command exit 1 after the outcome has been printed.
var errRunNotSucceeded = errors.New("run did not succeed")

func describe(event *cairnv1.Event) string {
	switch payload := event.GetPayload().(type) {
	case *cairnv1.Event_StepStarted:
		return fmt.Sprintf("%s: attempt %d started (pid %d)", payload.StepStarted.GetStepId(),
			payload.StepStarted.GetAttempt(), payload.StepStarted.GetPid())
	case *cairnv1.Event_StepSucceeded:
		return payload.StepSucceeded.GetStepId() + ": succeeded"
	case *cairnv1.Event_StepFailed:
		failed := payload.StepFailed
		return fmt.Sprintf("%s: attempt %d failed (%s) %s", failed.GetStepId(), failed.GetAttempt(),
			strings.TrimPrefix(failed.GetReason().String(), "FAILURE_REASON_"), failed.GetMessage())
	case *cairnv1.Event_StepRetryScheduled:
		return fmt.Sprintf("%s: attempt %d scheduled", payload.StepRetryScheduled.GetStepId(),
			payload.StepRetryScheduled.GetNextAttempt())
	case *cairnv1.Event_StepSkipped:
		return fmt.Sprintf("%s: skipped (%s did not succeed)", payload.StepSkipped.GetStepId(),
			payload.StepSkipped.GetCauseStepId())
	}
	field := event.ProtoReflect().WhichOneof(event.ProtoReflect().Descriptor().Oneofs().ByName("payload"))
	if field == nil {
		return "unknown event"
	}
	return strings.ReplaceAll(string(field.Name()), "_", " ")
}
