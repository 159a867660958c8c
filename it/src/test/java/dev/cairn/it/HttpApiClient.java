package dev.cairn.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The server's HTTP/JSON API over plain HTTP/1.1, as a browser reaches it. */
final class HttpApiClient {
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  HttpApiClient(ServerProcess server) {
    this.base = "http://" + server.target();
  }

  /** A complete answer. */
  record Answer(int status, String body, HttpResponse<String> response) {
    String header(String name) {
      return response.headers().firstValue(name).orElse("");
    }
  }

  /** One server-sent event: its id (null when it has none), type and data. */
  record Frame(String id, String event, String data) {}

  Answer get(String path, String token) {
    return send("GET", path, null, token);
  }

  Answer post(String path, String body, String token) {
    return send("POST", path, body, token);
  }

  Answer send(String method, String path, String body, String token) {
    return send(method, path, body, null, token);
  }

  /** With a Content-Type header, or none when {@code contentType} is null. */
  Answer send(String method, String path, String body, String contentType, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Opens an event stream; {@code lastEventId} resumes it as a reconnecting browser does. */
  Sse stream(String path, String token, String lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      HttpResponse<InputStream> response =
          client.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      return new Sse(response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An open event stream, read frame by frame; closing it drops the connection. */
  static final class Sse implements AutoCloseable {
    final HttpResponse<InputStream> response;
    private final BufferedReader reader;

    Sse(HttpResponse<InputStream> response) {
      this.response = response;
      this.reader =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** The next frame that has data, or null at the end of the stream. */
    Frame next() {
      String id = null;
      String event = "message";
      StringBuilder data = null;
      try {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (line.isEmpty()) {
            if (data != null) {
              return new Frame(id, event, data.toString());
            }
            id = null;
            event = "message";
            continue;
          }
          if (line.startsWith(":")) {
            continue;
          }
          int colon = line.indexOf(':');
          String field = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
          switch (field) {
            case "id" -> id = value;
            case "event" -> event = value;
            case "data" ->
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            default -> {}
          }
        }
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      try {
        response.body().close();
      } catch (IOException e) {
        // Dropping the connection is the point.
      }
    }
  }
}
