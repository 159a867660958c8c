package cairn_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

func TestBearerTokenIsSent(t *testing.T) {
	server := startScripted(t)
	server.service.getRun = func(r *cairnv1.GetRunRequest) (*cairnv1.GetRunResponse, error) {
		return &cairnv1.GetRunResponse{Run: &cairnv1.Run{RunId: r.GetRunId()}}, nil
	}
	run, err := server.client(t).Get(context.Background(), "r7")
	if err != nil {
		t.Fatal(err)
	}
	if run.GetRunId() != "r7" {
		t.Errorf("run id %q", run.GetRunId())
	}
	if got := server.service.metadata[0].Get("authorization"); !reflect.DeepEqual(got, []string{"Bearer secret"}) {
		t.Errorf("authorization metadata %v", got)
	}
}

func TestRichErrorsKeepCodeAndReason(t *testing.T) {
	server := startScripted(t)
	server.service.submitRun = func(*cairnv1.SubmitRunRequest) (*cairnv1.SubmitRunResponse, error) {
		st, err := status.New(codes.InvalidArgument, "cycle: a -> a").WithDetails(
			&errdetails.ErrorInfo{Reason: "CYCLE", Domain: "cairn.dev", Metadata: map[string]string{"k": "v"}})
		if err != nil {
			return nil, err
		}
		return nil, st.Err()
	}
	_, err := server.client(t).Submit(context.Background(), &cairnv1.WorkflowSpec{Name: "x"}, "")

	var cairnErr *cairn.Error
	if !errors.As(err, &cairnErr) {
		t.Fatalf("got %T %v, want *cairn.Error", err, err)
	}
	if cairnErr.Code != codes.InvalidArgument || cairnErr.Reason != "CYCLE" || cairnErr.Message != "cycle: a -> a" {
		t.Errorf("got %+v", cairnErr)
	}
	if cairnErr.Metadata["k"] != "v" || status.Code(err) != codes.InvalidArgument {
		t.Errorf("metadata %v, status code %v", cairnErr.Metadata, status.Code(err))
	}
}

func TestPlainErrorHasNoReason(t *testing.T) {
	server := startScripted(t)
	server.service.getRun = func(*cairnv1.GetRunRequest) (*cairnv1.GetRunResponse, error) {
		return nil, status.Error(codes.NotFound, "no run r9")
	}
	_, err := server.client(t).Get(context.Background(), "r9")
	var cairnErr *cairn.Error
	if !errors.As(err, &cairnErr) || cairnErr.Code != codes.NotFound || cairnErr.Reason != "" {
		t.Errorf("got %v", err)
	}
}

func TestListIteratesEveryPage(t *testing.T) {
	server := startScripted(t)
	pages := map[string]*cairnv1.ListRunsResponse{
		"":   {Runs: []*cairnv1.RunSummary{{RunId: "a"}, {RunId: "b"}}, NextPageToken: "p2"},
		"p2": {Runs: []*cairnv1.RunSummary{{RunId: "c"}}},
	}
	var filters []*cairnv1.ListRunsRequest
	server.service.listRuns = func(r *cairnv1.ListRunsRequest) (*cairnv1.ListRunsResponse, error) {
		filters = append(filters, r)
		return pages[r.GetPageToken()], nil
	}
	var ids []string
	filter := cairn.ListFilter{Statuses: []cairnv1.RunStatus{cairnv1.RunStatus_RUN_STATUS_FAILED}, Name: "n"}
	for run, err := range server.client(t).List(context.Background(), filter) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, run.GetRunId())
	}
	if !reflect.DeepEqual(ids, []string{"a", "b", "c"}) {
		t.Errorf("ids %v", ids)
	}
	if filters[1].GetName() != "n" || len(filters[1].GetStatuses()) != 1 {
		t.Errorf("filter not repeated on the second page: %v", filters[1])
	}
}

func TestWatchResumesAfterADroppedStream(t *testing.T) {
	testWatchResumesAfter(t, codes.Unavailable)
}

func TestWatchResumesWhenTheServerEndsItForFallingBehind(t *testing.T) {
	testWatchResumesAfter(t, codes.Aborted)
}

func testWatchResumesAfter(t *testing.T, code codes.Code) {
	server := startScripted(t)
	var mu sync.Mutex
	var afterSeqs []uint64
	server.service.watchEvents = func(r *cairnv1.WatchEventsRequest, stream cairnv1.RunService_WatchEventsServer) error {
		mu.Lock()
		afterSeqs = append(afterSeqs, r.GetAfterSeq())
		first := len(afterSeqs) == 1
		mu.Unlock()
		end := uint64(5)
		if first {
			end = 3
		}
		for seq := r.GetAfterSeq() + 1; seq <= end; seq++ {
			if err := stream.Send(event(seq, seq == 5)); err != nil {
				return err
			}
		}
		if first {
			return status.Error(code, "server restarting")
		}
		return nil
	}
	var seqs []uint64
	for e, err := range server.client(t).Watch(context.Background(), "r1", 0) {
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, e.GetRunSeq())
	}
	if !reflect.DeepEqual(seqs, []uint64{1, 2, 3, 4, 5}) || !reflect.DeepEqual(afterSeqs, []uint64{0, 3}) {
		t.Errorf("seqs %v, resume points %v", seqs, afterSeqs)
	}
}

func TestWatchAllResumesByGlobalSeqAndDropsReplayedEvents(t *testing.T) {
	server := startScripted(t)
	var requests []*cairnv1.WatchEventsRequest
	server.service.watchEvents = func(r *cairnv1.WatchEventsRequest, stream cairnv1.RunService_WatchEventsServer) error {
		requests = append(requests, r)
		// Replays from the start every time: the client must still not repeat events.
		for seq := uint64(1); seq <= 3; seq++ {
			if err := stream.Send(event(seq, seq == 3)); err != nil {
				return err
			}
			if len(requests) == 1 && seq == 2 {
				return status.Error(codes.Unavailable, "drop")
			}
		}
		return nil
	}
	var globals []uint64
	for e, err := range server.client(t).Watch(context.Background(), "", 100, cairn.StoredOnly()) {
		if err != nil {
			t.Fatal(err)
		}
		globals = append(globals, e.GetGlobalSeq())
	}
	if !reflect.DeepEqual(globals, []uint64{101, 102, 103}) {
		t.Errorf("global seqs %v", globals)
	}
	if requests[0].GetFollow() || requests[1].GetAfterSeq() != 102 || requests[1].GetRunId() != "" {
		t.Errorf("requests %v", requests)
	}
}

func TestWatchSurvivesAServerRestart(t *testing.T) {
	server := startScripted(t)
	sent := make(chan struct{})
	server.service.watchEvents = func(r *cairnv1.WatchEventsRequest, stream cairnv1.RunService_WatchEventsServer) error {
		if r.GetAfterSeq() == 0 {
			if err := stream.Send(event(1, false)); err != nil {
				return err
			}
			close(sent)
			<-stream.Context().Done() // held open until the server is stopped under it
			return stream.Context().Err()
		}
		for seq := r.GetAfterSeq() + 1; seq <= 3; seq++ {
			if err := stream.Send(event(seq, seq == 3)); err != nil {
				return err
			}
		}
		return nil
	}
	client := server.client(t)
	var seqs []uint64
	for e, err := range client.Watch(context.Background(), "r1", 0) {
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, e.GetRunSeq())
		if e.GetRunSeq() == 1 {
			<-sent
			server.stop()
			server.start()
		}
	}
	if !reflect.DeepEqual(seqs, []uint64{1, 2, 3}) {
		t.Errorf("seqs %v", seqs)
	}
}

func TestWatchGivesUpAfterTheReconnectTimeout(t *testing.T) {
	client, err := cairn.Dial(context.Background(), "127.0.0.1:1", cairn.WithToken("t"),
		cairn.WithReconnectTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	for _, err := range client.Watch(context.Background(), "r1", 0) {
		var cairnErr *cairn.Error
		if !errors.As(err, &cairnErr) || cairnErr.Code != codes.Unavailable {
			t.Fatalf("got %v, want UNAVAILABLE", err)
		}
		return
	}
	t.Fatal("watch ended without an error")
}

func TestWatchStopsWhenTheContextIsCancelled(t *testing.T) {
	server := startScripted(t)
	server.service.watchEvents = func(r *cairnv1.WatchEventsRequest, stream cairnv1.RunService_WatchEventsServer) error {
		if err := stream.Send(event(1, false)); err != nil {
			return err
		}
		<-stream.Context().Done()
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	count := 0
	for _, err := range server.client(t).Watch(ctx, "r1", 0) {
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("got %v, want context.Canceled", err)
			}
			break
		}
		count++
		cancel()
	}
	if count != 1 {
		t.Errorf("events before cancel: %d", count)
	}
}

func TestWaitReturnsTheTerminalRun(t *testing.T) {
	server := startScripted(t)
	var mu sync.Mutex
	current := cairnv1.RunStatus_RUN_STATUS_RUNNING
	server.service.getRun = func(*cairnv1.GetRunRequest) (*cairnv1.GetRunResponse, error) {
		mu.Lock()
		defer mu.Unlock()
		return &cairnv1.GetRunResponse{Run: &cairnv1.Run{RunId: "r1", Status: current, LastSeq: 1}}, nil
	}
	server.service.watchEvents = func(r *cairnv1.WatchEventsRequest, stream cairnv1.RunService_WatchEventsServer) error {
		if r.GetAfterSeq() != 1 {
			return status.Errorf(codes.InvalidArgument, "after_seq %d", r.GetAfterSeq())
		}
		mu.Lock()
		current = cairnv1.RunStatus_RUN_STATUS_SUCCEEDED
		mu.Unlock()
		return stream.Send(event(2, true))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	run, err := server.client(t).Wait(ctx, "r1")
	if err != nil || run.GetStatus() != cairnv1.RunStatus_RUN_STATUS_SUCCEEDED {
		t.Errorf("run %v, err %v", run, err)
	}
}

func TestLogsYieldBytes(t *testing.T) {
	server := startScripted(t)
	server.service.streamLogs = func(r *cairnv1.StreamLogsRequest, stream cairnv1.RunService_StreamLogsServer) error {
		for _, chunk := range []string{"hel", "lo\n"} {
			if err := stream.Send(&cairnv1.StreamLogsResponse{Data: []byte(chunk)}); err != nil {
				return err
			}
		}
		return nil
	}
	var output []byte
	for chunk, err := range server.client(t).Logs(context.Background(), "r1", "a", 0, true) {
		if err != nil {
			t.Fatal(err)
		}
		output = append(output, chunk...)
	}
	if string(output) != "hello\n" {
		t.Errorf("output %q", output)
	}
}
