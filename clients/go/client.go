package cairn

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"iter"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

// Client is a connection to a Cairn server. It is safe for concurrent use.
type Client struct {
	conn             *grpc.ClientConn
	service          cairnv1.RunServiceClient
	reconnectTimeout time.Duration
	// Target is the address the client connects to.
	Target string
	// Secure reports whether the connection uses TLS.
	Secure bool
}

// Dial creates a client for target ("" means $CAIRN_SERVER, else DefaultTarget). By
// default the connection is made lazily on the first call, so Dial does not fail when the
// server is down; ctx only aborts Dial itself. WithBlockingDial or WithFailFast make Dial
// wait for the connection and fail when the server cannot be reached.
func Dial(ctx context.Context, target string, options ...Option) (*Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := settings{reconnectTimeout: time.Minute}
	for _, option := range options {
		option(&s)
	}
	target = ResolveTarget(target)
	if !s.tokenSet {
		s.token = DiscoverToken()
	}
	secure := s.transport == transportTLS || (s.transport == transportDefault && !IsLoopback(target))
	dialOptions := []grpc.DialOption{grpc.WithPerRPCCredentials(bearer{token: s.token})}
	if secure {
		config := s.tlsConfig
		if config == nil {
			config = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		dialOptions = append(dialOptions, grpc.WithTransportCredentials(credentials.NewTLS(config)))
	} else {
		dialOptions = append(dialOptions, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	conn, err := grpc.NewClient(target, append(dialOptions, s.dialOptions...)...)
	if err != nil {
		return nil, err
	}
	if s.readyTimeout > 0 {
		if err := awaitReady(ctx, conn, target, s.readyTimeout); err != nil {
			_ = conn.Close()
			return nil, err
		}
	}
	return &Client{
		conn:             conn,
		service:          cairnv1.NewRunServiceClient(conn),
		reconnectTimeout: s.reconnectTimeout,
		Target:           target,
		Secure:           secure,
	}, nil
}

// Close releases the connection; calls in progress fail.
func (c *Client) Close() error { return c.conn.Close() }

// Service exposes the generated stub for calls this wrapper does not cover.
func (c *Client) Service() cairnv1.RunServiceClient { return c.service }

// Submit starts a run of spec and returns its id. A repeated non-empty requestID returns
// the run created by the first submit.
func (c *Client) Submit(ctx context.Context, spec *cairnv1.WorkflowSpec, requestID string) (string, error) {
	response, err := c.service.SubmitRun(ctx, &cairnv1.SubmitRunRequest{Spec: spec, RequestId: requestID})
	if err != nil {
		return "", wrapError(err)
	}
	return response.GetRunId(), nil
}

// SubmitOptions are the values of a submit beside the workflow itself.
type SubmitOptions struct {
	// RequestID is the idempotency key: a repeat returns the run of the first submit.
	RequestID string
	// Params are values of the workflow's parameters; steps see each as CAIRN_PARAM_<name>.
	// A missing required or an unknown parameter is an *Error with code InvalidArgument.
	Params map[string]string
	// Labels are added over the workflow's own labels.
	Labels map[string]string
}

// SubmitWith starts a run of spec with parameter values and labels and returns its id.
func (c *Client) SubmitWith(ctx context.Context, spec *cairnv1.WorkflowSpec, options SubmitOptions) (string, error) {
	response, err := c.service.SubmitRun(ctx, &cairnv1.SubmitRunRequest{
		Spec: spec, RequestId: options.RequestID, Params: options.Params, Labels: options.Labels,
	})
	if err != nil {
		return "", wrapError(err)
	}
	return response.GetRunId(), nil
}

// RerunOptions say what of a finished run a rerun runs again.
type RerunOptions struct {
	// Steps run again with their downstream, succeeded or not; empty means every step that
	// did not succeed, with its downstream (a run that succeeded is then refused with
	// INVALID_ARGUMENT, reason NOTHING_TO_RERUN).
	Steps []string
	// RequestID is the idempotency key: a repeat returns the first rerun.
	RequestID string
	// Params replace the original run's parameter values; the others keep theirs.
	Params map[string]string
}

// Rerun takes a finished run up again as a new run linked to it (rerun_of) and returns the
// new run's id. The steps not rerun keep their results, outputs included, and start no
// process; the original run is never changed.
func (c *Client) Rerun(ctx context.Context, runID string, options RerunOptions) (string, error) {
	response, err := c.service.RerunRun(ctx, &cairnv1.RerunRunRequest{
		RunId: runID, Steps: options.Steps, RequestId: options.RequestID, Params: options.Params,
	})
	if err != nil {
		return "", wrapError(err)
	}
	return response.GetRunId(), nil
}

// Get returns the current state of a run.
func (c *Client) Get(ctx context.Context, runID string) (*cairnv1.Run, error) {
	response, err := c.service.GetRun(ctx, &cairnv1.GetRunRequest{RunId: runID})
	if err != nil {
		return nil, wrapError(err)
	}
	return response.GetRun(), nil
}

// ListFilter narrows List; the zero value lists every run.
type ListFilter struct {
	// Statuses keeps runs in one of these statuses; empty means all.
	Statuses []cairnv1.RunStatus
	// Name keeps runs of the workflow with exactly this name; empty means all.
	Name string
	// PageSize is the number of runs fetched per call; 0 lets the server choose.
	PageSize int32
	// Labels keeps runs carrying every one of these labels; empty means all.
	Labels map[string]string
}

// List yields every matching run, newest first, fetching pages as the loop advances.
// An error ends the sequence.
func (c *Client) List(ctx context.Context, filter ListFilter) iter.Seq2[*cairnv1.RunSummary, error] {
	return func(yield func(*cairnv1.RunSummary, error) bool) {
		request := &cairnv1.ListRunsRequest{
			Statuses: filter.Statuses,
			Name:     filter.Name,
			PageSize: filter.PageSize,
			Labels:   filter.Labels,
		}
		for {
			response, err := c.service.ListRuns(ctx, request)
			if err != nil {
				yield(nil, wrapError(err))
				return
			}
			for _, run := range response.GetRuns() {
				if !yield(run, nil) {
					return
				}
			}
			if response.GetNextPageToken() == "" {
				return
			}
			request.PageToken = response.GetNextPageToken()
		}
	}
}

// Cancel requests a cancel of the run and returns its status once the request is durable.
func (c *Client) Cancel(ctx context.Context, runID, reason string) (cairnv1.RunStatus, error) {
	response, err := c.service.CancelRun(ctx, &cairnv1.CancelRunRequest{RunId: runID, Reason: reason})
	if err != nil {
		return cairnv1.RunStatus_RUN_STATUS_UNSPECIFIED, wrapError(err)
	}
	return response.GetStatus(), nil
}

// Delete removes a finished run now: its events, its row and its output files, and
// returns the run's tombstone. A run that has not ended is refused with an *Error of
// code FailedPrecondition (reason RUN_NOT_FINISHED); a run removed before answers with
// its tombstone.
func (c *Client) Delete(ctx context.Context, runID string) (*cairnv1.DeleteRunResponse, error) {
	response, err := c.service.DeleteRun(ctx, &cairnv1.DeleteRunRequest{RunId: runID})
	if err != nil {
		return nil, wrapError(err)
	}
	return response, nil
}

// Logs yields chunks of an attempt's output (attempt 0 means the latest). With follow it
// waits for an attempt that has not started yet and keeps streaming until the attempt has
// finished; a step that ends without running (skipped, cancelled) ends it with an
// InvalidArgument error.
func (c *Client) Logs(ctx context.Context, runID, stepID string, attempt uint32, follow bool) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stream, err := c.service.StreamLogs(ctx, &cairnv1.StreamLogsRequest{
			RunId: runID, StepId: stepID, Attempt: attempt, Follow: follow,
		})
		if err != nil {
			yield(nil, wrapError(err))
			return
		}
		for {
			response, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(nil, wrapError(err))
				return
			}
			if !yield(response.GetData(), nil) {
				return
			}
		}
	}
}

// Wait blocks until the run is terminal and returns it. Bound it with the context.
func (c *Client) Wait(ctx context.Context, runID string) (*cairnv1.Run, error) {
	run, err := c.Get(ctx, runID)
	if err != nil {
		return nil, err
	}
	if IsTerminal(run.GetStatus()) {
		return run, nil
	}
	for event, err := range c.Watch(ctx, runID, run.GetLastSeq()) {
		if err != nil {
			return nil, err
		}
		if isTerminalEvent(event) {
			break
		}
	}
	return c.Get(ctx, runID)
}

// IsTerminal reports whether a run in this status will not change any more.
func IsTerminal(status cairnv1.RunStatus) bool {
	switch status {
	case cairnv1.RunStatus_RUN_STATUS_SUCCEEDED,
		cairnv1.RunStatus_RUN_STATUS_FAILED,
		cairnv1.RunStatus_RUN_STATUS_CANCELLED:
		return true
	}
	return false
}

func isTerminalEvent(event *cairnv1.Event) bool {
	switch event.GetPayload().(type) {
	case *cairnv1.Event_RunSucceeded, *cairnv1.Event_RunFailed, *cairnv1.Event_RunCancelled:
		return true
	}
	return false
}

// bearer sends the token with every call. Plaintext is allowed because loopback targets
// use it; Dial picks TLS for every other host unless told otherwise.
type bearer struct{ token string }

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	if b.token == "" {
		return nil, nil
	}
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

func (bearer) RequireTransportSecurity() bool { return false }
