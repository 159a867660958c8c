package cairn

import (
	"context"
	"errors"
	"io"
	"iter"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

// WatchOption configures Watch.
type WatchOption func(*watchSettings)

type watchSettings struct{ noFollow bool }

// StoredOnly ends the watch after the stored events instead of following live ones.
func StoredOnly() WatchOption {
	return func(s *watchSettings) { s.noFollow = true }
}

// Watch yields events after afterSeq: one run's, resumed by per-run sequence number, or
// every run's (runID "") by global sequence number. A one-run watch ends after the run's
// terminal event. When the stream drops with UNAVAILABLE (a server restart, a network
// blip) or ABORTED (the server ended it because the caller fell too far behind, reason
// WATCHER_TOO_SLOW), Watch reconnects with backoff and resumes after the last event it
// yielded, so no event is skipped or repeated. An error ends the sequence.
func (c *Client) Watch(ctx context.Context, runID string, afterSeq uint64, options ...WatchOption) iter.Seq2[*cairnv1.Event, error] {
	var s watchSettings
	for _, option := range options {
		option(&s)
	}
	return func(yield func(*cairnv1.Event, error) bool) {
		lastSeq := afterSeq
		delay := initialReconnectDelay
		var unavailableSince time.Time
		for {
			progressed, done, err := c.watchOnce(ctx, runID, &lastSeq, !s.noFollow, yield)
			if done {
				return
			}
			if !resumable(status.Code(err)) {
				yield(nil, wrapError(err))
				return
			}
			if progressed {
				delay = initialReconnectDelay
				unavailableSince = time.Time{}
			}
			if unavailableSince.IsZero() {
				unavailableSince = time.Now()
			} else if time.Since(unavailableSince) > c.reconnectTimeout {
				yield(nil, wrapError(err))
				return
			}
			timer := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				timer.Stop()
				yield(nil, ctx.Err())
				return
			case <-timer.C:
			}
			delay = min(delay*2, maxReconnectDelay)
		}
	}
}

// resumable says whether a broken stream is resumed: Unavailable (a server restart, a
// network blip) and Aborted (the server ended a watcher that fell too far behind, reason
// WATCHER_TOO_SLOW).
func resumable(code codes.Code) bool {
	return code == codes.Unavailable || code == codes.Aborted
}

// watchBatch is how many events a watch asks the server to put in one message: one
// message per event would bound a catch-up on a long history by the per-message cost.
const watchBatch = 1024

const (
	initialReconnectDelay = 100 * time.Millisecond
	maxReconnectDelay     = 2 * time.Second
)

// watchOnce runs one stream. done means the sequence is over (normal end, or the consumer
// stopped); otherwise err says why the stream broke.
func (c *Client) watchOnce(
	ctx context.Context, runID string, lastSeq *uint64, follow bool,
	yield func(*cairnv1.Event, error) bool,
) (progressed, done bool, err error) {
	streamCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.service.WatchEvents(streamCtx, &cairnv1.WatchEventsRequest{
		RunId: runID, AfterSeq: *lastSeq, Follow: follow, MaxBatch: watchBatch,
	})
	if err != nil {
		return false, false, err
	}
	for {
		response, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return progressed, true, nil
		}
		if err != nil {
			return progressed, false, err
		}
		// Events come in batches; a server that predates them sends each alone in Event.
		events := response.GetEvents()
		if len(events) == 0 {
			events = []*cairnv1.Event{response.GetEvent()}
		}
		for _, event := range events {
			seq := event.GetGlobalSeq()
			if runID != "" {
				seq = event.GetRunSeq()
			}
			// A resumed stream starts after lastSeq; dropping anything at or below it keeps
			// the no-duplicate promise even against a server that replays too much.
			if seq <= *lastSeq {
				continue
			}
			*lastSeq = seq
			progressed = true
			if !yield(event, nil) {
				return progressed, true, nil
			}
		}
	}
}
