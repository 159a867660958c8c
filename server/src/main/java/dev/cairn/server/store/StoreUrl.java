package dev.cairn.server.store;

/**
 * Where the event store is, as the {@code cairn.store} setting names it: {@code SCHEME:LOCATION}.
 * The scheme picks the adapter (see {@link EventStores}); the location means what that adapter says
 * it means, a file path or a database address.
 *
 * @param scheme the adapter's name, lower case
 * @param location the rest of the setting, never empty
 */
public record StoreUrl(String scheme, String location) {

  /** Checks that neither part is empty. */
  public StoreUrl {
    if (scheme == null || scheme.isEmpty() || location == null || location.isEmpty()) {
      throw new IllegalArgumentException("a store URL needs a scheme and a location");
    }
  }

  /**
   * Splits a setting at its first colon.
   *
   * @throws StoreException when the setting is not {@code SCHEME:LOCATION}
   */
  public static StoreUrl parse(String setting) {
    String text = setting == null ? "" : setting.trim();
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new StoreException(
          "the store setting '" + text + "' is not SCHEME:LOCATION (cairn.store)");
    }
    return new StoreUrl(
        text.substring(0, colon).toLowerCase(java.util.Locale.ROOT), text.substring(colon + 1));
  }

  /** The setting as written, except that a password in it is replaced by {@code ***}. */
  @Override
  public String toString() {
    return scheme + ":" + redacted(location);
  }

  /**
   * The location with the password of a {@code //USER:PASSWORD@HOST} part or a {@code password=}
   * parameter replaced, so that logs and messages never show it.
   */
  public static String redacted(String location) {
    return location
        .replaceAll("^//([^/?@:]*):[^/?@]*@", "//$1:***@")
        .replaceAll("(?i)([?&]password=)[^&]*", "$1***");
  }
}
