package dev.cairn.server.store.postgres;

import dev.cairn.server.store.StoreException;
import dev.cairn.server.store.StoreUrl;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a PostgreSQL store is: the {@code
 * postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE[?...]} URL that libpq and psql take, turned
 * into what the JDBC driver takes. Query parameters go to the driver unchanged (for example {@code
 * sslmode=verify-full}); a password may also come from the driver's password file instead of the
 * URL.
 *
 * @param jdbcUrl the driver's URL, without the user and password
 * @param user the user, or null for the driver's default
 * @param password the password, or null
 * @param display the URL without its password and parameters, for messages and logs
 */
record PostgresAddress(String jdbcUrl, String user, String password, String display) {

  /** Never shows the password. */
  @Override
  public String toString() {
    return display;
  }

  /**
   * Reads the store URL.
   *
   * @throws StoreException when the location is not {@code //HOST.../DATABASE}
   */
  static PostgresAddress of(StoreUrl url) {
    String location = url.location();
    if (!location.startsWith("//") || location.length() == 2) {
      throw new StoreException(
          "the store setting "
              + url.scheme()
              + ":... must be postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE (cairn.store)");
    }
    String rest = location.substring(2);
    int end = indexOfAny(rest, "/?");
    String authority = end < 0 ? rest : rest.substring(0, end);
    String tail = end < 0 ? "" : rest.substring(end);
    int at = authority.lastIndexOf('@');
    String user = null;
    String password = null;
    String hosts = authority;
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      hosts = authority.substring(at + 1);
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
      user = user.isEmpty() ? null : user;
    }
    if (hosts.isEmpty() || !tail.startsWith("/") || tail.length() == 1 || tail.startsWith("/?")) {
      throw new StoreException(
          "the store setting postgresql:"
              + StoreUrl.redacted(location)
              + " names no host or no database; write"
              + " postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE (cairn.store)");
    }
    int query = tail.indexOf('?');
    String path = query < 0 ? tail : tail.substring(0, query);
    String display = "postgresql://" + (user == null ? "" : user + "@") + hosts + path;
    return new PostgresAddress("jdbc:postgresql://" + hosts + tail, user, password, display);
  }

  private static int indexOfAny(String text, String characters) {
    for (int i = 0; i < text.length(); i++) {
      if (characters.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
