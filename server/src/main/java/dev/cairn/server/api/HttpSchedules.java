package dev.cairn.server.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.cairn.v1.CreateScheduleRequest;
import dev.cairn.v1.DeleteScheduleRequest;
import dev.cairn.v1.GetScheduleRequest;
import dev.cairn.v1.ListSchedulesRequest;
import dev.cairn.v1.PauseScheduleRequest;
import dev.cairn.v1.ResumeScheduleRequest;
import dev.cairn.v1.TriggerScheduleRequest;
import io.quarkus.grpc.GrpcService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The schedules in the HTTP/JSON API (docs/http-api.md), beside {@link HttpApi}'s runs: each call
 * goes through the {@link ScheduleService} method itself, so threads, limits and errors are the
 * gRPC ones. The routes come after {@link HttpApi}'s authentication and body handlers (which cover
 * every {@code /api/*} path) and before its catch-all answer for unknown endpoints.
 */
@Singleton
public class HttpSchedules {
  /** Between HttpApi's handlers of every path (-1000, -999) and its routes of no set order. */
  private static final int ORDER = -500;

  private static final String SCHEDULES = HttpApi.PREFIX + "/schedules";

  private final ScheduleService schedules;

  @Inject
  HttpSchedules(@GrpcService ScheduleService schedules) {
    this.schedules = schedules;
  }

  void routes(@Observes Router router) {
    router.get(SCHEDULES).order(ORDER).handler(this::list);
    router.post(SCHEDULES).order(ORDER).handler(this::create);
    router.get(SCHEDULES + "/:id").order(ORDER).handler(this::get);
    router.delete(SCHEDULES + "/:id").order(ORDER).handler(this::delete);
    router.post(SCHEDULES + "/:id/pause").order(ORDER).handler(this::pause);
    router.post(SCHEDULES + "/:id/resume").order(ORDER).handler(this::resume);
    router.post(SCHEDULES + "/:id/trigger").order(ORDER).handler(this::trigger);
  }

  private void list(RoutingContext context) {
    ListSchedulesRequest.Builder request = ListSchedulesRequest.newBuilder();
    try {
      request.setPageSize(
          HttpStreams.number(
                  context.queryParams().get("page_size"), "page_size", 0, Integer.MAX_VALUE)
              .intValue());
      String token = context.queryParams().get("page_token");
      request.setPageToken(token == null ? "" : token);
    } catch (IllegalArgumentException e) {
      JsonReply.send(context.response(), HttpErrors.of(e));
      return;
    }
    schedules.listSchedules(request.build(), new JsonReply<>(context.response()));
  }

  private void create(RoutingContext context) {
    CreateScheduleRequest.Builder request = CreateScheduleRequest.newBuilder();
    if (parse(context, request)) {
      schedules.createSchedule(request.build(), new JsonReply<>(context.response()));
    }
  }

  private void get(RoutingContext context) {
    GetScheduleRequest.Builder request =
        GetScheduleRequest.newBuilder().setScheduleId(context.pathParam("id"));
    try {
      request.setNextCount(
          HttpStreams.number(context.queryParams().get("next_count"), "next_count", 0, 100)
              .intValue());
      request.setRecentCount(
          HttpStreams.number(context.queryParams().get("recent_count"), "recent_count", 0, 100)
              .intValue());
    } catch (IllegalArgumentException e) {
      JsonReply.send(context.response(), HttpErrors.of(e));
      return;
    }
    schedules.getSchedule(request.build(), new JsonReply<>(context.response()));
  }

  private void delete(RoutingContext context) {
    schedules.deleteSchedule(
        DeleteScheduleRequest.newBuilder().setScheduleId(context.pathParam("id")).build(),
        new JsonReply<>(context.response()));
  }

  private void pause(RoutingContext context) {
    PauseScheduleRequest.Builder request = PauseScheduleRequest.newBuilder();
    if (parse(context, request)) {
      schedules.pauseSchedule(
          request.setScheduleId(context.pathParam("id")).build(),
          new JsonReply<>(context.response()));
    }
  }

  private void resume(RoutingContext context) {
    schedules.resumeSchedule(
        ResumeScheduleRequest.newBuilder().setScheduleId(context.pathParam("id")).build(),
        new JsonReply<>(context.response()));
  }

  private void trigger(RoutingContext context) {
    TriggerScheduleRequest.Builder request = TriggerScheduleRequest.newBuilder();
    if (parse(context, request)) {
      schedules.triggerSchedule(
          request.setScheduleId(context.pathParam("id")).build(),
          new JsonReply<>(context.response()));
    }
  }

  /** Reads the JSON body (empty means no field set) into the request; false after a 400. */
  private static boolean parse(RoutingContext context, Message.Builder request) {
    String body =
        context.body() == null || context.body().buffer() == null ? "" : context.body().asString();
    if (body.isBlank()) {
      return true;
    }
    try {
      JsonFormat.parser().merge(body, request);
      return true;
    } catch (InvalidProtocolBufferException e) {
      JsonReply.send(context.response(), HttpErrors.badBody(HttpErrors.jsonProblem(e)));
      return false;
    }
  }
}
