package dev.cairn.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.store.ClusterAccess.NodeService;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a submit goes: here under the limit, else the least-loaded live node with room. */
class PlacedSubmitsTest {
  private static final Duration STALE = Duration.ofSeconds(10);

  private static NodeService node(String id, int live, int max, long ageMillis) {
    return new NodeService(id, "boot", id + ":1", "cairn/" + id + "/", live, max, ageMillis);
  }

  @Test
  void aNodeUnderItsLimitOrWithoutOneKeepsTheSubmit() {
    List<NodeService> nodes = List.of(node("b", 0, 0, 0));
    assertThat(PlacedSubmits.elsewhere(0, 1_000, "a", nodes, STALE)).isEmpty();
    assertThat(PlacedSubmits.elsewhere(5, 4, "a", nodes, STALE)).isEmpty();
  }

  @Test
  void atItsLimitTheLeastLoadedLiveNodeWithRoomGetsIt() {
    List<NodeService> nodes =
        List.of(
            node("a", 5, 5, 0),
            node("b", 3, 0, 500),
            node("c", 1, 1, 500), // full by its own limit
            node("d", 0, 0, 60_000), // not heard of for a minute
            node("e", 2, 10, 900));
    assertThat(PlacedSubmits.elsewhere(5, 5, "a", nodes, STALE))
        .map(NodeService::nodeId)
        .contains("e");
  }

  @Test
  void whenNoOtherNodeHasRoomOrIsLessLoadedTheSubmitStays() {
    List<NodeService> nodes = List.of(node("a", 2, 2, 0), node("b", 2, 0, 0), node("c", 4, 4, 0));
    assertThat(PlacedSubmits.elsewhere(2, 2, "a", nodes, STALE)).isEmpty();
  }
}
