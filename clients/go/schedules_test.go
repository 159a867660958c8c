package cairn_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	cairn "github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

func TestServerSchedules(t *testing.T) {
	requireServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := shared.client(t)
	spec := &cairnv1.WorkflowSpec{Name: "beat", Steps: []*cairnv1.StepSpec{shellStep("tick", "true")}}

	_, err := client.CreateSchedule(ctx, "go-beat", spec, "61 * * * *", cairn.ScheduleOptions{})
	var invalid *cairn.Error
	if !errors.As(err, &invalid) || invalid.Code != codes.InvalidArgument || invalid.Reason != "INVALID_CRON" {
		t.Fatalf("a bad cron expression: %v", err)
	}

	window := 5 * time.Second
	created, err := client.CreateSchedule(ctx, "go-beat", spec, "* * * * * *", cairn.ScheduleOptions{
		Overlap:       cairnv1.OverlapPolicy_OVERLAP_POLICY_ALLOW_ALL,
		CatchUpWindow: &window,
		Labels:        map[string]string{"from": "go"},
	})
	if err != nil || created.GetDefinition().GetCatchUpWindow().AsDuration() != window {
		t.Fatalf("created %v, err %v", created, err)
	}
	for {
		described, err := client.GetSchedule(ctx, "go-beat")
		if err != nil {
			t.Fatal(err)
		}
		if len(described.GetRecentRuns()) > 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("no firing in time")
		}
		time.Sleep(100 * time.Millisecond)
	}
	found := false
	for schedule, err := range client.ListSchedules(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		found = found || schedule.GetDefinition().GetScheduleId() == "go-beat"
	}
	if !found {
		t.Fatal("go-beat is not listed")
	}

	if paused, err := client.PauseSchedule(ctx, "go-beat", "quiet"); err != nil || !paused.GetPaused() {
		t.Fatalf("paused %v, err %v", paused, err)
	}
	first, err := client.TriggerSchedule(ctx, "go-beat", "k")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := client.TriggerSchedule(ctx, "go-beat", "k"); err != nil || again != first {
		t.Fatalf("a repeated trigger made %s (err %v), not %s", again, err, first)
	}
	if resumed, err := client.ResumeSchedule(ctx, "go-beat"); err != nil || resumed.GetPaused() {
		t.Fatalf("resumed %v, err %v", resumed, err)
	}
	if err := client.DeleteSchedule(ctx, "go-beat"); err != nil {
		t.Fatal(err)
	}
	_, err = client.GetSchedule(ctx, "go-beat")
	var missing *cairn.Error
	if !errors.As(err, &missing) || missing.Code != codes.NotFound || missing.Reason != "SCHEDULE_NOT_FOUND" {
		t.Fatalf("a deleted schedule: %v", err)
	}
}
