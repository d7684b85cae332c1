package org.backbonesync.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backbonesync.jira.JiraAnswerException;

/**
 * Jira Server's search for changes, each page read on after the last issue of the page before in
 * the search's order, not at a bare offset. Server pages a search by {@code startAt}: an issue
 * read on an earlier page that is updated meanwhile (it moves to the end) or leaves the results
 * (deleted, moved to another project, no longer matching) moves every later issue one place
 * back, and the next page at a bare offset would start one issue too late. So the {@link Cursor}
 * holds the offset and the last issue read (its update time and key); the next page is asked
 * from one before the offset, one issue more, and the issues up to the last one read are left
 * out. When the answer starts after it (the order moved back by more), the page is asked again
 * from twice as far back, down to {@code startAt} 0 (from the end of the results when the offset
 * is past it). A page costs one request when nothing moved, one that lost k issues behind it
 * about log2(k) more, and never more than 32 in all.
 *
 * <p>Which issues come before the last one read: Jira orders by {@code updated}, then by key
 * (project, then number). Jira Server's index holds {@code updated} to the second, where the
 * answer shows milliseconds, so another issue counts as read only when it comes before in both
 * orders; one of the same second whose place the two orders disagree on is returned again (the
 * engine takes a repeat, never a loss). The last issue itself, found unmoved, is the surest mark:
 * what the answer has before it was read, what after it was not.
 */
final class ServerSearchPaging {
  private ServerSearchPaging() {}

  /** Reads a search answer from a {@code startAt} for at most {@code maxResults} issues. */
  @FunctionalInterface
  interface Search {
    JsonNode at(int startAt, int maxResults);
  }

  /**
   * The answer to return, its {@code issues} cut to those not read before (at most the page
   * size), and the cursor of the next page, or null after the last page.
   */
  record Page(JsonNode answer, Cursor next) {}

  /**
   * Where a Server search goes on: {@code offset} issues came before the next one when the page
   * before was read, the last of them updated at {@code updated} (epoch millis) with {@code key}.
   * Written {@code offset:updated:key}, e.g. {@code 300:1767261600000:PA-17}; a token of an older
   * version holds the offset alone (then {@code key} is null and nothing is left out).
   */
  record Cursor(int offset, long updated, String key) {
    private static final Pattern FORM =
        Pattern.compile("(\\d{1,10})(?::(-?\\d{1,19}):(.*))?", Pattern.DOTALL);

    /**
     * The cursor a token's Jira part names, or null for none (the first page).
     *
     * @throws JiraAnswerException naming the request and the field {@code pageToken} when the
     *     text is no cursor this adapter gives
     */
    static Cursor parse(String text, String request, UnaryOperator<String> scrub) {
      if (text == null) {
        return null;
      }
      Matcher m = FORM.matcher(text);
      try {
        if (m.matches()) {
          long offset = Long.parseLong(m.group(1));
          if (m.group(3) == null && offset <= Integer.MAX_VALUE) {
            return new Cursor((int) offset, 0, null);
          }
          if (offset >= 1 && offset <= Integer.MAX_VALUE
              && IssueKeys.isKey(m.group(3))) {
            return new Cursor((int) offset, Long.parseLong(m.group(2)), m.group(3));
          }
        }
      } catch (NumberFormatException e) {
        // (a time past a long's milliseconds): refused below
      }
      throw new JiraAnswerException(request + " cannot go on from the page token "
          + JiraText.quoted(scrub.apply(text)) + ": not one this adapter gives (an offset from"
          + " 1 to " + Integer.MAX_VALUE + ", the last issue's update time in epoch"
          + " milliseconds and its key, as 300:1767261600000:PA-17)", request, "pageToken", null);
    }

    @Override
    public String toString() {
      return key == null ? String.valueOf(offset) : offset + ":" + updated + ":" + key;
    }

    /** Whether an issue comes before this cursor's last one in every order Jira may use. */
    boolean surelyBefore(long time, String issueKey) {
      int byKey = IssueKeys.compare(issueKey, key);
      boolean byMillis = time < updated || time == updated && byKey < 0;
      long second = Math.floorDiv(time, 1000);
      long ours = Math.floorDiv(updated, 1000);
      return byMillis && (second < ours || second == ours && byKey < 0);
    }
  }

  /**
   * The page after a cursor.
   *
   * @param at the cursor, or null for the first page
   * @param size the most issues the page returns
   * @param request the method and path, for a refusal
   * @param scrub blots the site's credentials out of a value a refusal shows
   * @throws JiraAnswerException when an answer does not start where it was asked to, or the
   *     search would go past the last {@code startAt} Jira takes
   */
  static Page next(Cursor at, int size, Search search, String request,
      UnaryOperator<String> scrub) {
    if (at == null || at.key() == null) {
      int startAt = at == null ? 0 : at.offset();
      JsonNode answer = search.at(startAt, size);
      Paging.checkStart(request, null, answer, startAt);
      return page(answer, startAt, new boolean[issues(answer, request).size()], size, request,
          scrub, null);
    }
    long from = at.offset(); // (no more than the results hold, once an answer said how many)
    for (long back = 1; ; back *= 2) {
      int startAt = (int) Math.max(0, from - back);
      JsonNode answer = search.at(startAt, (int) Math.min(Integer.MAX_VALUE,
          size + from - startAt));
      Paging.checkStart(request, null, answer, startAt);
      boolean[] read = new boolean[issues(answer, request).size()];
      if (markRead(issues(answer, request), at, read, scrub) || startAt == 0) {
        return page(answer, startAt, read, size, request, scrub, at);
      }
      if (read.length == 0) {
        from = Math.min(from, Math.max(0, answer.path("total").asLong(from)));
      }
    }
  }

  /**
   * Marks the issues of an answer read on an earlier page.
   *
   * @return whether the answer starts at or before the cursor's last issue (nothing unread lies
   *     before it)
   */
  private static boolean markRead(JsonNode issues, Cursor at, boolean[] read,
      UnaryOperator<String> scrub) {
    for (int i = 0; i < read.length; i++) {
      JsonNode issue = issues.get(i);
      if (JiraWire.key(issue, "a search result", scrub).equals(at.key())
          && updated(issue, scrub) == at.updated()) {
        Arrays.fill(read, 0, i + 1, true);
        return true;
      }
    }
    for (int i = 0; i < read.length; i++) {
      JsonNode issue = issues.get(i);
      read[i] = at.surelyBefore(updated(issue, scrub),
          JiraWire.key(issue, "a search result", scrub));
    }
    return read.length > 0 && read[0];
  }

  /**
   * The answer with the issues not read before, at most {@code size}, and the cursor after the
   * last of them (after the whole answer when it held none).
   *
   * @param before the cursor the answer was asked from, or null
   */
  private static Page page(JsonNode answer, int startAt, boolean[] read, int size,
      String request, UnaryOperator<String> scrub, Cursor before) {
    JsonNode issues = issues(answer, request);
    ArrayNode kept = JiraWire.JSON.arrayNode();
    int end = read.length;
    for (int i = 0; i < read.length && kept.size() < size; i++) {
      if (!read[i]) {
        kept.add(issues.get(i));
        end = i + 1;
      }
    }
    boolean cut = false;
    for (int i = end; i < read.length; i++) {
      cut |= !read[i];
    }
    ObjectNode out = answer.isObject() ? ((ObjectNode) answer).deepCopy()
        : JiraWire.JSON.objectNode();
    out.set("issues", kept);
    long total = answer.path("total").asLong(0);
    long offset = (long) startAt + end;
    if (!cut && (read.length == 0 || startAt + (long) read.length >= total)) {
      return new Page(out, null);
    }
    if (offset > Integer.MAX_VALUE) {
      throw Paging.refused(request, null, "total", "is " + total + ", past the last startAt"
          + " Jira takes");
    }
    if (kept.isEmpty()) { // (only after a cursor: a first page without issues is the last)
      return new Page(out, new Cursor((int) offset, before.updated(), before.key()));
    }
    JsonNode last = kept.get(kept.size() - 1);
    return new Page(out, new Cursor((int) offset, updated(last, scrub),
        JiraWire.key(last, "a search result", scrub)));
  }

  /** An answer's issues: none when it has none, else an array (or a refusal). */
  private static JsonNode issues(JsonNode answer, String request) {
    return answer.path("issues").isMissingNode() ? JiraWire.JSON.arrayNode()
        : JiraWire.array(answer, "issues", request, null);
  }

  private static long updated(JsonNode issue, UnaryOperator<String> scrub) {
    JsonNode fields = issue.path("fields");
    return JiraWire.time(fields, fields.hasNonNull("updated") ? "updated" : "created",
        "an issue", scrub);
  }
}
