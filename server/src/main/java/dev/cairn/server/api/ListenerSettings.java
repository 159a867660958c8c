package dev.cairn.server.api;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Derives Quarkus's listener settings from Cairn's where one Cairn setting means several Quarkus
 * ones, wherever the Cairn setting comes from ({@code -D}, {@code CAIRN_*}, a file):
 *
 * <ul>
 *   <li>{@code cairn.tls.certificate} and {@code cairn.tls.key} become the default TLS key store,
 *       and the port then serves TLS only (no second, plain-text port);
 *   <li>{@code cairn.max-spec-bytes} sets the largest gRPC message taken in: twice the largest spec
 *       (a submit may carry the file text and the spec), at least 4 MiB (gRPC's usual limit), so
 *       that a spec a few times over its limit gets the validator's INVALID_ARGUMENT naming the
 *       limit. A larger message is refused by the transport (RESOURCE_EXHAUSTED) before it is
 *       buffered whole: Vert.x holds each call's message in memory until it is complete, so the
 *       limit times the calls in flight is what a client can make the server hold.
 * </ul>
 *
 * Simple renamings ({@code cairn.port} to {@code quarkus.http.port}) are in {@code
 * application.properties}.
 */
public final class ListenerSettings implements ConfigSourceFactory {
  /** Above application.properties (250) and below the environment (300) and {@code -D} (400). */
  private static final int ORDINAL = 275;

  private static final int DEFAULT_MAX_SPEC_BYTES = 1 << 20;

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    // A factory sees the plain sources, not what another factory made: the settings file is read
    // here too, below what the plain sources say.
    Map<String, String> file = ConfigFile.read(context);
    Map<String, String> derived = new HashMap<>();
    String certificate = value(context, file, "cairn.tls.certificate");
    String key = value(context, file, "cairn.tls.key");
    // Files that cannot serve are left out here, so that the server refuses them in one line
    // (CairnServer) rather than Quarkus with a stack trace.
    if (certificate != null
        && key != null
        && tlsProblem(Path.of(certificate), Path.of(key)).isEmpty()) {
      derived.put("quarkus.tls.key-store.pem.cairn.cert", certificate);
      derived.put("quarkus.tls.key-store.pem.cairn.key", key);
      derived.put("quarkus.http.insecure-requests", "disabled");
    }
    derived.put(
        "quarkus.grpc.server.max-inbound-message-size",
        Integer.toString(maxInboundMessageBytes(maxSpecBytes(context, file))));
    return List.of(new PropertiesConfigSource(derived, "cairn-listener-settings", ORDINAL));
  }

  @Override
  public OptionalInt getPriority() {
    return OptionalInt.of(ORDINAL);
  }

  /** Twice the largest spec, at least 4 MiB, at most what an int holds. */
  static int maxInboundMessageBytes(int maxSpecBytes) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(4L << 20, 2L * maxSpecBytes));
  }

  /**
   * What keeps TLS files from serving, if anything: the certificate must parse as X.509 and the key
   * file must hold a PEM private key.
   */
  static Optional<String> tlsProblem(Path certificate, Path key) {
    try (InputStream in = Files.newInputStream(certificate)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        return Optional.of(certificate + " holds no certificate");
      }
      String pem = Files.readString(key, StandardCharsets.US_ASCII);
      return pem.contains("PRIVATE KEY-----")
          ? Optional.empty()
          : Optional.of(key + " holds no PEM private key");
    } catch (IOException | CertificateException | RuntimeException e) {
      return Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private static int maxSpecBytes(ConfigSourceContext context, Map<String, String> file) {
    String configured = value(context, file, "cairn.max-spec-bytes");
    if (configured == null) {
      return DEFAULT_MAX_SPEC_BYTES;
    }
    try {
      return Integer.parseInt(configured.trim());
    } catch (NumberFormatException e) {
      // CairnConfig refuses the value in its own words when the server starts.
      return DEFAULT_MAX_SPEC_BYTES;
    }
  }

  private static String value(ConfigSourceContext context, Map<String, String> file, String name) {
    ConfigValue value = context.getValue(name);
    String found =
        value == null || value.getValue() == null || value.getValue().isBlank()
            ? file.get(name)
            : value.getValue();
    return found == null || found.isBlank() ? null : found;
  }
}
