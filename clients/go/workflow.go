package cairn

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"

	cairnv1 "github.com/cairn-run/cairn/clients/go/gen/cairn/v1"
)

// FileRequest is the SubmitRunRequest for the workflow file at path: the file's text and
// its absolute directory (base_dir), against which a relative working_dir resolves and
// which is the default working directory. The client does not parse the file: the server
// does, with the one parser of the format, so a file means the same from Go, Python and
// the CLI.
func FileRequest(path string) (*cairnv1.SubmitRunRequest, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(text) {
		return nil, fmt.Errorf("%s: not valid UTF-8", path)
	}
	// Abs cleans without resolving symbolic links, as the CLI and the Python client do, so
	// the three send the same directory for the same file.
	absolute, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	return &cairnv1.SubmitRunRequest{WorkflowYaml: string(text), BaseDir: filepath.Dir(absolute)}, nil
}

// SubmitFile starts a run of the workflow file at path and returns its id. A repeated
// non-empty requestID returns the run created by the first submit. A file the server's
// parser refuses gives an *Error with code InvalidArgument whose message names the line
// and field of every problem.
func (c *Client) SubmitFile(ctx context.Context, path string, requestID string) (string, error) {
	request, err := FileRequest(path)
	if err != nil {
		return "", err
	}
	request.RequestId = requestID
	response, err := c.service.SubmitRun(ctx, request)
	if err != nil {
		return "", wrapError(err)
	}
	return response.GetRunId(), nil
}

// ValidateFile checks the workflow file at path without recording anything and returns the
// spec it resolves to on the server.
func (c *Client) ValidateFile(ctx context.Context, path string) (*cairnv1.WorkflowSpec, error) {
	request, err := FileRequest(path)
	if err != nil {
		return nil, err
	}
	request.ValidateOnly = true
	response, err := c.service.SubmitRun(ctx, request)
	if err != nil {
		return nil, wrapError(err)
	}
	return response.GetResolvedSpec(), nil
}
