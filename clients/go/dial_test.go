package cairn_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/cairn-run/cairn/clients/go"
	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

// closedPort returns a loopback address that was just listened on and is now closed, so a
// connection to it is refused.
func closedPort(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	if err := listener.Close(); err != nil {
		t.Fatal(err)
	}
	return address
}

func TestBlockingDialFailsFastOnAClosedPort(t *testing.T) {
	address := closedPort(t)
	started := time.Now()
	client, err := cairn.Dial(context.Background(), address, cairn.WithToken("t"),
		cairn.WithBlockingDial(500*time.Millisecond))
	elapsed := time.Since(started)
	if err == nil {
		client.Close()
		t.Fatal("Dial succeeded against a closed port")
	}
	var cairnErr *cairn.Error
	if !errors.As(err, &cairnErr) || cairnErr.Code != codes.Unavailable {
		t.Fatalf("error %v, want an *Error with code Unavailable", err)
	}
	if !strings.Contains(err.Error(), "cannot reach the Cairn server at "+address) {
		t.Errorf("error %q does not name the target", err)
	}
	if elapsed > 2*time.Second {
		t.Errorf("Dial took %s with a 500ms timeout", elapsed)
	}
}

func TestFailFastGivesUpWithinItsDefault(t *testing.T) {
	address := closedPort(t)
	started := time.Now()
	_, err := cairn.Dial(context.Background(), address, cairn.WithToken("t"), cairn.WithFailFast())
	if err == nil {
		t.Fatal("Dial succeeded against a closed port")
	}
	if elapsed := time.Since(started); elapsed > cairn.DefaultReadyTimeout+time.Second {
		t.Errorf("Dial took %s", elapsed)
	}
}

func TestBlockingDialEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := cairn.Dial(ctx, closedPort(t), cairn.WithToken("t"), cairn.WithBlockingDial(time.Minute))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the context's deadline", err)
	}
}

func TestBlockingDialSucceedsAgainstALiveServer(t *testing.T) {
	server := startScripted(t)
	server.service.getRun = func(r *cairnv1.GetRunRequest) (*cairnv1.GetRunResponse, error) {
		return &cairnv1.GetRunResponse{Run: &cairnv1.Run{RunId: r.GetRunId()}}, nil
	}
	client, err := cairn.Dial(context.Background(), server.address, cairn.WithToken("t"),
		cairn.WithBlockingDial(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if _, err := client.Get(context.Background(), "r1"); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultDialDoesNotConnect(t *testing.T) {
	client, err := cairn.Dial(context.Background(), closedPort(t), cairn.WithToken("t"))
	if err != nil {
		t.Fatalf("lazy Dial failed: %v", err)
	}
	client.Close()
}
