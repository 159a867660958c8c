package dev.cairn.server.api;

import com.google.rpc.Code;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Bounds what clients can make the server hold for them between the transport and the services,
 * where neither gRPC's nor the HTTP API's own limits reach:
 *
 * <ul>
 *   <li><b>Requests still arriving.</b> A request's body (a gRPC message, a JSON body) is held
 *       until it is whole, and each may be as large as the message limit. 150 SubmitRun streams
 *       that each sent all but the last bytes of a 4 MB message, or 150 such HTTP POSTs, ran the
 *       heap out in seconds. The bytes read so far of every unfinished request are summed several
 *       times a second; while the sum is over {@code receivingBudget}, the largest is reset
 *       (ENHANCE_YOUR_CALM, which gRPC clients report as RESOURCE_EXHAUSTED). A body not finished
 *       after {@link #STALL_NANOS} is reset as well, so that a client cannot hold the budget by
 *       sending slowly.
 *   <li><b>Answers of reads</b> (GetRun, ListRuns, GetSchedule, ListSchedules and their HTTP
 *       forms), which may be megabytes and are held whole until the client has read them. A client
 *       that opened thousands of GetRun calls and never read one ran the heap out. At most {@code
 *       maxAnswers} such calls are in flight at once, from their arrival until their stream closes;
 *       another is refused at once (RESOURCE_EXHAUSTED, SERVER_BUSY), and an answer its client has
 *       not read after {@link #STALL_NANOS} is reset.
 * </ul>
 *
 * Streams (WatchEvents, StreamLogs, the HTTP event and output streams) hold a bounded few messages
 * each by design and are not counted once their request has arrived.
 *
 * <p>A request is only ever looked at on its own event loop: Vert.x's HTTP/2 objects lock the
 * response and its connection in an order that deadlocks two event loops reading each other's. So
 * each event loop keeps its own requests and publishes its totals, and the budget is the sum of
 * every loop's last totals.
 */
final class RequestBudget {
  private static final Logger LOG = Logger.getLogger(RequestBudget.class);
  static final long STALL_NANOS = 60_000_000_000L;
  private static final long SWEEP_MILLIS = 100;
  // HTTP/2's ENHANCE_YOUR_CALM: the peer is generating excessive load.
  private static final long ENHANCE_YOUR_CALM = 0xb;
  private static final Set<String> GRPC_READS =
      Set.of(
          "/cairn.v1.RunService/GetRun",
          "/cairn.v1.RunService/ListRuns",
          "/cairn.v1.ScheduleService/GetSchedule",
          "/cairn.v1.ScheduleService/ListSchedules");

  private final long receivingBudget;
  private final int maxAnswers;
  private final Map<Thread, Loop> loops = new ConcurrentHashMap<>();

  RequestBudget(long receivingBudget, int maxAnswers) {
    this.receivingBudget = receivingBudget;
    this.maxAnswers = maxAnswers;
  }

  /**
   * The budget for a heap of {@code maxHeapBytes}: a quarter of it for requests still arriving, and
   * as many read answers in flight as a quarter holds at {@code largestAnswerBytes} each (at least
   * 16).
   */
  static RequestBudget forHeap(long maxHeapBytes, long largestAnswerBytes) {
    long quarter = maxHeapBytes / 4;
    int answers = (int) Math.max(16, Math.min(4096, quarter / Math.max(1, largestAnswerBytes)));
    return new RequestBudget(quarter, answers);
  }

  /** Checks the budget every {@link #SWEEP_MILLIS} ms, each event loop on its own requests. */
  void start(Vertx vertx) {
    vertx.setPeriodic(
        SWEEP_MILLIS,
        id -> {
          for (Loop loop : loops.values()) {
            loop.context.runOnContext(ignored -> loop.sweep(System.nanoTime()));
          }
        });
  }

  /** Admits or refuses a request as it arrives, before its body is read; on its event loop. */
  void handle(RoutingContext context) {
    HttpServerRequest request = context.request();
    Loop loop =
        loops.computeIfAbsent(Thread.currentThread(), t -> new Loop(Vertx.currentContext()));
    boolean read = isRead(request);
    if (read) {
      loop.prune();
      if (answersInFlight() >= maxAnswers) {
        refuse(
            context,
            "too many reads are in flight or wait for their clients to take their answers; retry"
                + " with backoff");
        return;
      }
    }
    if (read || !request.isEnded()) {
      loop.add(new Tracked(request, read, System.nanoTime()));
    }
    context.next();
  }

  private int answersInFlight() {
    int answers = 0;
    for (Loop loop : loops.values()) {
      answers += loop.answers;
    }
    return answers;
  }

  private long receivingBytes() {
    long bytes = 0;
    for (Loop loop : loops.values()) {
      bytes += loop.receivingBytes;
    }
    return bytes;
  }

  private static boolean isRead(HttpServerRequest request) {
    String path = request.path();
    if (path == null) {
      return false;
    }
    if (MessageEncodings.isGrpc(request)) {
      return GRPC_READS.contains(path);
    }
    return request.method() == HttpMethod.GET
        && path.startsWith(HttpApi.PREFIX + "/")
        && !path.endsWith("/events")
        && !path.endsWith("/output");
  }

  private static void refuse(RoutingContext context, String message) {
    if (MessageEncodings.isGrpc(context.request())) {
      GrpcRefusal.send(context, Code.RESOURCE_EXHAUSTED, "SERVER_BUSY", message);
    } else {
      JsonReply.send(
          context.response(),
          HttpErrors.error(503, Code.RESOURCE_EXHAUSTED, "SERVER_BUSY", message, ""));
    }
  }

  /** One event loop's requests, touched only on that loop; its totals are read by any. */
  private final class Loop {
    private final Context context;
    private final List<Tracked> entries = new ArrayList<>();
    private volatile int answers;
    private volatile long receivingBytes;

    Loop(Context context) {
      this.context = context;
    }

    void add(Tracked entry) {
      entries.add(entry);
      if (entry.read) {
        answers++;
      }
    }

    /** Forgets what is done and counts the rest. */
    void prune() {
      int reads = 0;
      long bytes = 0;
      for (Iterator<Tracked> it = entries.iterator(); it.hasNext(); ) {
        Tracked entry = it.next();
        if (entry.done()) {
          it.remove();
          continue;
        }
        if (entry.read) {
          reads++;
        }
        if (!entry.request.isEnded()) {
          bytes += entry.request.bytesRead();
        }
      }
      answers = reads;
      receivingBytes = bytes;
    }

    /** Resets what is stalled, then the largest bodies still arriving while over the budget. */
    void sweep(long now) {
      prune();
      for (Iterator<Tracked> it = entries.iterator(); it.hasNext(); ) {
        Tracked entry = it.next();
        boolean arriving = !entry.request.isEnded();
        if ((arriving || entry.request.response().ended()) && now - entry.since > STALL_NANOS) {
          it.remove();
          reset(entry, arriving ? "its body did not arrive" : "its client did not read the answer");
        }
      }
      prune();
      long over = receivingBytes() - receivingBudget;
      if (over <= 0) {
        return;
      }
      List<Tracked> arriving = new ArrayList<>();
      for (Tracked entry : entries) {
        if (!entry.request.isEnded()) {
          arriving.add(entry);
        }
      }
      arriving.sort(
          Comparator.comparingLong((Tracked entry) -> entry.request.bytesRead()).reversed());
      for (Tracked entry : arriving) {
        if (over <= 0) {
          break;
        }
        over -= entry.request.bytesRead();
        entries.remove(entry);
        reset(entry, "requests still arriving hold more than " + receivingBudget + " bytes");
      }
      prune();
    }

    private void reset(Tracked entry, String why) {
      LOG.warnf("reset %s %s: %s", entry.request.method(), entry.request.path(), why);
      if (entry.request.version() == HttpVersion.HTTP_2) {
        entry.request.response().reset(ENHANCE_YOUR_CALM);
      } else {
        entry.request.connection().close();
      }
    }
  }

  private record Tracked(HttpServerRequest request, boolean read, long since) {
    /**
     * Whether the request holds nothing more that is counted: any request once its body has
     * arrived, unless it is a read; a read's HTTP/2 stream once closed (its answer read to the
     * end), its HTTP/1 exchange once answered.
     */
    boolean done() {
      if (!read && request.isEnded()) {
        return true;
      }
      // closed(): for HTTP/2 the stream, for HTTP/1 the connection (a client that went away).
      return request.response().closed()
          || request.version() != HttpVersion.HTTP_2
              && request.response().ended()
              && request.isEnded();
    }
  }
}
