package dev.cairn.server.store;

import dev.cairn.v1.RunStatus;
import java.util.Map;
import java.util.Set;

/**
 * A filter and page request for {@link EventStore#listRuns}.
 *
 * @param pageSize runs per page: 0 means {@value #DEFAULT_PAGE_SIZE}, values above {@value
 *     #MAX_PAGE_SIZE} mean {@value #MAX_PAGE_SIZE}; negative values are rejected
 * @param pageToken the next_page_token of the previous page, or empty for the first page
 * @param statuses only runs in one of these statuses; empty means all
 * @param name only runs of workflows with exactly this name; empty means all
 * @param labels only runs carrying all of these labels; empty means all. Stores ignore it: the
 *     labels are in each run's first event, and {@code RunQueries} filters by them
 */
public record RunQuery(
    int pageSize,
    String pageToken,
    Set<RunStatus> statuses,
    String name,
    Map<String, String> labels) {

  /** The page size used when the request leaves it 0. */
  public static final int DEFAULT_PAGE_SIZE = 50;

  /** The largest page ever returned. */
  public static final int MAX_PAGE_SIZE = 1000;

  /** Validates the request and replaces absent values by their empty defaults. */
  public RunQuery {
    if (pageSize < 0) {
      throw new IllegalArgumentException("page_size must not be negative, got " + pageSize);
    }
    pageToken = pageToken == null ? "" : pageToken;
    statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    if (statuses.contains(RunStatus.UNRECOGNIZED)) {
      throw new IllegalArgumentException("statuses contains an unknown run status");
    }
    name = name == null ? "" : name;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A query with no label filter. */
  public RunQuery(int pageSize, String pageToken, Set<RunStatus> statuses, String name) {
    this(pageSize, pageToken, statuses, name, Map.of());
  }

  /** The first page of all runs. */
  public static RunQuery firstPage(int pageSize) {
    return new RunQuery(pageSize, "", Set.of(), "");
  }

  /** The same filters, positioned at the page the token points to. */
  public RunQuery withPageToken(String token) {
    return new RunQuery(pageSize, token, statuses, name, labels);
  }

  /** The page size after applying the default and the cap. */
  public int effectivePageSize() {
    if (pageSize == 0) {
      return DEFAULT_PAGE_SIZE;
    }
    return Math.min(pageSize, MAX_PAGE_SIZE);
  }
}
