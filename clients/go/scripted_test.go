package cairn_test

import (
	"context"
	"net"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

// scriptedService is a real gRPC RunService on loopback whose answers each test scripts.
// It exercises transport, metadata, error details and stream resumption without the Cairn
// server; the engine itself is covered by the server-backed tests.
type scriptedService struct {
	cairnv1.UnimplementedRunServiceServer
	mu          sync.Mutex
	metadata    []metadata.MD
	getRun      func(*cairnv1.GetRunRequest) (*cairnv1.GetRunResponse, error)
	submitRun   func(*cairnv1.SubmitRunRequest) (*cairnv1.SubmitRunResponse, error)
	listRuns    func(*cairnv1.ListRunsRequest) (*cairnv1.ListRunsResponse, error)
	watchEvents func(*cairnv1.WatchEventsRequest, cairnv1.RunService_WatchEventsServer) error
	streamLogs  func(*cairnv1.StreamLogsRequest, cairnv1.RunService_StreamLogsServer) error
}

func (s *scriptedService) record(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.metadata = append(s.metadata, md)
}

func (s *scriptedService) GetRun(ctx context.Context, r *cairnv1.GetRunRequest) (*cairnv1.GetRunResponse, error) {
	s.record(ctx)
	return s.getRun(r)
}

func (s *scriptedService) SubmitRun(ctx context.Context, r *cairnv1.SubmitRunRequest) (*cairnv1.SubmitRunResponse, error) {
	s.record(ctx)
	return s.submitRun(r)
}

func (s *scriptedService) ListRuns(ctx context.Context, r *cairnv1.ListRunsRequest) (*cairnv1.ListRunsResponse, error) {
	s.record(ctx)
	return s.listRuns(r)
}

func (s *scriptedService) WatchEvents(r *cairnv1.WatchEventsRequest, stream cairnv1.RunService_WatchEventsServer) error {
	s.record(stream.Context())
	return s.watchEvents(r, stream)
}

func (s *scriptedService) StreamLogs(r *cairnv1.StreamLogsRequest, stream cairnv1.RunService_StreamLogsServer) error {
	s.record(stream.Context())
	return s.streamLogs(r, stream)
}

// scriptedServer serves a scriptedService; restart rebinds the same port.
type scriptedServer struct {
	t       *testing.T
	service *scriptedService
	address string
	server  *grpc.Server
}

func startScripted(t *testing.T) *scriptedServer {
	t.Helper()
	s := &scriptedServer{t: t, service: &scriptedService{}, address: "127.0.0.1:0"}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *scriptedServer) start() {
	listener, err := net.Listen("tcp", s.address)
	if err != nil {
		s.t.Fatal(err)
	}
	s.address = listener.Addr().String()
	s.server = grpc.NewServer()
	cairnv1.RegisterRunServiceServer(s.server, s.service)
	go func() { _ = s.server.Serve(listener) }()
}

func (s *scriptedServer) stop() {
	if s.server != nil {
		s.server.Stop()
		s.server = nil
	}
}

func (s *scriptedServer) client(t *testing.T, options ...cairn.Option) *cairn.Client {
	t.Helper()
	client, err := cairn.Dial(context.Background(), s.address, append([]cairn.Option{cairn.WithToken("secret")}, options...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

func event(seq uint64, terminal bool) *cairnv1.WatchEventsResponse {
	e := &cairnv1.Event{RunId: "r1", RunSeq: seq, GlobalSeq: 100 + seq}
	if terminal {
		e.Payload = &cairnv1.Event_RunSucceeded{RunSucceeded: &cairnv1.RunSucceeded{}}
	} else {
		e.Payload = &cairnv1.Event_StepStarted{StepStarted: &cairnv1.StepStarted{StepId: "s"}}
	}
	return &cairnv1.WatchEventsResponse{Event: e}
}
