package dev.cairn.server.store;

import dev.cairn.v1.RunSummary;
import java.util.List;

/**
 * One page of {@link EventStore#listRuns}.
 *
 * @param runs the runs, newest first
 * @param nextPageToken the token for the next page, or empty on the last page
 */
public record RunPage(List<RunSummary> runs, String nextPageToken) {

  /** Copies the runs so the page stays immutable. */
  public RunPage {
    runs = List.copyOf(runs);
    nextPageToken = nextPageToken == null ? "" : nextPageToken;
  }
}
