package cairn_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cairn-run/cairn/clients/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// serverTests reports whether the tests that need a real server (bin/cairn) are selected.
var serverTests = os.Getenv("CAIRN_SERVER_TESTS") == "1"

// shared is the server the server-backed tests use, started by TestMain when selected.
var shared *cairnProcess

func TestMain(m *testing.M) {
	if !serverTests {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "cairn-go-client-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared = newCairnProcess(dir)
	if err := shared.start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting the server:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	if err := shared.stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping the server:", err)
		code = 1
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func requireServer(t *testing.T) {
	t.Helper()
	if !serverTests {
		t.Skip("needs a real Cairn server; set CAIRN_SERVER_TESTS=1")
	}
}

const (
	startTimeout = 60 * time.Second
	stopTimeout  = 30 * time.Second
)

// cairnProcess runs <repo>/bin/cairn as a child; its data directory and port survive restarts.
type cairnProcess struct {
	binary  string
	dir     string
	dataDir string
	port    int
	token   string
	cmd     *exec.Cmd
	exited  chan error
}

func newCairnProcess(dir string) *cairnProcess {
	binary, _ := filepath.Abs(filepath.Join("..", "..", "bin", "cairn"))
	return &cairnProcess{binary: binary, dir: dir, dataDir: filepath.Join(dir, "data")}
}

func (p *cairnProcess) target() string { return "127.0.0.1:" + strconv.Itoa(p.port) }

func (p *cairnProcess) start() error {
	if p.port == 0 {
		port, err := freePort()
		if err != nil {
			return err
		}
		p.port = port
	}
	if err := os.MkdirAll(p.dataDir, 0o700); err != nil {
		return err
	}
	log, err := os.OpenFile(filepath.Join(p.dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer log.Close()
	p.cmd = exec.Command(p.binary, "server", "--data-dir", p.dataDir, "--port", strconv.Itoa(p.port))
	p.cmd.Stdout, p.cmd.Stderr = log, log
	if err := p.cmd.Start(); err != nil {
		return err
	}
	p.exited = make(chan error, 1)
	go func(cmd *exec.Cmd, exited chan error) { exited <- cmd.Wait() }(p.cmd, p.exited)
	if err := p.awaitReady(); err != nil {
		_ = p.stop()
		return err
	}
	return nil
}

// awaitReady polls until the token file exists and the server says it is SERVING.
func (p *cairnProcess) awaitReady() error {
	deadline := time.Now().Add(startTimeout)
	var lastErr error
	for time.Now().Before(deadline) {
		select {
		case err := <-p.exited:
			p.exited <- err
			return fmt.Errorf("server exited early (%v): %s", err, p.logTail())
		default:
		}
		if content, err := os.ReadFile(filepath.Join(p.dataDir, "token")); err == nil && strings.TrimSpace(string(content)) != "" {
			p.token = strings.TrimSpace(string(content))
			if lastErr = p.ping(); lastErr == nil {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("server not ready after %s (%v): %s", startTimeout, lastErr, p.logTail())
}

// ping asks the standard health service, which needs no token and says SERVING once the
// server has recovered (its port takes calls before that).
func (p *cairnProcess) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := grpc.NewClient(p.target(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	response, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		return err
	}
	if response.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return fmt.Errorf("health: %v", response.GetStatus())
	}
	return nil
}

func (p *cairnProcess) stop() error {
	if p.cmd == nil {
		return nil
	}
	defer func() { p.cmd = nil }()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("server ignored SIGTERM for %s and was killed", stopTimeout)
	}
}

func (p *cairnProcess) restart() error {
	if err := p.stop(); err != nil {
		return err
	}
	return p.start()
}

func (p *cairnProcess) client(t *testing.T) *cairn.Client {
	t.Helper()
	client, err := cairn.Dial(context.Background(), p.target(), cairn.WithToken(p.token))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

func (p *cairnProcess) logTail() string {
	content, _ := os.ReadFile(filepath.Join(p.dir, "server.log"))
	if len(content) > 2000 {
		content = content[len(content)-2000:]
	}
	return string(content)
}

func freePort() (int, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port, nil
}
