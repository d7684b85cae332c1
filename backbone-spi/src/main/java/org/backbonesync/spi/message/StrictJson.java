package org.backbonesync.spi.message;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson setup for every JSON that comes in from outside (configuration, messages,
 * envelopes, admin bodies): a duplicate key is an error (Jackson's default keeps the last, so two
 * readers of one text could disagree), so is anything after the value, and nesting, number and
 * string lengths are bounded before the tree is built. Each surface adds its own byte cap.
 */
public final class StrictJson {
  /** Deepest nesting of objects and arrays accepted (rich text in ADF needs a few dozen). */
  public static final int MAX_NESTING_DEPTH = 200;
  /** Longest number accepted, in characters (a long has 19 digits; 100 leaves room for decimals). */
  public static final int MAX_NUMBER_LENGTH = 100;
  /** Longest string accepted, in characters. */
  public static final int MAX_STRING_LENGTH = 10 * 1024 * 1024;

  private StrictJson() {}

  /** A new strict mapper builder, for surfaces that add features of their own. */
  public static JsonMapper.Builder builder() {
    return builder(MAX_NESTING_DEPTH, MAX_STRING_LENGTH);
  }

  /**
   * A new strict mapper builder with tighter bounds, for a surface that has limits of its own
   * (the transports' envelopes).
   *
   * @param maxNestingDepth from 1 to {@link #MAX_NESTING_DEPTH}
   * @param maxStringLength from 1 to {@link #MAX_STRING_LENGTH} characters
   * @throws IllegalArgumentException naming a bound outside its range
   */
  public static JsonMapper.Builder builder(int maxNestingDepth, int maxStringLength) {
    if (maxNestingDepth < 1 || maxNestingDepth > MAX_NESTING_DEPTH) {
      throw new IllegalArgumentException("maxNestingDepth must be from 1 to " + MAX_NESTING_DEPTH
          + ", was " + maxNestingDepth);
    }
    if (maxStringLength < 1 || maxStringLength > MAX_STRING_LENGTH) {
      throw new IllegalArgumentException("maxStringLength must be from 1 to " + MAX_STRING_LENGTH
          + ", was " + maxStringLength);
    }
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(maxNestingDepth)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxStringLength(maxStringLength)
            .build())
        .build();
    return JsonMapper.builder(factory)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * What the parser said about a body it refused, for a person: its message without Jackson's
   * internals (the setting behind a limit, the redacted source), e.g. {@code "Document nesting
   * depth (201) exceeds the maximum allowed (200)"}; more JSON after the value is {@code "content
   * after the value"} (Jackson names the class it bound and the feature refusing it).
   *
   * @param e the parser's refusal
   * @return its message, one line; never null
   * @since 0.1.0
   */
  public static String reason(JacksonException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.startsWith("Trailing token")) {
      return "content after the value";
    }
    return message
        .replaceAll(", from `[A-Za-z.]+\\(\\)`\\)", ")")
        // Jackson's advice to enable a setting, which no one sending us JSON can do
        .replaceAll(": enable `[A-Za-z.]+_[A-Z_]+` to allow", "")
        .replaceAll(" \\(not recognized as one since Feature '[A-Z_]+' not enabled for parser\\)",
            "")
        .replace("[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ",
            "[")
        .replaceAll("\\s+", " ").trim();
  }

  /**
   * A JSON value a refusal names, as its message shows it: printable ASCII (anything else as
   * {@code ?}), cut after {@code max} characters with {@code ...}; a number beyond a double's
   * range, which Jackson reads as infinity, is said to be one rather than shown as
   * {@code Infinity}.
   *
   * @param value the value refused
   * @param max the most characters shown
   * @return one line; never null
   * @since 0.1.0
   */
  public static String shown(JsonNode value, int max) {
    if (value.isDouble() && !Double.isFinite(value.doubleValue())) {
      return "a number beyond a double's range";
    }
    return printable(value.toString(), max);
  }

  /**
   * A text from outside as a refusal or a log line shows it: printable ASCII (anything else,
   * line breaks too, as {@code ?}), cut after {@code max} characters with {@code ...}; null as
   * {@code null}. Safe to log: it cannot forge a line or hide in a terminal's escapes.
   *
   * @param text the text, from a request, a message or a tracker
   * @param max the most characters shown
   * @return one line; never null
   * @since 0.1.0
   */
  public static String printable(String text, int max) {
    String clean = String.valueOf(text).replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > max ? clean.substring(0, max) + "..." : clean;
  }

  /** A new strict mapper; thread-safe once built, so create one per component and share it. */
  public static JsonMapper mapper() {
    return builder().build();
  }
}
