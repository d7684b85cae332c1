package org.backbonesync.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backbonesync.jira.JiraAnswerException;

/**
 * Jira's paged lists and searches, read so that counters and tokens that lie cannot keep a loop
 * going: a page must start where it was asked to, bring something new while more is said to
 * come, and a list or a search must stay within a cap far above real projects. Otherwise the
 * read stops with a {@link JiraAnswerException} naming the request and the field at fault.
 */
final class Paging {
  /**
   * The most items one list may claim (an issue's comments or worklogs, a create screen's
   * fields); Jira Cloud allows 5,000 comments and 5,000 worklogs per issue.
   */
  static final int MAX_LISTED = 100_000;
  /** The most changelog entries an issue may claim: years of busy automation stay below. */
  static final int MAX_CHANGELOG = 100_000;
  /** The most pages a search for changes is followed through: 10 million issues at 100 a page. */
  static final int MAX_SEARCH_PAGES = 100_000;
  /** The pages beyond one per named issue a search for named issues may take. */
  static final int SPARE_PAGES = 10;

  private Paging() {}

  /**
   * A whole list Jira pages by {@code startAt}, each item once (an item seen on an earlier page,
   * as when one was deleted meanwhile, is left out).
   *
   * @param request the method and path, for a refusal
   * @param read the page at a {@code startAt}
   * @param items a page's items
   * @param id an item's id
   */
  static <T> List<T> byOffset(String request, String issueKey, IntFunction<JsonNode> read,
      Function<JsonNode, List<T>> items, Function<T, String> id) {
    List<T> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long startAt = 0;
    while (true) {
      JsonNode page = read.apply((int) startAt);
      List<T> got = items.apply(page);
      long total = page.path("total").asLong(startAt + got.size());
      checkStart(request, issueKey, page, startAt);
      checkTotal(request, issueKey, total, MAX_LISTED);
      boolean fresh = false;
      for (T item : got) {
        if (seen.add(id.apply(item))) {
          out.add(item);
          fresh = true;
        }
      }
      startAt += got.size();
      if (got.isEmpty() || startAt >= total) {
        return out;
      }
      if (!fresh) {
        throw refused(request, issueKey, "startAt", "is " + (startAt - got.size())
            + " and the page holds only items of earlier pages, while its total of " + total
            + " says more are to come: the list does not move on");
      }
    }
  }

  /** Refuses a page that starts elsewhere than asked (Jira ignored {@code startAt}). */
  static void checkStart(String request, String issueKey, JsonNode page, long startAt) {
    JsonNode at = page.path("startAt");
    if (at.isNumber() && at.asLong() != startAt) {
      throw refused(request, issueKey, "startAt", "is " + at.asLong() + " where " + startAt
          + " was asked: the list does not move on");
    }
  }

  /** Refuses a list that claims more than {@code cap} items. */
  static void checkTotal(String request, String issueKey, long total, int cap) {
    if (total > cap) {
      throw refused(request, issueKey, "total", "is " + total + ", more than the " + cap
          + " the adapter reads");
    }
  }

  /**
   * The next Jira token of a search for named issues, checked: none of the tokens before
   * again, and no more pages than one per named issue and {@value #SPARE_PAGES} more.
   *
   * @param tokens the tokens of the search so far; the next is added
   */
  static String nextOfNamed(String request, String next, Set<String> tokens, int named) {
    if (next == null) {
      return null;
    }
    if (!tokens.add(next)) {
      throw refused(request, null, "nextPageToken", "is one it gave before: the search does"
          + " not move on");
    }
    if (tokens.size() > named + SPARE_PAGES) {
      throw refused(request, null, "nextPageToken", "still says more is to come after "
          + tokens.size() + " pages, for " + named + " issue" + (named == 1 ? "" : "s")
          + " named");
    }
    return next;
  }

  static JiraAnswerException refused(String request, String issueKey, String field,
      String what) {
    return new JiraAnswerException(request + " answered a page whose \"" + field + "\" " + what,
        request, field, issueKey);
  }

  /**
   * The token of a search's page as the engine holds it: how many pages of the search were
   * read before it, {@code ~}, the fingerprint of the Jira token it holds on to ({@code s} and 16
   * hex digits, then {@code ~}; see below), and Jira's own token (Cloud) or where the search goes
   * on (Server: {@link ServerSearchPaging.Cursor}), e.g. {@code 3~300:1767261600000:PA-17}. A
   * token without the count (from an older version) is taken as Jira's own.
   *
   * <p>Jira's tokens must not come back: the search would go round for ever (up to {@link
   * #MAX_SEARCH_PAGES}, hours of requests at a site's pace). The engine holds only the latest
   * token, so the token itself carries what Brent's cycle finding needs: the fingerprint of
   * Jira's token at the last page whose number is a power of two. A token equal to it is refused,
   * so a cycle of any length is found within about twice its start and length in pages.
   *
   * @param pages the pages read before this one
   * @param held the fingerprint held on to, or null for none yet
   * @param jira Jira's token, or null for the first page
   */
  record SearchToken(int pages, String held, String jira) {
    private static final Pattern FORM =
        Pattern.compile("(\\d{1,9})~(?:s([0-9a-f]{16})~)?(.+)", Pattern.DOTALL);
    static final SearchToken FIRST = new SearchToken(0, null, null);

    static SearchToken of(String token) {
      if (token == null) {
        return FIRST;
      }
      Matcher m = FORM.matcher(token);
      return m.matches() ? new SearchToken(Integer.parseInt(m.group(1)), m.group(2), m.group(3))
          : new SearchToken(0, null, token);
    }

    /**
     * The engine's token of the page after this one, from Jira's; null when there is none.
     *
     * @throws JiraAnswerException when Jira's is the one this page was asked with or the one
     *     held on to, or the search would go past {@link #MAX_SEARCH_PAGES}
     */
    String next(String jiraNext, String request) {
      if (jiraNext == null) {
        return null;
      }
      if (jiraNext.equals(jira)) {
        throw refused(request, null, "nextPageToken", "is the one it was asked with: the"
            + " search does not move on");
      }
      String print = fingerprint(jiraNext);
      if (print.equals(held)) {
        throw refused(request, null, "nextPageToken", "is one it gave " + (pages + 1)
            + " pages or fewer before: the search goes round");
      }
      if (pages + 1 >= MAX_SEARCH_PAGES) {
        throw refused(request, null, "nextPageToken", "still says more is to come after "
            + MAX_SEARCH_PAGES + " pages");
      }
      int page = pages + 1;
      String keep = Integer.bitCount(page) == 1 ? print : held;
      return page + "~" + (keep == null ? "" : "s" + keep + "~") + jiraNext;
    }

    /** The first 16 hex digits of the token's SHA-256. */
    private static String fingerprint(String token) {
      try {
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
            .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(hash, 0, 8);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every Java platform", e);
      }
    }
  }
}
