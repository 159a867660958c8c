package dev.cairn.it;

import static dev.cairn.it.Specs.shell;
import static dev.cairn.it.Specs.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.ErrorInfo;
import dev.cairn.v1.Argv;
import dev.cairn.v1.CancelRunRequest;
import dev.cairn.v1.Event;
import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.StepSpec;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.WorkflowSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Invalid specs are refused with INVALID_ARGUMENT naming the problem, and write no event. */
class BadInputIT extends SharedServer {

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        Arguments.of(
            workflow(
                "cycle", shell("a", "true", "c"), shell("b", "true", "a"), shell("c", "true", "b")),
            "CYCLE",
            "cycle"),
        Arguments.of(
            workflow("unknown", shell("a", "true", "ghost")), "UNKNOWN_DEPENDENCY", "ghost"),
        Arguments.of(
            workflow("duplicate", shell("a", "true"), shell("a", "true")),
            "DUPLICATE_STEP_ID",
            "duplicate step id 'a'"),
        Arguments.of(
            workflow("empty", StepSpec.newBuilder().setId("a").setRun("").build()),
            "EMPTY_COMMAND",
            "run is empty"),
        Arguments.of(
            workflow("huge", shell("a", "echo " + "x".repeat(3 * 1024 * 1024))),
            "SPEC_TOO_LARGE",
            "the limit is"));
  }

  /**
   * Specs the launcher would refuse at every start: accepted, they used to leave their run RUNNING
   * and the engine failing every pass, so no later run started.
   */
  static Stream<Arguments> unlaunchableSpecs() {
    StepSpec echo = shell("a", "echo hi");
    return Stream.of(
        Arguments.of(
            workflow("marker", echo).toBuilder().putEnv("CAIRN_MARKER", "x").build(),
            "RESERVED_ENV",
            "env.CAIRN_MARKER"),
        Arguments.of(
            workflow("attempt", echo.toBuilder().putEnv("CAIRN_ATTEMPT", "7").build()),
            "RESERVED_ENV",
            "steps[0].env.CAIRN_ATTEMPT"),
        Arguments.of(
            workflow("nul-run", shell("a", "echo a\0b")), "INVALID_COMMAND", "steps[0].run"),
        Arguments.of(
            workflow(
                "nul-argv",
                StepSpec.newBuilder()
                    .setId("a")
                    .setArgv(Argv.newBuilder().addArgs("echo").addArgs("a\0b"))
                    .build()),
            "INVALID_COMMAND",
            "steps[0].argv[1]"),
        Arguments.of(
            workflow("nul-env", echo).toBuilder().putEnv("A", "x\0y").build(),
            "INVALID_ENV",
            "env.A"),
        Arguments.of(
            workflow("nul-env-name", echo).toBuilder().putEnv("A\0B", "x").build(),
            "INVALID_ENV",
            "env"),
        Arguments.of(
            workflow("equals-env-name", echo).toBuilder().putEnv("A=B", "x").build(),
            "INVALID_ENV",
            "env"),
        Arguments.of(
            workflow("nul-dir", echo).toBuilder().setWorkingDir("/tmp\0x").build(),
            "INVALID_WORKING_DIR",
            "working_dir"),
        Arguments.of(workflow("nul\0name", echo), "INVALID_NAME", "name"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("unlaunchableSpecs")
  void unlaunchableRefusedNamingTheFieldAndTheNextRunRuns(
      WorkflowSpec spec, String reason, String field) {
    int eventsBefore = runs.all().size();
    StatusRuntimeException error = refusal(spec);
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(error.getStatus().getDescription()).doesNotContain("\0");
    ErrorInfo info = ErrorInfos.of(error);
    assertThat(info.getReason()).isEqualTo(reason);
    assertThat(info.getMetadataMap()).containsEntry("field", field);
    assertThat(runs.all()).hasSize(eventsBefore);
    String next = runs.submit(workflow("after", shell("a", "true")));
    assertThat(runs.follow(next)).last().matches(Event::hasRunSucceeded);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badSpecs")
  void refusedWithInvalidArgumentAndNoEvent(WorkflowSpec spec, String reason, String mention) {
    int eventsBefore = runs.all().size();
    StatusRuntimeException error = refusal(spec);
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(error.getStatus().getDescription()).contains(mention);
    assertThat(ErrorInfos.of(error).getReason()).isEqualTo(reason);
    assertThat(runs.all()).hasSize(eventsBefore);
  }

  private static StatusRuntimeException refusal(WorkflowSpec spec) {
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () -> server.stub().submitRun(SubmitRunRequest.newBuilder().setSpec(spec).build()));
  }

  @org.junit.jupiter.api.Test
  void aWorkflowFileOverTheSpecLimitIsRefusedBeforeItIsParsed() {
    String text =
        "name: big\nsteps:\n  - id: a\n    run: echo " + "x".repeat(2 * 1024 * 1024) + "\n";
    StatusRuntimeException error = fileRefusal(server.stub(), text);
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(error.getStatus().getDescription()).contains("workflow file is", "the limit is");
  }

  /**
   * A message over the transport's limit (twice the spec limit, at least 4 MiB) is refused before
   * it is held whole: the limit times the calls in flight is what a client can make the server
   * hold, and 64 MiB messages, twenty at a time, once ran its heap out.
   */
  @org.junit.jupiter.api.Test
  void aMessageOverTheTransportLimitIsRefusedAndTheServerGoesOn() {
    WorkflowSpec huge = workflow("too-big", shell("a", "echo " + "x".repeat(5 * 1024 * 1024)));
    assertThat(refusal(huge).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    String next = runs.submit(workflow("after-huge", shell("a", "true")));
    assertThat(runs.follow(next)).last().matches(Event::hasRunSucceeded);
  }

  /**
   * A compressed message is refused before it is inflated: the transport's limit counts compressed
   * bytes, and 1 MB of gzip that inflated to 1 GiB once ran the heap out. This one inflates to 64
   * MiB from about 64 KiB.
   */
  @org.junit.jupiter.api.Test
  void aCompressedMessageIsRefusedUnreadAndTheServerGoesOn() {
    String text = "name: packed\nsteps:\n  - id: a\n    run: echo " + "x".repeat(64 << 20) + "\n";
    StatusRuntimeException error = fileRefusal(server.stub().withCompression("gzip"), text);
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(ErrorInfos.of(error).getReason()).isEqualTo("COMPRESSION_NOT_ACCEPTED");
    assertThat(error.getTrailers().get(ACCEPT_ENCODING)).isEqualTo("identity");
    String next = runs.submit(workflow("after-packed", shell("a", "true")));
    assertThat(runs.follow(next)).last().matches(Event::hasRunSucceeded);
  }

  /**
   * Bytes that are not the method's message are the client's fault, said so: INVALID_ARGUMENT, not
   * the INTERNAL "Half-closed without a request" the gRPC layer gave.
   */
  @org.junit.jupiter.api.Test
  void anUnreadableRequestMessageIsAnInvalidArgument() {
    io.grpc.MethodDescriptor.Marshaller<byte[]> raw =
        new io.grpc.MethodDescriptor.Marshaller<>() {
          @Override
          public java.io.InputStream stream(byte[] value) {
            return new java.io.ByteArrayInputStream(value);
          }

          @Override
          public byte[] parse(java.io.InputStream stream) {
            try {
              return stream.readAllBytes();
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        };
    io.grpc.MethodDescriptor<byte[], byte[]> listRuns =
        RunServiceGrpc.getListRunsMethod().toBuilder(raw, raw).build();
    byte[] garbage = new byte[10];
    java.util.Arrays.fill(garbage, (byte) 0xff);
    StatusRuntimeException error =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                io.grpc.stub.ClientCalls.blockingUnaryCall(
                    server.channel(),
                    listRuns,
                    io.grpc.CallOptions.DEFAULT.withCallCredentials(
                        ServerProcess.bearer(server.token())),
                    garbage));
    assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(ErrorInfos.of(error).getReason()).isEqualTo("UNREADABLE_REQUEST");
    assertThat(error.getStatus().getDescription()).contains("cairn.v1.RunService/ListRuns");
  }

  private static StatusRuntimeException fileRefusal(
      RunServiceGrpc.RunServiceBlockingStub stub, String text) {
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () -> stub.submitRun(SubmitRunRequest.newBuilder().setWorkflowYaml(text).build()));
  }

  private static final io.grpc.Metadata.Key<String> ACCEPT_ENCODING =
      io.grpc.Metadata.Key.of("grpc-accept-encoding", io.grpc.Metadata.ASCII_STRING_MARSHALLER);

  /** Free-text fields are stored in events and read by every client: each has a limit. */
  @org.junit.jupiter.api.Test
  void aLongRequestIdOrCancelReasonIsRefusedAndRecordsNothing() {
    int eventsBefore = runs.all().size();
    StatusRuntimeException longId =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                server
                    .stub()
                    .submitRun(
                        SubmitRunRequest.newBuilder()
                            .setSpec(workflow("long-id", shell("a", "true")))
                            .setRequestId("r".repeat(257))
                            .build()));
    assertThat(longId.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(longId.getStatus().getDescription()).contains("request_id", "the limit is 256");
    assertThat(runs.all()).hasSize(eventsBefore);

    String run = runs.submit(workflow("long-reason", shell("a", "sleep 30")));
    StatusRuntimeException longReason = cancelRefusal(run, "x".repeat(1025));
    assertThat(longReason.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(longReason.getStatus().getDescription()).contains("reason", "the limit is 1024");
    StatusRuntimeException escape = cancelRefusal(run, "x\u001b[2Jy\nz");
    assertThat(escape.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(escape.getStatus().getDescription()).contains("control character");
    StatusRuntimeException override = cancelRefusal(run, "approved \u202edesrever");
    assertThat(override.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(override.getStatus().getDescription()).contains("bidirectional override");
    assertThat(runs.all().stream().filter(e -> e.getRunId().equals(run)))
        .noneMatch(Event::hasRunCancelRequested);
    server.stub().cancelRun(CancelRunRequest.newBuilder().setRunId(run).setReason("done").build());
    assertThat(runs.follow(run)).last().matches(Event::hasRunCancelled);
  }

  private static StatusRuntimeException cancelRefusal(String runId, String reason) {
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () ->
            server
                .stub()
                .cancelRun(
                    CancelRunRequest.newBuilder().setRunId(runId).setReason(reason).build()));
  }
}
