// Package cairn is a client for the Cairn durable workflow engine.
//
// A Client submits workflows (as cairnv1.WorkflowSpec messages), inspects, lists and
// cancels runs, and follows their events and logs:
//
//	client, err := cairn.Dial(ctx, "") // $CAIRN_SERVER or 127.0.0.1:7420
//	if err != nil { ... }
//	defer client.Close()
//	runID, err := client.Submit(ctx, spec, "")
//	for event, err := range client.Watch(ctx, runID, 0) { ... }
//
// Watch survives a dropped stream: it reconnects and resumes after the last event it
// delivered. Errors from the server are *Error values carrying the gRPC code and the
// machine-readable reason; use errors.As to inspect them.
package cairn
