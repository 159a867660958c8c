package cairn

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"
)

// awaitReady connects conn and waits until it is READY, up to timeout or the end of ctx.
// It follows the connectivity state rather than making a call, so it needs no token and
// no RPC the server might reject.
func awaitReady(ctx context.Context, conn *grpc.ClientConn, target string, timeout time.Duration) error {
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn.Connect()
	for {
		state := conn.GetState()
		switch state {
		case connectivity.Ready:
			return nil
		case connectivity.Idle:
			// An idle channel connects only when asked; after a failed attempt it may
			// fall back to idle, so ask again.
			conn.Connect()
		case connectivity.Shutdown:
			return unreachable(target, timeout, state)
		}
		if !conn.WaitForStateChange(waitCtx, state) {
			if err := ctx.Err(); err != nil {
				return err
			}
			return unreachable(target, timeout, conn.GetState())
		}
	}
}

func unreachable(target string, timeout time.Duration, state connectivity.State) error {
	message := fmt.Sprintf("cannot reach the Cairn server at %s within %s (connection %s); is it running?",
		target, timeout, state)
	return wrapError(status.Error(codes.Unavailable, message))
}
