package dev.cairn.cli.client;

/**
 * A bearer token and where it was found ({@code --token}, {@code CAIRN_TOKEN} or a file), so that
 * an authentication error can say which token was refused.
 */
public record Token(String value, String source) {
  @Override
  public String toString() {
    // Keep the secret out of any accidental print.
    return "Token[source=" + source + "]";
  }
}
