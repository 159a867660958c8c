package dev.cairn.server.store;

import dev.cairn.v1.RunStatus;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The keyset position behind a run list page token: list the runs submitted before {@code
 * beforeSubmitSeq}, with the filters the token was issued for.
 *
 * <p>Paging by the submit position rather than by an offset keeps pages stable while new runs
 * arrive: they sort before every position already handed out. The filter fingerprint makes a token
 * reused with other filters fail loudly instead of skipping runs silently. The token is opaque to
 * clients: base64url of {@code 1:<beforeSubmitSeq>:<filter fingerprint>}.
 */
public record RunListCursor(long beforeSubmitSeq, String filterFingerprint) {

  private static final String VERSION = "1";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** The position of the query's page: its token's, or the newest run for the first page. */
  public static RunListCursor of(RunQuery query) {
    String fingerprint = fingerprint(query);
    if (query.pageToken().isEmpty()) {
      return new RunListCursor(Long.MAX_VALUE, fingerprint);
    }
    RunListCursor cursor = decode(query.pageToken());
    if (!cursor.filterFingerprint.equals(fingerprint)) {
      throw new IllegalArgumentException(
          "page_token was issued for different statuses, name or label filters; repeat the"
              + " filters of"
              + " the request that returned it");
    }
    return cursor;
  }

  /** The position itself, before any run of this cursor's filters. */
  public long position() {
    return beforeSubmitSeq;
  }

  /** The cursor continuing after a run submitted at {@code submitSeq}, for the same filters. */
  public RunListCursor after(long submitSeq) {
    return new RunListCursor(submitSeq, filterFingerprint);
  }

  public String encode() {
    String plain = VERSION + ":" + beforeSubmitSeq + ":" + filterFingerprint;
    return ENCODER.encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  private static RunListCursor decode(String token) {
    try {
      String[] parts = new String(DECODER.decode(token), StandardCharsets.UTF_8).split(":", -1);
      if (parts.length == 3 && parts[0].equals(VERSION) && !parts[2].isEmpty()) {
        long position = Long.parseLong(parts[1]);
        if (position > 0) {
          return new RunListCursor(position, parts[2]);
        }
      }
    } catch (IllegalArgumentException malformed) {
      // Not base64 or not a number: reported below like any other malformed token.
    }
    throw new IllegalArgumentException(
        "page_token is malformed; pass the next_page_token of a previous response unchanged");
  }

  private static String fingerprint(RunQuery query) {
    StringBuilder canonical = new StringBuilder();
    query.statuses().stream()
        .mapToInt(RunStatus::getNumber)
        .sorted()
        .forEach(number -> canonical.append(number).append(','));
    canonical.append('|').append(query.name());
    // Only when set, so that tokens of queries without labels stay what they were.
    if (!query.labels().isEmpty()) {
      new TreeMap<>(query.labels())
          .forEach((key, value) -> canonical.append('|').append(key).append('=').append(value));
    }
    CRC32 crc = new CRC32();
    crc.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(crc.getValue());
  }
}
