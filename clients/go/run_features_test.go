package cairn_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

// A run with parameters, labels and an output fails until a file exists; its rerun runs
// only the failed step and keeps the output.
func TestServerParamsLabelsOutputsAndRerun(t *testing.T) {
	requireServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := shared.client(t)
	flag := filepath.Join(t.TempDir(), "fixed")
	def := "fast"
	spec := &cairnv1.WorkflowSpec{
		Name:   "go-rerun",
		Labels: map[string]string{"team": "go"},
		Params: []*cairnv1.ParamSpec{{Name: "who"}, {Name: "mode", DefaultValue: &def}},
		Steps: []*cairnv1.StepSpec{
			shellStep("a", `echo "greeting=hello $CAIRN_PARAM_who" >> "$CAIRN_OUTPUT"`),
			{Id: "b", Command: &cairnv1.StepSpec_Run{Run: "test -f '" + flag + "'"}, DependsOn: []string{"a"}},
		},
	}
	if _, err := client.SubmitWith(ctx, spec, cairn.SubmitOptions{}); err == nil {
		t.Fatal("a submit without the required parameter was accepted")
	}
	runID, err := client.SubmitWith(ctx, spec, cairn.SubmitOptions{Params: map[string]string{"who": "$(id)"}, Labels: map[string]string{"batch": "go-1"}})
	if err != nil {
		t.Fatal(err)
	}
	first, err := client.Wait(ctx, runID)
	if err != nil || first.GetStatus() != cairnv1.RunStatus_RUN_STATUS_FAILED {
		t.Fatalf("first run %v, err %v", first, err)
	}
	if got := first.GetSteps()[0].GetOutputs()["greeting"]; got != "hello $(id)" {
		t.Errorf("output %q", got)
	}
	if err := os.WriteFile(flag, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	rerunID, err := client.Rerun(ctx, runID, cairn.RerunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rerun, err := client.Wait(ctx, rerunID)
	if err != nil || rerun.GetStatus() != cairnv1.RunStatus_RUN_STATUS_SUCCEEDED {
		t.Fatalf("rerun %v, err %v", rerun, err)
	}
	if rerun.GetRerunOf() != runID || rerun.GetSteps()[0].GetCarriedFromRunId() != runID {
		t.Errorf("rerun not linked: %v", rerun)
	}
	var started []string
	for event, err := range client.Watch(ctx, rerunID, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if s := event.GetStepStarted(); s != nil {
			started = append(started, s.GetStepId())
		}
	}
	if len(started) != 1 || started[0] != "b" {
		t.Errorf("the rerun started %v, want [b]", started)
	}
	var listed []string
	for summary, err := range client.List(ctx, cairn.ListFilter{Labels: map[string]string{"batch": "go-1"}, PageSize: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, summary.GetRunId())
	}
	if len(listed) != 2 || listed[0] != rerunID || listed[1] != runID {
		t.Errorf("listed %v, want [%s %s]", listed, rerunID, runID)
	}
}
