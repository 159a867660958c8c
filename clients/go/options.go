package cairn

import (
	"crypto/tls"
	"time"

	"google.golang.org/grpc"
)

// Option configures Dial.
type Option func(*settings)

type settings struct {
	token            string
	tokenSet         bool
	transport        transportMode
	tlsConfig        *tls.Config
	reconnectTimeout time.Duration
	dialOptions      []grpc.DialOption
}

// transportMode records an explicit choice; the zero value means "decide by the target".
type transportMode int

const (
	transportDefault transportMode = iota
	transportInsecure
	transportTLS
)

// WithToken sets the bearer token instead of discovering it from $CAIRN_TOKEN or the
// local server's token file.
func WithToken(token string) Option {
	return func(s *settings) {
		s.token = token
		s.tokenSet = true
	}
}

// WithInsecure uses plaintext HTTP/2. It is the default for loopback targets; for any
// other host it must be asked for explicitly, as the token then travels unencrypted.
func WithInsecure() Option {
	return func(s *settings) { s.transport = transportInsecure }
}

// WithTLS uses TLS with the given configuration (nil means the system roots). It is the
// default for targets that are not loopback addresses.
func WithTLS(config *tls.Config) Option {
	return func(s *settings) {
		s.transport = transportTLS
		s.tlsConfig = config
	}
}

// WithReconnectTimeout bounds how long Watch keeps reconnecting to an unreachable server
// before it reports the UNAVAILABLE error. The default is one minute.
func WithReconnectTimeout(timeout time.Duration) Option {
	return func(s *settings) { s.reconnectTimeout = timeout }
}

// WithDialOptions passes extra options to grpc.NewClient.
func WithDialOptions(options ...grpc.DialOption) Option {
	return func(s *settings) { s.dialOptions = append(s.dialOptions, options...) }
}
