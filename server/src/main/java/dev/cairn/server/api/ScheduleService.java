package dev.cairn.server.api;

import dev.cairn.server.engine.Times;
import dev.cairn.server.runtime.Schedules;
import dev.cairn.v1.CreateScheduleRequest;
import dev.cairn.v1.CreateScheduleResponse;
import dev.cairn.v1.DeleteScheduleRequest;
import dev.cairn.v1.DeleteScheduleResponse;
import dev.cairn.v1.GetScheduleRequest;
import dev.cairn.v1.GetScheduleResponse;
import dev.cairn.v1.ListSchedulesRequest;
import dev.cairn.v1.ListSchedulesResponse;
import dev.cairn.v1.PauseScheduleRequest;
import dev.cairn.v1.PauseScheduleResponse;
import dev.cairn.v1.ResumeScheduleRequest;
import dev.cairn.v1.ResumeScheduleResponse;
import dev.cairn.v1.ScheduleDefinition;
import dev.cairn.v1.ScheduleServiceGrpc;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.TriggerScheduleRequest;
import dev.cairn.v1.TriggerScheduleResponse;
import dev.cairn.v1.WorkflowSpec;
import dev.cairn.workflow.SubmitRequests;
import dev.cairn.workflow.WorkflowFileException;
import dev.cairn.workflow.spec.InvalidSpecException;
import dev.cairn.workflow.spec.SpecValidator;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The gRPC adapter for schedules: maps requests to {@link Schedules} and errors to statuses. Every
 * call writes to or reads the store (and a trigger waits for the engine), so each runs on the
 * bounded query workers, never on the event loop that received it.
 */
@GrpcService
@Singleton
public class ScheduleService extends ScheduleServiceGrpc.ScheduleServiceImplBase {
  private static final String PRINCIPAL = "local";

  private final Schedules schedules;
  private final Executor workers;
  private final int maxSpecBytes;

  @Inject
  ScheduleService(CairnServer server) {
    this(server.schedules(), server.queryWorkers(), server.engine().maxSpecBytes());
  }

  ScheduleService(Schedules schedules, Executor workers, int maxSpecBytes) {
    this.schedules = schedules;
    this.workers = workers;
    this.maxSpecBytes = maxSpecBytes;
  }

  @Override
  public void createSchedule(
      CreateScheduleRequest request, StreamObserver<CreateScheduleResponse> response) {
    onWorker(
        response,
        () -> {
          ScheduleDefinition definition =
              ScheduleDefinition.newBuilder()
                  .setScheduleId(request.getScheduleId())
                  .setSpec(spec(request, maxSpecBytes))
                  .setCron(request.getCron())
                  .setTimeZone(request.getTimeZone())
                  .putAllParams(request.getParamsMap())
                  .putAllLabels(request.getLabelsMap())
                  .setOverlapPolicyValue(request.getOverlapPolicyValue())
                  .setCatchUpWindow(request.getCatchUpWindow())
                  .build();
          GetScheduleResponse created =
              schedules.create(
                  definition, request.hasCatchUpWindow(), request.getPaused(), PRINCIPAL);
          return CreateScheduleResponse.newBuilder().setSchedule(created.getSchedule()).build();
        });
  }

  @Override
  public void listSchedules(
      ListSchedulesRequest request, StreamObserver<ListSchedulesResponse> response) {
    onWorker(response, () -> schedules.list(request.getPageSize(), request.getPageToken()));
  }

  @Override
  public void getSchedule(
      GetScheduleRequest request, StreamObserver<GetScheduleResponse> response) {
    onWorker(
        response,
        () ->
            schedules.describe(
                request.getScheduleId(),
                atMostHundred(request.getNextCount()),
                atMostHundred(request.getRecentCount())));
  }

  @Override
  public void pauseSchedule(
      PauseScheduleRequest request, StreamObserver<PauseScheduleResponse> response) {
    onWorker(
        response,
        () -> {
          RequestLimits.note("note", request.getNote());
          return PauseScheduleResponse.newBuilder()
              .setSchedule(
                  schedules
                      .pause(request.getScheduleId(), request.getNote(), PRINCIPAL)
                      .getSchedule())
              .build();
        });
  }

  @Override
  public void resumeSchedule(
      ResumeScheduleRequest request, StreamObserver<ResumeScheduleResponse> response) {
    onWorker(
        response,
        () ->
            ResumeScheduleResponse.newBuilder()
                .setSchedule(schedules.resume(request.getScheduleId(), PRINCIPAL).getSchedule())
                .build());
  }

  @Override
  public void deleteSchedule(
      DeleteScheduleRequest request, StreamObserver<DeleteScheduleResponse> response) {
    onWorker(
        response,
        () -> {
          schedules.delete(request.getScheduleId(), PRINCIPAL);
          return DeleteScheduleResponse.newBuilder().setScheduleId(request.getScheduleId()).build();
        });
  }

  @Override
  public void triggerSchedule(
      TriggerScheduleRequest request, StreamObserver<TriggerScheduleResponse> response) {
    onWorker(
        response,
        () -> {
          RequestLimits.requestId(request.getRequestId());
          Schedules.Triggered triggered =
              schedules.trigger(request.getScheduleId(), request.getRequestId());
          return TriggerScheduleResponse.newBuilder()
              .setRunId(triggered.runId())
              .setExisting(triggered.existing())
              .setNominalTime(Times.timestamp(triggered.nominal()))
              .build();
        });
  }

  /** A uint32 count as the views take it: values past 100 (or past 2^31, read negative) are 100. */
  private static int atMostHundred(int unsigned) {
    return (int) Math.min(Integer.toUnsignedLong(unsigned), 100);
  }

  /** The request's spec, or the one the shared parser makes of its workflow file, as SubmitRun. */
  private static WorkflowSpec spec(CreateScheduleRequest request, int maxBytes) {
    SpecValidator.checkFileSize(request.getWorkflowYamlBytes().size(), maxBytes);
    if (!request.hasSpec() && request.getWorkflowYaml().isEmpty()) {
      throw new InvalidSpecException(
          "NO_WORKFLOW", "spec", "a schedule needs a workflow: set spec or workflow_yaml");
    }
    SubmitRunRequest.Builder submit =
        SubmitRunRequest.newBuilder()
            .setWorkflowYaml(request.getWorkflowYaml())
            .setBaseDir(request.getBaseDir());
    if (request.hasSpec()) {
      submit.setSpec(request.getSpec());
    }
    try {
      return SubmitRequests.spec(submit.build());
    } catch (WorkflowFileException e) {
      throw new InvalidSpecException(e.first().reason(), e.first().field(), e.getMessage());
    }
  }

  private <T> void onWorker(StreamObserver<T> response, Supplier<T> work) {
    CallContext context = CallContext.current();
    try {
      workers.execute(
          () -> {
            T value;
            try {
              value = work.get();
            } catch (RuntimeException e) {
              context.run(() -> response.onError(ErrorMapper.toStatus(e)));
              return;
            }
            context.run(
                () -> {
                  response.onNext(value);
                  response.onCompleted();
                });
          });
    } catch (RejectedExecutionException e) {
      response.onError(
          ErrorMapper.busy("too many calls are waiting for the store; retry with backoff"));
    }
  }
}
