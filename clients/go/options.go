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
	// readyTimeout, when positive, makes Dial connect and wait for READY that long.
	readyTimeout time.Duration
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

// WithBlockingDial makes Dial connect at once and wait up to timeout for the connection to
// become ready. A server that cannot be reached in that time (a wrong address, a server not
// started) fails Dial with an *Error of code Unavailable naming the target, instead of the
// first call. A non-positive timeout keeps the default: Dial connects lazily. Later drops
// are still retried as usual; only the first connection is waited for.
func WithBlockingDial(timeout time.Duration) Option {
	return func(s *settings) { s.readyTimeout = timeout }
}

// WithFailFast is WithBlockingDial(DefaultReadyTimeout).
func WithFailFast() Option {
	return WithBlockingDial(DefaultReadyTimeout)
}

// DefaultReadyTimeout is how long WithFailFast lets Dial wait for a connection.
const DefaultReadyTimeout = 5 * time.Second
