package dev.cairn.bench;

import dev.cairn.v1.RunServiceGrpc;
import dev.cairn.v1.SubmitRunRequest;
import dev.cairn.v1.SubmitRunResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The floor under a durable submit on this machine: a grpc-java server built as Cairn's listener is
 * (Netty, native transport, calls on the event loop), whose SubmitRun does the least any durable
 * engine must: it inserts the request into SQLite (WAL, synchronous=FULL) in one transaction and
 * answers once that commit returned. No engine thread, no validation, no token check, no step to
 * start. Runs in its own JVM, with the server's JVM flags, on the server's class path.
 *
 * <p>Usage: {@code SubmitFloorServer DATABASE PORT}. Prints "ready" once it takes calls, and runs
 * until killed.
 */
public final class SubmitFloorServer extends RunServiceGrpc.RunServiceImplBase {
  private final PreparedStatement insert;
  private long submitted;

  private SubmitFloorServer(Connection connection) throws SQLException {
    this.insert = connection.prepareStatement("INSERT INTO submits (request) VALUES (?)");
  }

  public static void main(String[] args) throws SQLException, IOException, InterruptedException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    Connection connection = config.createConnection("jdbc:sqlite:" + args[0]);
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS submits (seq INTEGER PRIMARY KEY, request BLOB NOT NULL)");
    }
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])))
            .directExecutor()
            .addService(new SubmitFloorServer(connection))
            .build()
            .start();
    System.out.println("ready");
    System.out.flush();
    server.awaitTermination();
  }

  @Override
  public void submitRun(SubmitRunRequest request, StreamObserver<SubmitRunResponse> response) {
    try {
      // Autocommit: one transaction, whose commit is the fsync of the write-ahead log.
      insert.setBytes(1, request.toByteArray());
      insert.executeUpdate();
    } catch (SQLException e) {
      response.onError(Status.INTERNAL.withDescription(e.getMessage()).asException());
      return;
    }
    submitted++;
    response.onNext(SubmitRunResponse.newBuilder().setRunId(Long.toString(submitted)).build());
    response.onCompleted();
  }
}
