package dev.cairn.server.api;

import com.google.rpc.Code;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Against DNS rebinding: a web page on another site that makes its own name resolve to 127.0.0.1
 * can have the browser send requests to a server on loopback, and read the answers, as its own
 * origin. On a loopback listener, an HTTP request must therefore name a loopback host ({@code
 * localhost}, {@code *.localhost}, {@code 127.x.x.x}, {@code [::1]}), the configured host, or one
 * of {@code cairn.allowed-hosts} (a reverse proxy that passes its own name); others get 403. A
 * listener on another address (which needs TLS) is reached by names this server cannot know, and is
 * not checked. gRPC is not checked either: a browser cannot make a gRPC call.
 */
final class HostCheck {
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

  private final Set<String> allowed;

  private HostCheck(Set<String> allowed) {
    this.allowed = allowed;
  }

  /** The check for a listener on {@code host}, or null when requests need none. */
  static HostCheck forListener(String host, List<String> allowedHosts) {
    try {
      if (!InetAddress.getByName(host).isLoopbackAddress()) {
        return null;
      }
    } catch (UnknownHostException e) {
      return null;
    }
    Set<String> allowed =
        allowedHosts.stream()
            .map(name -> bare(name.strip().toLowerCase(Locale.ROOT)))
            .filter(name -> !name.isEmpty())
            .collect(Collectors.toSet());
    allowed.add(bare(host.toLowerCase(Locale.ROOT)));
    return new HostCheck(Set.copyOf(allowed));
  }

  /** Whether a request naming {@code host} (without its port) may be served. */
  boolean allows(String host) {
    String name = bare(host.toLowerCase(Locale.ROOT));
    return name.equals("localhost")
        || name.endsWith(".localhost")
        || name.equals("::1")
        || IPV4_LOOPBACK.matcher(name).matches()
        || allowed.contains(name);
  }

  /** Passes the request on, or answers 403 when it names a host this listener does not serve. */
  void handle(RoutingContext context) {
    HostAndPort authority = context.request().authority();
    // A request with no Host at all does not come from a browser.
    if (authority == null || allows(authority.host())) {
      context.next();
      return;
    }
    JsonReply.send(
        context.response(),
        HttpErrors.error(
            403,
            Code.PERMISSION_DENIED,
            "HOST_NOT_ALLOWED",
            "this server is on a loopback address and answers requests for 127.0.0.1 or"
                + " localhost; a reverse proxy's host name goes in cairn.allowed-hosts",
            ""));
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
