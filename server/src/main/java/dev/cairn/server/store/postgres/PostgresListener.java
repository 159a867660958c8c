package dev.cairn.server.store.postgres;

import dev.cairn.server.store.ClusterAccess.Signals;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One thread that LISTENs on a connection of its own and turns notifications into {@link Signals},
 * with a {@link Signals#tick()} at least every tick interval. The wait for notifications is the
 * polling interval too, so a node whose connection broke (and lost what was notified meanwhile)
 * still finds its work within one tick after it connects again.
 */
final class PostgresListener implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(PostgresListener.class);

  static final String EVENTS = "cairn_events";
  static final String COMMANDS = "cairn_commands";
  static final String COMMAND_DONE = "cairn_command_done";

  private final PostgresConnections connections;
  private final PostgresAddress address;
  private final Signals signals;
  private final int tickMillis;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Connection connection;

  private PostgresListener(
      PostgresConnections connections,
      PostgresAddress address,
      Signals signals,
      Duration tickEvery) {
    this.connections = connections;
    this.address = address;
    this.signals = signals;
    this.tickMillis = (int) Math.max(1, tickEvery.toMillis());
    this.thread = new Thread(this::run, "cairn-cluster-listener");
    this.thread.setDaemon(true);
  }

  static PostgresListener start(
      PostgresConnections connections,
      PostgresAddress address,
      Signals signals,
      Duration tickEvery) {
    PostgresListener listener = new PostgresListener(connections, address, signals, tickEvery);
    listener.thread.start();
    return listener;
  }

  private void run() {
    long lastTick = System.nanoTime();
    boolean reported = false;
    while (!closed) {
      try {
        if (connection == null) {
          connection = listening();
          reported = false;
          // What was notified while no connection listened is found by looking now.
          signals.tick();
          lastTick = System.nanoTime();
        }
        PGNotification[] heard = connection.unwrap(PGConnection.class).getNotifications(tickMillis);
        if (heard != null) {
          try {
            dispatch(heard);
          } catch (RuntimeException e) {
            LOG.warnf("a cluster signal failed: %s", e.getMessage());
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (!reported) {
          LOG.warnf(
              "lost the notification connection to %s (%s); polling every %d ms until it is back",
              address, PostgresErrors.describe(e), Integer.valueOf(tickMillis));
          reported = true;
        }
        drop();
        sleepQuietly(tickMillis);
      }
      if (System.nanoTime() - lastTick >= tickMillis * 1_000_000L) {
        lastTick = System.nanoTime();
        tick();
      }
    }
  }

  private Connection listening() throws SQLException {
    Connection opened = connections.openDedicated();
    try (Statement statement = opened.createStatement()) {
      statement.execute("LISTEN " + EVENTS + "; LISTEN " + COMMANDS + "; LISTEN " + COMMAND_DONE);
    } catch (SQLException e) {
      opened.close();
      throw e;
    }
    return opened;
  }

  private void dispatch(PGNotification[] heard) {
    boolean events = false;
    boolean commands = false;
    for (PGNotification notification : heard) {
      switch (notification.getName()) {
        case EVENTS -> events = true;
        case COMMANDS -> commands = true;
        case COMMAND_DONE -> answered(notification.getParameter());
        default -> {
          // Not one of ours.
        }
      }
    }
    // Many notifications heard at once are one wake each.
    if (events) {
      signals.eventsCommitted();
    }
    if (commands) {
      signals.commandsWaiting();
    }
  }

  private void answered(String payload) {
    try {
      signals.commandAnswered(Long.parseLong(payload));
    } catch (NumberFormatException ignored) {
      // Not from our trigger: the tick finds whatever it meant.
    }
  }

  private void tick() {
    try {
      signals.tick();
    } catch (RuntimeException e) {
      LOG.warnf("a periodic look at the cluster failed: %s", e.getMessage());
    }
  }

  private void drop() {
    Connection broken = connection;
    connection = null;
    if (broken != null) {
      try {
        broken.close();
      } catch (SQLException ignored) {
        // A broken connection has nothing left to release.
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    drop();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
