// Command run submits a small workflow, follows its events live and prints the outcome.
//
//	go run ./examples/run [-target HOST:PORT]
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
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

func main() {
	target := flag.String("target", "", "server address (default: $CAIRN_SERVER or 127.0.0.1:7420)")
	flag.Parse()
	err := run(*target)
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

func run(target string) error {
	ctx := context.Background()
	client, err := cairn.Dial(ctx, target)
	if err != nil {
		return err
	}
	defer client.Close()

	spec := &cairnv1.WorkflowSpec{
		Name: "example",
		Steps: []*cairnv1.StepSpec{
			{Id: "fetch", Command: &cairnv1.StepSpec_Run{Run: "echo fetching; sleep 1"}},
			{Id: "build", Command: &cairnv1.StepSpec_Argv{Argv: &cairnv1.Argv{Args: []string{"sh", "-c", "echo building"}}},
				DependsOn: []string{"fetch"}},
			{Id: "test", Command: &cairnv1.StepSpec_Run{Run: "echo testing"}, DependsOn: []string{"build"},
				Timeout: durationpb.New(time.Minute)},
		},
	}
	runID, err := client.Submit(ctx, spec, "")
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
