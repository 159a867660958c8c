package cairn_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-run/cairn/clients/go"
)

func TestResolveTarget(t *testing.T) {
	t.Setenv("CAIRN_SERVER", "")
	if got := cairn.ResolveTarget(""); got != "127.0.0.1:7420" {
		t.Errorf("default target %q", got)
	}
	t.Setenv("CAIRN_SERVER", "env:1")
	if got := cairn.ResolveTarget(""); got != "env:1" {
		t.Errorf("environment target %q", got)
	}
	if got := cairn.ResolveTarget("given:2"); got != "given:2" {
		t.Errorf("explicit target %q", got)
	}
}

func TestDiscoverTokenFromEnvironmentThenDataDirThenXDG(t *testing.T) {
	dataDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dataDir, "token"), []byte("file-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CAIRN_TOKEN", "env-token")
	t.Setenv("CAIRN_DATA_DIR", dataDir)
	if got := cairn.DiscoverToken(); got != "env-token" {
		t.Errorf("with CAIRN_TOKEN: %q", got)
	}
	t.Setenv("CAIRN_TOKEN", "")
	if got := cairn.DiscoverToken(); got != "file-token" {
		t.Errorf("from CAIRN_DATA_DIR: %q", got)
	}

	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "cairn"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(xdg, "cairn", "token"), []byte("xdg-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CAIRN_DATA_DIR", "")
	t.Setenv("XDG_DATA_HOME", xdg)
	if got := cairn.DiscoverToken(); got != "xdg-token" {
		t.Errorf("from XDG_DATA_HOME: %q", got)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", t.TempDir())
	if got := cairn.DiscoverToken(); got != "" {
		t.Errorf("without any token: %q", got)
	}
}

func TestIsLoopback(t *testing.T) {
	for _, target := range []string{"127.0.0.1:7420", "localhost:1", "[::1]:7420", "dns:///localhost:1", "127.9.9.9:1"} {
		if !cairn.IsLoopback(target) {
			t.Errorf("%s should be loopback", target)
		}
	}
	for _, target := range []string{"example.com:443", "10.0.0.1:7420", "[2001:db8::1]:1"} {
		if cairn.IsLoopback(target) {
			t.Errorf("%s should not be loopback", target)
		}
	}
}

func TestTransportDefaultsAndOptions(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		target  string
		options []cairn.Option
		secure  bool
	}{
		{"loopback defaults to plaintext", "127.0.0.1:7420", nil, false},
		{"remote defaults to TLS", "cairn.example.com:443", nil, true},
		{"remote may opt out of TLS", "cairn.example.com:7420", []cairn.Option{cairn.WithInsecure()}, false},
		{"loopback may opt into TLS", "localhost:7420", []cairn.Option{cairn.WithTLS(nil)}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client, err := cairn.Dial(ctx, tc.target, append(tc.options, cairn.WithToken("t"))...)
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			if client.Secure != tc.secure || client.Target != tc.target {
				t.Errorf("got target %q secure %v, want %q %v", client.Target, client.Secure, tc.target, tc.secure)
			}
		})
	}
}

func TestDialHonoursACancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := cairn.Dial(ctx, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
