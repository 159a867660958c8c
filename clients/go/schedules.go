package cairn

import (
	"context"
	"iter"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

// ScheduleOptions are what CreateSchedule takes beside the id, the workflow and the cron
// expression.
type ScheduleOptions struct {
	// TimeZone is the IANA zone the expression is read in; "" means UTC.
	TimeZone string
	// Params are values of the workflow's parameters for every run.
	Params map[string]string
	// Labels are added to every run, over the workflow's own.
	Labels map[string]string
	// Overlap is what a firing does while the previous run has not ended; unspecified means SKIP.
	Overlap cairnv1.OverlapPolicy
	// CatchUpWindow is how late a time may still start its run after downtime; nil means the
	// server's default (1 minute), a pointer to 0 means none.
	CatchUpWindow *time.Duration
	// Paused creates the schedule paused.
	Paused bool
}

// Schedules exposes the generated schedule stub for calls this wrapper does not cover.
func (c *Client) Schedules() cairnv1.ScheduleServiceClient {
	return cairnv1.NewScheduleServiceClient(c.conn)
}

// CreateSchedule records a schedule that runs spec at the times cron names (5 fields, or 6
// with seconds first). A bad expression, zone or spec is an *Error of code InvalidArgument;
// an id in use, AlreadyExists.
func (c *Client) CreateSchedule(ctx context.Context, id string, spec *cairnv1.WorkflowSpec, cron string, options ScheduleOptions) (*cairnv1.Schedule, error) {
	request := &cairnv1.CreateScheduleRequest{
		ScheduleId:    id,
		Spec:          spec,
		Cron:          cron,
		TimeZone:      options.TimeZone,
		Params:        options.Params,
		Labels:        options.Labels,
		OverlapPolicy: options.Overlap,
		Paused:        options.Paused,
	}
	if options.CatchUpWindow != nil {
		request.CatchUpWindow = durationpb.New(*options.CatchUpWindow)
	}
	response, err := c.Schedules().CreateSchedule(ctx, request)
	if err != nil {
		return nil, wrapError(err)
	}
	return response.GetSchedule(), nil
}

// ListSchedules yields every schedule by id, fetching pages as the loop advances. An error
// ends the sequence.
func (c *Client) ListSchedules(ctx context.Context) iter.Seq2[*cairnv1.Schedule, error] {
	return func(yield func(*cairnv1.Schedule, error) bool) {
		request := &cairnv1.ListSchedulesRequest{}
		for {
			response, err := c.Schedules().ListSchedules(ctx, request)
			if err != nil {
				yield(nil, wrapError(err))
				return
			}
			for _, schedule := range response.GetSchedules() {
				if !yield(schedule, nil) {
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

// GetSchedule describes a schedule: its next firings, its recent runs and its recent times
// that started no run.
func (c *Client) GetSchedule(ctx context.Context, id string) (*cairnv1.GetScheduleResponse, error) {
	response, err := c.Schedules().GetSchedule(ctx, &cairnv1.GetScheduleRequest{ScheduleId: id})
	return response, wrapError(err)
}

// PauseSchedule stops the schedule firing until it is resumed.
func (c *Client) PauseSchedule(ctx context.Context, id, note string) (*cairnv1.Schedule, error) {
	response, err := c.Schedules().PauseSchedule(ctx, &cairnv1.PauseScheduleRequest{ScheduleId: id, Note: note})
	if err != nil {
		return nil, wrapError(err)
	}
	return response.GetSchedule(), nil
}

// ResumeSchedule makes the schedule fire again from now on; times that fell while it was
// paused are not run.
func (c *Client) ResumeSchedule(ctx context.Context, id string) (*cairnv1.Schedule, error) {
	response, err := c.Schedules().ResumeSchedule(ctx, &cairnv1.ResumeScheduleRequest{ScheduleId: id})
	if err != nil {
		return nil, wrapError(err)
	}
	return response.GetSchedule(), nil
}

// DeleteSchedule deletes the schedule; the runs it started are kept.
func (c *Client) DeleteSchedule(ctx context.Context, id string) error {
	_, err := c.Schedules().DeleteSchedule(ctx, &cairnv1.DeleteScheduleRequest{ScheduleId: id})
	return wrapError(err)
}

// TriggerSchedule starts a run of the schedule now and returns its id; a repeated
// requestID returns the first trigger's run.
func (c *Client) TriggerSchedule(ctx context.Context, id, requestID string) (string, error) {
	response, err := c.Schedules().TriggerSchedule(ctx, &cairnv1.TriggerScheduleRequest{ScheduleId: id, RequestId: requestID})
	if err != nil {
		return "", wrapError(err)
	}
	return response.GetRunId(), nil
}
