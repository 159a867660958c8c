package dev.cairn.server.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Code;
import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.GetRunRequest;
import dev.cairn.v1.ListRunsRequest;
import dev.cairn.v1.RerunRunRequest;
import dev.cairn.v1.RunStatus;
import dev.cairn.v1.SubmitRunRequest;
import io.quarkus.grpc.GrpcService;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The HTTP/JSON API under {@code /api/v1} that the web UI uses (docs/http-api.md), on the server's
 * one port beside gRPC. It is a thin adapter like the gRPC one: each unary call goes through the
 * gRPC service method itself ({@link RunService}, {@link ServerStatsService}), so threads, limits
 * and errors are the same; the streams ({@link HttpStreams}) are the same feeds as WatchEvents and
 * StreamLogs. Handlers run on the event loop and never block on it.
 *
 * <p>Every call needs {@code Authorization: Bearer <token>}, compared in constant time, except the
 * exchange of a one-time code for the token ({@link UiCodes}). No cookie is read or set, so a
 * cross-site request carries no credential.
 */
@Singleton
public class HttpApi {
  static final String PREFIX = "/api/v1";
  private static final Logger LOG = Logger.getLogger(HttpApi.class);
  private static final String SESSIONS = PREFIX + "/ui-sessions";

  /**
   * The page's headers: its scripts and styles come from this server only, and no other site may
   * frame it.
   */
  private static final String PAGE_POLICY =
      "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
          + " frame-ancestors 'none'; form-action 'none'";

  private final RunService runs;
  private final ServerStatsService stats;
  private final HttpStreams streams;
  private final byte[] token;
  private final UiCodes codes = new UiCodes();
  private final long maxBodyBytes;
  private final HostCheck hostCheck;
  private final RequestBudget budget;

  @Inject
  HttpApi(
      CairnServer server,
      CairnConfig config,
      io.vertx.core.Vertx vertx,
      @GrpcService RunService runs,
      @GrpcService ServerStatsService stats) {
    // The largest read answer: a run of the most steps, its spec, a few hundred bytes a step and
    // the most outputs a run may hold.
    this.budget =
        RequestBudget.forHeap(
            Runtime.getRuntime().maxMemory(),
            config.maxSpecBytes()
                + 256L * config.maxSteps()
                + dev.cairn.server.engine.StepOutputs.MAX_RUN_BYTES);
    budget.start(vertx);
    this.hostCheck = HostCheck.forListener(config.host(), config.allowedHosts().orElse(List.of()));
    this.runs = runs;
    this.stats = stats;
    this.streams = new HttpStreams(server);
    this.token = server.token().getBytes(StandardCharsets.UTF_8);
    // A workflow file as JSON-escaped text may be a few times its size; the service checks its
    // own limit on what it parses.
    this.maxBodyBytes = 4 * server.maxEventBytes();
  }

  void routes(@Observes Router router) {
    // Before quarkus-grpc's own route, which takes every gRPC call.
    router.route().order(-1004).handler(budget::handle);
    router.route().order(-1003).handler(MessageEncodings::handle);
    if (hostCheck != null) {
      // The page and its assets (one path segment), the API, health and metrics; not gRPC's
      // /package.Service/Method paths.
      router.routeWithRegex("/(api/.*|q/.*|[^/]*)").order(-1002).handler(hostCheck::handle);
    }
    router.route("/api/*").order(-1001).failureHandler(this::failed);
    router.route("/api/*").order(-1000).handler(this::authenticate);
    router.route(PREFIX + "/*").order(-999).handler(HttpApi::bodyIsJson);
    router
        .route(PREFIX + "/*")
        .order(-998)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    router.getWithRegex("/(index\\.html)?").order(-997).handler(HttpApi::pageHeaders);
    router.getWithRegex("/[^/]+\\.(js|css)").order(-997).handler(HttpApi::assetHeaders);

    router.get(PREFIX + "/runs").handler(this::listRuns);
    router.post(PREFIX + "/runs").handler(this::submitRun);
    router.get(PREFIX + "/runs/:runId").handler(this::getRun);
    router.post(PREFIX + "/runs/:runId/cancel").handler(this::cancelRun);
    router.post(PREFIX + "/runs/:runId/rerun").handler(this::rerunRun);
    router.get(PREFIX + "/runs/:runId/events").handler(streams::runEvents);
    router.get(PREFIX + "/events").handler(streams::allEvents);
    router.get(PREFIX + "/runs/:runId/steps/:stepId/output").handler(streams::output);
    router.get(PREFIX + "/server/stats").handler(this::serverStats);
    router.post(PREFIX + "/ui-codes").handler(this::issueCode);
    router.post(SESSIONS).handler(this::redeemCode);
    router
        .route("/api/*")
        .handler(
            context ->
                JsonReply.send(
                    context.response(),
                    HttpErrors.error(
                        404, Code.NOT_FOUND, "NO_SUCH_ENDPOINT", "no such endpoint", "")));
  }

  /**
   * Every body of this API is JSON, whatever its content type says: {@code curl -d} sends JSON as a
   * form, and Vert.x would decode a form's fields (refusing one over 1 KiB) instead of keeping the
   * body. A form's content type is dropped before the body is read.
   */
  private static void bodyIsJson(RoutingContext context) {
    String type = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null) {
      String lower = type.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("application/x-www-form-urlencoded")
          || lower.startsWith("multipart/form-data")) {
        context.request().headers().remove(HttpHeaders.CONTENT_TYPE);
      }
    }
    context.next();
  }

  /**
   * A failure in any handler of the API (a body over the limit, a bug) is answered as the API's
   * other errors are, a JSON object with the HTTP status, never Quarkus's text page.
   */
  private void failed(RoutingContext context) {
    if (context.response().ended()) {
      return;
    }
    int status = context.statusCode() < 400 ? 500 : context.statusCode();
    boolean answered = context.response().headWritten();
    if (answered || status >= 500) {
      LOG.errorf(
          context.failure(),
          "HTTP %s %s failed",
          context.request().method(),
          context.normalizedPath());
    }
    if (answered) {
      // A stream already answered 200: no status can follow, only the end of the connection.
      context.response().reset();
      return;
    }
    Code code =
        switch (status) {
          case 400 -> Code.INVALID_ARGUMENT;
          case 401 -> Code.UNAUTHENTICATED;
          case 403 -> Code.PERMISSION_DENIED;
          case 404 -> Code.NOT_FOUND;
          case 413 -> Code.RESOURCE_EXHAUSTED;
          default -> status < 500 ? Code.INVALID_ARGUMENT : Code.INTERNAL;
        };
    String message =
        switch (status) {
          case 413 -> "the request body is over the limit of " + maxBodyBytes + " bytes";
          default ->
              status >= 500 ? "internal error; the server's log has the details" : "bad request";
        };
    JsonReply.send(context.response(), HttpErrors.error(status, code, "", message, ""));
  }

  private void authenticate(RoutingContext context) {
    if (context.request().method() == HttpMethod.POST
        && SESSIONS.equals(context.normalizedPath())) {
      context.next();
      return;
    }
    String header = context.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      unauthenticated(
          context, "MISSING_TOKEN", "missing bearer token: send 'Authorization: Bearer <token>'");
      return;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token)) {
      unauthenticated(context, "INVALID_TOKEN", "invalid bearer token");
      return;
    }
    context.next();
  }

  private static void unauthenticated(RoutingContext context, String reason, String message) {
    context.response().putHeader("WWW-Authenticate", "Bearer");
    JsonReply.send(
        context.response(), HttpErrors.error(401, Code.UNAUTHENTICATED, reason, message, ""));
  }

  private static void pageHeaders(RoutingContext context) {
    context
        .response()
        .putHeader("Content-Security-Policy", PAGE_POLICY)
        .putHeader("Referrer-Policy", "no-referrer");
    assetHeaders(context);
  }

  /**
   * The page's files keep their names across versions: a browser asks again each time (a 304 when
   * unchanged) rather than keep last version's script for a day after an upgrade.
   */
  private static void assetHeaders(RoutingContext context) {
    context
        .response()
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Cache-Control", "no-cache");
    context.next();
  }

  private void listRuns(RoutingContext context) {
    ListRunsRequest.Builder request = ListRunsRequest.newBuilder();
    try {
      String size = context.queryParams().get("page_size");
      if (size != null) {
        request.setPageSize(HttpStreams.number(size, "page_size", 0, Integer.MAX_VALUE).intValue());
      }
      request.setPageToken(orEmpty(context.queryParams().get("page_token")));
      request.setName(orEmpty(context.queryParams().get("name")));
      for (String status : statuses(context.queryParams().getAll("status"))) {
        request.addStatuses(runStatus(status));
      }
    } catch (IllegalArgumentException e) {
      JsonReply.send(context.response(), HttpErrors.of(e));
      return;
    }
    runs.listRuns(request.build(), new JsonReply<>(context.response()));
  }

  private void getRun(RoutingContext context) {
    runs.getRun(
        GetRunRequest.newBuilder().setRunId(context.pathParam("runId")).build(),
        new JsonReply<>(context.response()));
  }

  private void submitRun(RoutingContext context) {
    SubmitRunRequest.Builder request = SubmitRunRequest.newBuilder();
    try {
      JsonFormat.parser().merge(bodyText(context), request);
    } catch (InvalidProtocolBufferException e) {
      badBody(context, HttpErrors.jsonProblem(e));
      return;
    }
    runs.submitRun(request.build(), new JsonReply<>(context.response()));
  }

  private void cancelRun(RoutingContext context) {
    String reason = "";
    String body = bodyText(context);
    if (!body.isBlank()) {
      try {
        reason = orEmpty(new JsonObject(body).getString("reason"));
      } catch (DecodeException | ClassCastException e) {
        badBody(context, "expected {\"reason\": \"...\"}");
        return;
      }
    }
    runs.cancelRun(
        CancelRunRequest.newBuilder()
            .setRunId(context.pathParam("runId"))
            .setReason(reason)
            .build(),
        new JsonReply<>(context.response()));
  }

  // The body is optional: without one, every step that did not succeed runs again. The run is
  // the one in the path, whatever the body says.
  private void rerunRun(RoutingContext context) {
    RerunRunRequest.Builder request = RerunRunRequest.newBuilder();
    String body = bodyText(context);
    if (!body.isBlank()) {
      try {
        JsonFormat.parser().merge(body, request);
      } catch (InvalidProtocolBufferException e) {
        badBody(context, HttpErrors.jsonProblem(e));
        return;
      }
    }
    request.setRunId(context.pathParam("runId"));
    runs.rerunRun(request.build(), new JsonReply<>(context.response()));
  }

  // Every counter is in memory: answered on the event loop, as the gRPC call is.
  private void serverStats(RoutingContext context) {
    try {
      JsonReply.send(context.response(), 200, JsonReply.json(stats.stats()));
    } catch (RuntimeException e) {
      JsonReply.send(context.response(), HttpErrors.of(e));
    }
  }

  private void issueCode(RoutingContext context) {
    codes
        .issue()
        .ifPresentOrElse(
            code ->
                JsonReply.send(
                    context.response(),
                    200,
                    new JsonObject()
                        .put("code", code)
                        .put("expiresInSeconds", UiCodes.VALIDITY_SECONDS)
                        .encode()),
            () ->
                JsonReply.send(
                    context.response(),
                    HttpErrors.error(
                        429,
                        Code.RESOURCE_EXHAUSTED,
                        "TOO_MANY_CODES",
                        "too many sign-in codes are outstanding; retry within a minute",
                        "")));
  }

  private void redeemCode(RoutingContext context) {
    String code;
    try {
      code = orEmpty(new JsonObject(bodyText(context)).getString("code"));
    } catch (DecodeException | ClassCastException e) {
      badBody(context, "expected {\"code\": \"...\"}");
      return;
    }
    if (code.isEmpty() || !codes.redeem(code)) {
      unauthenticated(
          context,
          "INVALID_CODE",
          "the sign-in code is unknown, used or expired; run 'cairn ui' again or enter the token");
      return;
    }
    JsonReply.send(
        context.response(),
        200,
        new JsonObject().put("token", new String(token, StandardCharsets.UTF_8)).encode());
  }

  private static void badBody(RoutingContext context, String message) {
    JsonReply.send(context.response(), HttpErrors.badBody(message));
  }

  private static String bodyText(RoutingContext context) {
    return context.body() == null || context.body().buffer() == null
        ? ""
        : context.body().asString();
  }

  /** Statuses given as repeated parameters or comma-separated. */
  private static List<String> statuses(List<String> values) {
    return values.stream()
        .flatMap(value -> java.util.Arrays.stream(value.split(",")))
        .map(String::trim)
        .filter(value -> !value.isEmpty())
        .toList();
  }

  /** A run status by its enum name, with or without the {@code RUN_STATUS_} prefix. */
  static RunStatus runStatus(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    String full = upper.startsWith("RUN_STATUS_") ? upper : "RUN_STATUS_" + upper;
    try {
      RunStatus status = RunStatus.valueOf(full);
      if (status != RunStatus.UNRECOGNIZED && status != RunStatus.RUN_STATUS_UNSPECIFIED) {
        return status;
      }
    } catch (IllegalArgumentException unknown) {
      // Reported below, naming the accepted values.
    }
    throw new IllegalArgumentException(
        "unknown status '"
            + name
            + "': expected RUNNING, CANCELLING, SUCCEEDED, FAILED or CANCELLED");
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
