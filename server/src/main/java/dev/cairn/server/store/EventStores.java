package dev.cairn.server.store;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The one place a store setting becomes a store: it parses the {@code cairn.store} URL and hands it
 * to the adapter registered for its scheme. The server knows the adapters only through this class
 * and the {@link EventStore} and {@link StoreChecks} ports.
 */
public final class EventStores {
  private static volatile List<StoreProvider> providers;

  private EventStores() {}

  /**
   * Parses the setting and checks that an adapter serves its scheme.
   *
   * @throws StoreException naming the supported schemes, when the setting is malformed or its
   *     scheme unknown
   */
  public static StoreUrl parse(String setting) {
    StoreUrl url;
    try {
      url = StoreUrl.parse(setting);
    } catch (StoreException e) {
      throw new StoreException(e.getMessage() + "; supported schemes: " + supported());
    }
    provider(url);
    return url;
  }

  /** Opens the store the URL names; see {@link StoreProvider#open}. */
  public static EventStore open(StoreUrl url, Path localFiles) {
    return provider(url).open(url, localFiles);
  }

  /** Whether the store the URL names may be shared by several servers as nodes. */
  public static boolean sharedByNodes(StoreUrl url) {
    return provider(url).sharedByNodes();
  }

  /**
   * Opens the store the URL names for one node of several (see {@link StoreProvider#openAsNode}).
   */
  public static EventStore openAsNode(
      StoreUrl url, Path localFiles, NodeIdentity node, java.time.Duration leaseTime) {
    return provider(url).openAsNode(url, localFiles, node, leaseTime);
  }

  /** The offline checks of the store the URL names. */
  public static StoreChecks checks(StoreUrl url, Path localFiles) {
    return provider(url).checks(url, localFiles);
  }

  /** The schemes of the registered adapters, comma-separated, for messages. */
  public static String supported() {
    return providers().stream()
        .map(StoreProvider::scheme)
        .sorted()
        .collect(Collectors.joining(", "));
  }

  private static StoreProvider provider(StoreUrl url) {
    return providers().stream()
        .filter(provider -> provider.scheme().equals(url.scheme()))
        .findFirst()
        .orElseThrow(
            () ->
                new StoreException(
                    "unknown store scheme '"
                        + url.scheme()
                        + "' in cairn.store="
                        + url
                        + "; supported schemes: "
                        + supported()));
  }

  private static List<StoreProvider> providers() {
    List<StoreProvider> found = providers;
    if (found == null) {
      found =
          ServiceLoader.load(StoreProvider.class, StoreProvider.class.getClassLoader()).stream()
              .map(ServiceLoader.Provider::get)
              .toList();
      providers = found;
    }
    return found;
  }
}
