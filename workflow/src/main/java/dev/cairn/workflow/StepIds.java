package dev.cairn.workflow;

import java.util.regex.Pattern;

/** What a step id may be: it names the step in paths of the HTTP API and in file names. */
public final class StepIds {
  /** The rule, as problems and refusals state it. */
  public static final String RULE = "must match [A-Za-z0-9._-]{1,128} and not be only dots";

  // Only dots ('.', '..') would be a dot segment in a URL path, which clients and servers resolve
  // away: the step's output could not be asked for over HTTP.
  private static final Pattern STEP_ID = Pattern.compile("(?!\\.+$)[A-Za-z0-9._-]{1,128}");

  private StepIds() {}

  public static boolean valid(String id) {
    return STEP_ID.matcher(id).matches();
  }
}
