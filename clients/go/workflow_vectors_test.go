package cairn_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

// workflowVectors is where the shared workflow vectors are; each is parsed with
// base_dir vectorBaseDir (see the directory's README.md).
const (
	workflowVectors = testdata + "/workflows"
	vectorBaseDir   = "/srv/flows"
)

type vectorProblem struct {
	Line   int    `json:"line"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// TestServerWorkflowVectors sends every vector's text to a real server with validate_only
// and compares the resolved spec, or the problems, with the expectation. The Go client
// parses no YAML: the server's parser is the one the Java tests run directly.
func TestServerWorkflowVectors(t *testing.T) {
	requireServer(t)
	files, err := filepath.Glob(filepath.Join(workflowVectors, "*.yaml"))
	if err != nil || len(files) < 20 {
		t.Fatalf("vectors %v, err %v", files, err)
	}
	client := shared.client(t)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			response, err := client.Service().SubmitRun(ctx, &cairnv1.SubmitRunRequest{
				WorkflowYaml: string(text), BaseDir: vectorBaseDir, ValidateOnly: true})
			base := strings.TrimSuffix(file, ".yaml")
			if expected, readErr := os.ReadFile(base + ".json"); readErr == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				want := &cairnv1.WorkflowSpec{}
				if err := protojson.Unmarshal(expected, want); err != nil {
					t.Fatal(err)
				}
				if !proto.Equal(response.GetResolvedSpec(), want) {
					t.Errorf("resolved spec\n%v\nwant\n%v", response.GetResolvedSpec(), want)
				}
				return
			}
			checkProblems(t, base+".error.json", err)
		})
	}
}

func checkProblems(t *testing.T, expectationFile string, err error) {
	t.Helper()
	raw, readErr := os.ReadFile(expectationFile)
	if readErr != nil {
		t.Fatal(readErr)
	}
	var expected struct {
		Problems []vectorProblem `json:"problems"`
	}
	if err := json.Unmarshal(raw, &expected); err != nil || len(expected.Problems) == 0 {
		t.Fatalf("%s: %v", expectationFile, err)
	}
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.InvalidArgument {
		t.Fatalf("got %v, want InvalidArgument", err)
	}
	var info *errdetails.ErrorInfo
	for _, detail := range st.Details() {
		if found, isInfo := detail.(*errdetails.ErrorInfo); isInfo {
			info = found
		}
	}
	first := expected.Problems[0]
	if info.GetReason() != first.Reason || info.GetMetadata()["field"] != first.Field {
		t.Errorf("error info %v, want reason %q field %q", info, first.Reason, first.Field)
	}
	for _, problem := range expected.Problems {
		where := fmt.Sprintf("line %d: ", problem.Line)
		if problem.Field != "" {
			where += problem.Field + ": "
		}
		if !strings.Contains(st.Message(), where) {
			t.Errorf("message %q lacks %q", st.Message(), where)
		}
	}
}

// TestServerSubmitFileRunsTheDiamondExample submits examples/diamond-flaky.yaml from its
// file, as the Go example does, and checks that its working directory is the file's.
func TestServerSubmitFileRunsTheDiamondExample(t *testing.T) {
	requireServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := shared.client(t)
	path := filepath.Join("..", "..", "examples", "diamond-flaky.yaml")
	resolved, err := client.ValidateFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	runID, err := client.SubmitFile(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	run, err := client.Wait(ctx, runID)
	if err != nil || run.GetStatus() != cairnv1.RunStatus_RUN_STATUS_SUCCEEDED {
		t.Fatalf("run %v, err %v", run, err)
	}
	examples, _ := filepath.Abs(filepath.Dir(path))
	if !proto.Equal(run.GetSpec(), resolved) || resolved.GetWorkingDir() != examples {
		t.Errorf("run spec %v, resolved %v, want working_dir %s", run.GetSpec(), resolved, examples)
	}
	if _, err := client.SubmitFile(ctx, "no-such-file.yaml", ""); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file gave %v", err)
	}
}

func TestFileRequestCarriesTheTextAndTheAbsoluteDirectory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flow.yaml")
	text := "name: f\nworking_dir: .\nsteps: [{id: a, run: 'true'}]\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	request, err := cairn.FileRequest(filepath.Join(".", "x", "..", "flow.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if request.GetWorkflowYaml() != text || request.GetBaseDir() != dir || request.GetSpec() != nil {
		t.Errorf("request %v", request)
	}
	if err := os.WriteFile(path, []byte{'n', ':', ' ', 0xff}, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cairn.FileRequest(path); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("latin-1 file gave %v", err)
	}
}
