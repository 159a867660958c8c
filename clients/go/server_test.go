package cairn_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

func shellStep(id, command string, dependsOn ...string) *cairnv1.StepSpec {
	return &cairnv1.StepSpec{Id: id, Command: &cairnv1.StepSpec_Run{Run: command}, DependsOn: dependsOn}
}

func collect(t *testing.T, events func(func(*cairnv1.Event, error) bool)) []*cairnv1.Event {
	t.Helper()
	var result []*cairnv1.Event
	for event, err := range events {
		if err != nil {
			t.Fatal(err)
		}
		result = append(result, event)
	}
	return result
}

func assertGapFree(t *testing.T, events []*cairnv1.Event) {
	t.Helper()
	for i, event := range events {
		if event.GetRunSeq() != uint64(i+1) {
			t.Fatalf("event %d has run_seq %d: %v", i, event.GetRunSeq(), event)
		}
	}
}

func TestServerSubmitAndWatchToSucceeded(t *testing.T) {
	requireServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := shared.client(t)
	spec := &cairnv1.WorkflowSpec{Name: "two-steps", Steps: []*cairnv1.StepSpec{
		shellStep("hello", "echo hi"),
		{Id: "after", Command: &cairnv1.StepSpec_Argv{Argv: &cairnv1.Argv{Args: []string{"sh", "-c", "echo after"}}}, DependsOn: []string{"hello"}},
	}}
	runID, err := client.Submit(ctx, spec, "go-submit-once")
	if err != nil {
		t.Fatal(err)
	}
	events := collect(t, client.Watch(ctx, runID, 0))
	assertGapFree(t, events)
	if _, ok := events[len(events)-1].GetPayload().(*cairnv1.Event_RunSucceeded); !ok {
		t.Errorf("last event %v", events[len(events)-1])
	}
	again, err := client.Submit(ctx, spec, "go-submit-once")
	if err != nil || again != runID {
		t.Errorf("resubmit gave %q, %v; want %q", again, err, runID)
	}
	run, err := client.Wait(ctx, runID)
	if err != nil || run.GetStatus() != cairnv1.RunStatus_RUN_STATUS_SUCCEEDED {
		t.Errorf("run %v, err %v", run, err)
	}
	var output []byte
	for chunk, err := range client.Logs(ctx, runID, "hello", 0, false) {
		if err != nil {
			t.Fatal(err)
		}
		output = append(output, chunk...)
	}
	if string(output) != "hi\n" {
		t.Errorf("output %q", output)
	}
}

func TestServerWatchAcrossRestartDeliversEveryEventOnceInOrder(t *testing.T) {
	requireServer(t)
	server := newCairnProcess(t.TempDir())
	if err := server.start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := server.stop(); err != nil {
			t.Error(err)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	client := server.client(t)
	slow := shellStep("slow", "sleep 2")
	slow.Retry = &cairnv1.RetryPolicy{MaxAttempts: 3, InitialBackoff: durationpb.New(100 * time.Millisecond)}
	runID, err := client.Submit(ctx, &cairnv1.WorkflowSpec{Name: "restart", Steps: []*cairnv1.StepSpec{
		slow, shellStep("done", "echo done", "slow"),
	}}, "")
	if err != nil {
		t.Fatal(err)
	}
	var seen []*cairnv1.Event
	seenBeforeRestart := 0
	for event, err := range client.Watch(ctx, runID, 0) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, event)
		if _, started := event.GetPayload().(*cairnv1.Event_StepStarted); started && seenBeforeRestart == 0 {
			// The attempt of `sleep 2` is running: restart the server under the open watch.
			if err := server.restart(); err != nil {
				t.Fatal(err)
			}
			seenBeforeRestart = len(seen)
		}
	}
	if seenBeforeRestart == 0 {
		t.Fatal("the run never started a step, so the server was not restarted")
	}
	// Every event exactly once and in order: per-run seq 1..n with no gap and no repeat,
	// global seq rising, and the very events the server stored, field for field.
	assertGapFree(t, seen)
	for i, event := range seen {
		if event.GetRunId() != runID || (i > 0 && event.GetGlobalSeq() <= seen[i-1].GetGlobalSeq()) {
			t.Fatalf("event %d out of place: %v after %v", i, event, seen[max(i-1, 0)])
		}
	}
	replayed := storedEvents(ctx, t, client, runID)
	assertGapFree(t, replayed)
	if !slices.EqualFunc(seen, replayed, func(a, b *cairnv1.Event) bool { return proto.Equal(a, b) }) {
		t.Errorf("watched %d events, stored %d, or they differ", len(seen), len(replayed))
	}
	run, err := client.Get(ctx, runID)
	if err != nil || run.GetLastSeq() != uint64(len(seen)) {
		t.Errorf("run last_seq %d (err %v), watched %d events", run.GetLastSeq(), err, len(seen))
	}
	if _, ok := seen[len(seen)-1].GetPayload().(*cairnv1.Event_RunSucceeded); !ok {
		t.Errorf("last event %v", seen[len(seen)-1])
	}
	// The restart is graceful (SIGTERM): the old server records the running attempt as
	// INTERRUPTED on its way down, and only the new server starts attempt 2 and ends the run,
	// so the watch must have resumed across the restart to see those.
	var interrupted []string
	interruptedAt, secondAt := -1, -1
	for i, event := range seen {
		if failed := event.GetStepFailed(); failed != nil && failed.GetReason() == cairnv1.FailureReason_FAILURE_REASON_INTERRUPTED {
			interrupted = append(interrupted, fmt.Sprintf("%s/%d", failed.GetStepId(), failed.GetAttempt()))
			interruptedAt = i
			if i < seenBeforeRestart {
				t.Errorf("INTERRUPTED failure at index %d, before the restart at %d", i, seenBeforeRestart)
			}
		}
		if started := event.GetStepStarted(); started != nil && started.GetStepId() == "slow" && started.GetAttempt() == 2 {
			secondAt = i
		}
	}
	if !slices.Equal(interrupted, []string{"slow/1"}) {
		t.Errorf("INTERRUPTED attempts %v, want [slow/1]", interrupted)
	}
	if secondAt <= interruptedAt {
		t.Errorf("attempt 2 of slow started at index %d, want after the interruption at %d", secondAt, interruptedAt)
	}
}

// storedEvents is a fresh replay of the run's stored events through the bare generated
// stub. It bypasses Watch, whose resume logic drops anything at or below the last sequence
// number it saw, so the replay shows exactly what the server stored.
func storedEvents(ctx context.Context, t *testing.T, client *cairn.Client, runID string) []*cairnv1.Event {
	t.Helper()
	stream, err := client.Service().WatchEvents(ctx, &cairnv1.WatchEventsRequest{RunId: runID, Follow: false})
	if err != nil {
		t.Fatal(err)
	}
	var events []*cairnv1.Event
	for {
		response, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return events
		}
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, response.GetEvent())
	}
}

func TestServerCancel(t *testing.T) {
	requireServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := shared.client(t)
	runID, err := client.Submit(ctx, &cairnv1.WorkflowSpec{Name: "long", Steps: []*cairnv1.StepSpec{
		shellStep("forever", "sleep 600"),
	}}, "")
	if err != nil {
		t.Fatal(err)
	}
	for event, err := range client.Watch(ctx, runID, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if event.GetStepStarted() != nil {
			break
		}
	}
	if _, err := client.Cancel(ctx, runID, "test"); err != nil {
		t.Fatal(err)
	}
	run, err := client.Wait(ctx, runID)
	if err != nil || run.GetStatus() != cairnv1.RunStatus_RUN_STATUS_CANCELLED {
		t.Fatalf("run %v, err %v", run, err)
	}
	events := collect(t, client.Watch(ctx, runID, 0, cairn.StoredOnly()))
	if events[len(events)-1].GetRunCancelled() == nil {
		t.Errorf("last event %v", events[len(events)-1])
	}
}

func TestServerDelete(t *testing.T) {
	requireServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := shared.client(t)
	live, err := client.Submit(ctx, &cairnv1.WorkflowSpec{Name: "live", Steps: []*cairnv1.StepSpec{
		shellStep("wait", "sleep 600"),
	}}, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Delete(ctx, live)
	var refused *cairn.Error
	if !errors.As(err, &refused) || refused.Code != codes.FailedPrecondition || refused.Reason != "RUN_NOT_FINISHED" {
		t.Fatalf("deleting a live run: %v", err)
	}
	if _, err := client.Cancel(ctx, live, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Wait(ctx, live); err != nil {
		t.Fatal(err)
	}
	tombstone, err := client.Delete(ctx, live)
	if err != nil || tombstone.GetCause() != cairnv1.RunRemovalCause_RUN_REMOVAL_CAUSE_DELETE {
		t.Fatalf("tombstone %v, err %v", tombstone, err)
	}
	_, err = client.Get(ctx, live)
	var removed *cairn.Error
	if !errors.As(err, &removed) || removed.Code != codes.NotFound || removed.Reason != "RUN_REMOVED" ||
		removed.Metadata["removed_by"] != "delete" {
		t.Fatalf("get of a removed run: %v", err)
	}
}

func TestServerErrors(t *testing.T) {
	requireServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := shared.client(t).Submit(ctx, &cairnv1.WorkflowSpec{Name: "cycle", Steps: []*cairnv1.StepSpec{
		shellStep("a", "true", "a"),
	}}, "")
	var cairnErr *cairn.Error
	if !errors.As(err, &cairnErr) || cairnErr.Code != codes.InvalidArgument || cairnErr.Reason == "" {
		t.Errorf("cycle: got %v", err)
	}
	wrong, err := cairn.Dial(ctx, shared.target(), cairn.WithToken("wrong"))
	if err != nil {
		t.Fatal(err)
	}
	defer wrong.Close()
	_, err = wrong.Get(ctx, "any")
	if !errors.As(err, &cairnErr) || cairnErr.Code != codes.Unauthenticated {
		t.Errorf("wrong token: got %v", err)
	}
}
