package org.backbonesync.spi.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One project of one issue tracker, acting as one user (the connector's sync user).
 *
 * <p>Field values cross this port in a normalized JSON form, so that mappings and the engine need
 * not know the tracker's wire format: text fields, and fields named by a value (priority, status,
 * issue type, resolution, and a single select's option), are JSON strings; user fields hold the
 * user's id (account id or user name) as a string; multi-valued fields (labels, components,
 * versions, a multi-select's options) are arrays of strings; a cascading select (Jira's schema
 * type {@code option-with-child}) is its option's string, or with a child option {@code
 * {"value": "America", "child": "Costa Rica"}}; an empty field is JSON {@code null}. Adapters
 * convert to and from the tracker's own format.
 * Rich text is Jira wiki markup; a tracker that holds more than wiki can (Jira Cloud's ADF) may
 * give its own document beside the text ({@link TrackedIssue#documents()}, {@link
 * Comment#document()}), which the engine carries to the partner and hands to its writes ({@link
 * #updateIssue(String, Map, Map)}), so that between two such trackers nothing is lost.
 *
 * <p>Implementations must be safe for use by several threads. Failures are reported as
 * {@link TrackerException} (permanent: the tracker refused) or
 * {@link org.backbonesync.spi.RetriableException} (transient: try again later).
 */
public interface IssueTracker {

  /** The key of the project this tracker works on, e.g. {@code PA}. */
  String projectKey();

  /**
   * Every key the project is known by: the one it has now first, then those it had before its
   * key was renamed (Jira keeps an old project key: its issues' old keys still lead to them). An
   * issue whose key starts with any of them (and a dash) is the project's; the engine follows a
   * pair to its issue's new key only within them, and takes any other key as a move out of the
   * project. A tracker learns a rename from the project's stable id (Jira: the {@code project.id}
   * of the issues it reads). Default: {@link #projectKey()} alone.
   *
   * @since 0.1.0
   */
  default List<String> projectKeys() {
    return List.of(projectKey());
  }

  /**
   * The issue types of the project, by name. Configuration checks use them.
   *
   * @since 0.1.0
   */
  List<String> issueTypes();

  /**
   * The fields of the project with their schemas. Configuration checks use them to refuse a
   * mapping on a field it cannot handle, or a correlation naming a value the field does not have.
   *
   * @since 0.1.0
   */
  List<FieldSchema> fields();

  /**
   * A page of the issues of the project that were updated at or after {@code sinceMillis}, each
   * with at least its changelog entries at or after that time, oldest update first.
   *
   * <p>The engine passes its watermark minus an overlap, so results repeat issues seen before;
   * it reads every page of one search before it moves its watermark, so a burst of more issues
   * than fit on a page, even with the same update time, is never skipped.
   *
   * <p>A page token should continue after the last issue of its page in this order. One that is
   * an offset skips an issue when an issue of an earlier page moves to the end (updated since)
   * or leaves the results: the engine sees the first as that issue coming again later in the
   * same search and holds its watermark back so the next poll reads the skipped issue; the
   * second it cannot see.
   *
   * @param sinceMillis epoch millis
   * @param jql an extra condition (JQL) the issues must match, or null for the whole project
   * @param maxResults at most this many issues per page (a tracker may return fewer)
   * @param pageToken null for the first page; then the previous page's {@link
   *     ChangePage#nextPageToken()}
   */
  ChangePage findUpdatedSince(long sinceMillis, String jql, int maxResults, String pageToken);

  /**
   * The named issues among those {@link #findUpdatedSince} would return for the same {@code
   * sinceMillis} and {@code jql}, each with its changelog from that time: what the engine reads
   * when a change hint (a webhook) names issues. An issue that does not exist (any more), is
   * outside the project or the JQL, or was not updated since is left out, without an error.
   *
   * <p>The default pages through {@link #findUpdatedSince} and keeps the named issues: correct,
   * and as costly as a poll. A tracker overrides it with one search for the named issues.
   *
   * @param issueKeys issue keys of this tracker's project
   * @since 0.1.0
   */
  default List<IssueChanges> findChanged(Collection<String> issueKeys,
      long sinceMillis, String jql) {
    Set<String> wanted = Set.copyOf(issueKeys);
    List<IssueChanges> found = new ArrayList<>();
    String token = null;
    do {
      ChangePage page = findUpdatedSince(sinceMillis, jql, 100, token);
      page.issues().stream().filter(c -> wanted.contains(c.issue().key())).forEach(found::add);
      token = page.nextPageToken();
    } while (token != null && found.size() < wanted.size());
    return found;
  }

  /**
   * How many issues of the project match a condition, perhaps estimated, for a resync's progress
   * from its first page (Jira Cloud: {@code POST /rest/api/3/search/approximate-count}; Server:
   * the {@code total} of a search). Empty when the tracker cannot tell cheaply (the default); a
   * failure to count is empty too, never an error of the resync.
   *
   * @param jql an extra condition, or null for the whole project
   * @since 0.1.0
   */
  default OptionalLong countMatching(String jql) {
    return OptionalLong.empty();
  }

  /**
   * The tracker's clock now: the clock it stamps an issue's {@code updated} with (Jira: the
   * {@code serverTime} of {@code /serverInfo}). When a poll would read again a burst of issues it
   * examined before (more than a page of them) that is ten overlaps old, the engine asks before
   * its search and moves its watermark up to this time less nine overlaps, so that idle polls
   * stop reading the burst. Empty when the tracker cannot tell (the default): the watermark then
   * stays at the newest update found, and every search reads the last burst again.
   *
   * <p>The contract: a change stamped before the returned time is found by a search made ten
   * overlaps (ten minutes by default) after it. A time ahead of the stamps (a node whose clock
   * runs ahead of the one that stamps) or a search that shows changes later than that would
   * make the engine miss them: a tracker that is unsure returns empty.
   *
   * @throws TrackerException when the tracker cannot be reached; the poll then goes on without
   *     the time
   * @since 0.1.0
   */
  default OptionalLong serverTime() {
    return OptionalLong.empty();
  }

  /**
   * Whether an issue matches a JQL condition (Jira: {@code POST /rest/api/3/jql/match}). The
   * engine asks before applying an incoming change when the connector has an incoming JQL.
   *
   * @throws TrackerException when the tracker refuses the JQL
   * @since 0.1.0
   */
  boolean matches(String issueKey, String jql);

  /**
   * The user with this id, if the tracker knows them.
   *
   * @since 0.1.0
   */
  Optional<TrackerUser> user(String userId);

  /**
   * Users whose id, display name or e-mail address contains the query, ignoring case (Jira's user
   * search); callers filter for the exact match they need.
   *
   * @since 0.1.0
   */
  List<TrackerUser> findUsers(String query);

  /**
   * How a text value of this tracker mentions a user: the markup the engine writes where a
   * partner's text mentioned someone this tracker's user is found for. Text crosses this port as
   * Jira wiki markup, where a mention is {@code [~id]} (Server/Data Center: the user name) or
   * {@code [~accountid:id]} (Cloud); the engine reads both forms and writes this one. Default:
   * {@code [~id]}.
   *
   * @param userId an id {@link #user} knows
   * @since 0.1.0
   */
  default String mention(String userId) {
    return "[~" + userId + "]";
  }

  /**
   * The issue's changelog entries at or after {@code sinceMillis}, oldest first. The engine reads
   * them before applying a partner's change, to tell a local change not sent yet from one it
   * made itself. A tracker that cannot tell returns an empty list (the default); conflicts with
   * changes not sent yet are then not detected.
   *
   * @since 0.1.0
   */
  default List<ChangelogEntry> changelog(String issueKey, long sinceMillis) {
    return List.of();
  }

  /** The issue with this key, or empty when it does not exist (or is outside the project). */
  Optional<TrackedIssue> issue(String issueKey);

  /**
   * Whether an issue that {@link #issue} does not find was deleted, as far as the tracker can
   * tell. A tracker whose "not found" also stands for an issue the sync user may not see (Jira
   * answers 404 both for a deleted issue and for one an issue security level hides) says false
   * unless it has more evidence. The engine asks only after {@link #issue} came back empty for a
   * paired issue: the partner is told "deleted" only when this is true, else "notFound", which
   * its {@code onPartnerGone} answers with a mark at most, never a delete. A {@link
   * org.backbonesync.spi.RetriableException} (the tracker cannot tell now, or found the issue
   * after all) leaves the pair linked: the message is tried again later. Default: true (not
   * found means deleted).
   *
   * @since 0.1.0
   */
  default boolean deletionConfirmed(String issueKey) {
    return true;
  }

  /** What the create screen of this issue type holds. */
  CreateMetadata createMetadata(String issueType);

  /**
   * Creates an issue and tags it with {@code create.originMarker()} so that {@link
   * #findByOriginMarker} finds it again, even if the caller crashes before it records the key.
   *
   * @return the new issue's key
   */
  String createIssue(IssueCreate create);

  /**
   * Sets the given fields in one operation; a JSON null clears a field. Fields whose value does
   * not change leave no changelog entry, as in Jira. The values are read-only: they may be a
   * stored message's own, which later reads of it share.
   */
  void updateIssue(String issueKey, Map<String, JsonNode> fields);

  /**
   * Sets the given fields in one operation, as {@link #updateIssue(String, Map)}, with rich-text
   * documents beside some text values: a tracker that holds a field's text in a richer form
   * (Jira Cloud: ADF) writes the document instead of converting the text, but only where the
   * field then reads back as it would with the text alone: the text is the document's text form
   * (perhaps after or without some whole lines, such as a comment's author prefix). So a mapping
   * or a mention translation that changed the text falls back to the text. Documents for fields
   * not in {@code fields}, or that the tracker cannot use, are ignored. Default: the text only.
   *
   * @param documents field id to the document (as {@link TrackedIssue#documents()}); may be
   *     empty
   * @since 0.1.0
   */
  default void updateIssue(String issueKey, Map<String, JsonNode> fields,
      Map<String, JsonNode> documents) {
    updateIssue(issueKey, fields);
  }

  /** The issue created with this origin marker, if any. */
  Optional<String> findByOriginMarker(String originMarker);

  /**
   * Tags an existing issue with an origin marker (as {@link #createIssue} does a new one), so
   * that {@link #findByOriginMarker} finds it: pairs made by an import are found again after a
   * lost store. Default: the tracker cannot, and says so.
   *
   * @return whether the issue carries the marker now; false when this tracker cannot mark issues
   * @since 0.1.0
   */
  default boolean setOriginMarker(String issueKey, String originMarker) {
    return false;
  }

  /**
   * The issues carrying any of these origin markers: marker to issue key, markers no issue
   * carries left out. The engine asks before it creates partners (a page of creates at a time),
   * so that a lost or partial store never makes an issue twice. Default: {@link
   * #findByOriginMarker} for each; a tracker that can search for several at once should.
   *
   * @since 0.1.0
   */
  default Map<String, String> findByOriginMarkers(java.util.Collection<String> originMarkers) {
    Map<String, String> found = new java.util.LinkedHashMap<>();
    for (String marker : originMarkers) {
      findByOriginMarker(marker).ifPresent(key -> found.put(marker, key));
    }
    return found;
  }

  /** The workflow transitions available on the issue in its current status. */
  List<Transition> transitions(String issueKey);

  /**
   * The whole workflow of an issue type, status to the transitions leaving it, when the tracker
   * can tell; empty when it cannot (Jira Server's REST API shows only the transitions available
   * now). The engine finds shortest paths between statuses on it.
   *
   * @since 0.1.0
   */
  default Optional<Map<String, List<Transition>>> workflow(String issueType) {
    return Optional.empty();
  }

  /** Performs a transition, setting the given fields of its screen (may be empty). */
  void transition(String issueKey, String transitionId, Map<String, JsonNode> fields);

  /**
   * The issue's links, in either direction. A change of them shows in the changelog as field
   * {@code issuelinks}.
   *
   * @since 0.1.0
   */
  default List<IssueLink> links(String issueKey) {
    return List.of();
  }

  /**
   * Links two issues and returns the link's id.
   *
   * @throws TrackerException when the tracker refuses (or cannot link issues: the default)
   * @since 0.1.0
   */
  default String createLink(String type, String outwardIssueKey, String inwardIssueKey) {
    throw new TrackerException("this tracker cannot link issues", outwardIssueKey, Map.of());
  }

  /**
   * Deletes an issue (not its sub-tasks: a tracker refuses an issue that has some); deleting
   * one that is gone already is no error. The engine calls it only when the partner issue of a
   * pair is gone and the connector's {@code onPartnerGone} says {@code delete}.
   *
   * @throws TrackerException when the tracker refuses (or cannot delete issues: the default)
   * @since 0.1.0
   */
  default void deleteIssue(String issueKey) {
    throw new TrackerException("this tracker cannot delete issues", issueKey, Map.of());
  }

  /**
   * Deletes a link; deleting one that is gone already is no error. A deletion shows in the
   * changelog of both issues as field {@code issuelinks}.
   *
   * @param issueKey one of the linked issues (for errors and per-issue limits)
   * @throws TrackerException when the tracker refuses (or cannot delete links: the default)
   * @since 0.1.0
   */
  default void deleteLink(String issueKey, String linkId) {
    throw new TrackerException("this tracker cannot delete links", issueKey, Map.of());
  }

  /**
   * The issue's attachments, oldest first. Adding or deleting one shows in the changelog as
   * field {@code attachment}.
   *
   * @since 0.1.0
   */
  default List<Attachment> attachments(String issueKey) {
    return List.of();
  }

  /**
   * The content of an attachment, as a stream the caller closes; never read whole into memory.
   *
   * @throws TrackerException when the tracker cannot download (the default)
   * @since 0.1.0
   */
  default InputStream download(String attachmentId) {
    throw new TrackerException("this tracker cannot download attachments", null, Map.of());
  }

  /**
   * Attaches a file, reading {@code content} to its end as a stream, and returns the attachment.
   *
   * @throws TrackerException when the tracker refuses (or cannot upload: the default)
   * @since 0.1.0
   */
  default Attachment upload(String issueKey, String filename, String mimeType,
      InputStream content) {
    throw new TrackerException("this tracker cannot upload attachments", issueKey, Map.of());
  }

  /**
   * Deletes an attachment.
   *
   * @throws TrackerException when the tracker refuses (or cannot delete: the default)
   * @since 0.1.0
   */
  default void deleteAttachment(String attachmentId) {
    throw new TrackerException("this tracker cannot delete attachments", null, Map.of());
  }

  /**
   * The issue's worklogs, oldest first. A change of them changes the issue's update time but
   * shows in no changelog.
   *
   * @since 0.1.0
   */
  default List<Worklog> worklogs(String issueKey) {
    return List.of();
  }

  /**
   * Logs work on an issue as the tracker's user, leaving the issue's estimates as they are, and
   * returns the worklog's id.
   *
   * @param started epoch millis
   * @throws TrackerException when the tracker refuses (or cannot log work: the default)
   * @since 0.1.0
   */
  default String addWorklog(String issueKey, long started, long timeSpentSeconds,
      String comment) {
    throw new TrackerException("this tracker cannot add worklogs", issueKey, Map.of());
  }

  /**
   * Replaces a worklog's started time, time spent and comment, leaving the estimates as they are.
   *
   * @throws TrackerException when the tracker refuses (or cannot edit worklogs: the default)
   * @since 0.1.0
   */
  default void updateWorklog(String issueKey, String worklogId, long started,
      long timeSpentSeconds, String comment) {
    throw new TrackerException("this tracker cannot update worklogs", issueKey, Map.of());
  }

  /**
   * Deletes a worklog, leaving the estimates as they are.
   *
   * @throws TrackerException when the tracker refuses (or cannot delete worklogs: the default)
   * @since 0.1.0
   */
  default void deleteWorklog(String issueKey, String worklogId) {
    throw new TrackerException("this tracker cannot delete worklogs", issueKey, Map.of());
  }

  /** The issue's comments, oldest first. */
  List<Comment> comments(String issueKey);

  /** Adds a comment and returns its id. */
  String addComment(String issueKey, String body);

  /**
   * Adds a comment that only some can see, and returns its id.
   *
   * @param visibility as {@link Comment#visibility()}; null for everyone
   * @throws TrackerException when the tracker cannot restrict comments (the default)
   * @since 0.1.0
   */
  default String addComment(String issueKey, String body, String visibility) {
    if (visibility == null) {
      return addComment(issueKey, body);
    }
    throw new TrackerException(
        "this tracker cannot restrict a comment's visibility to " + visibility, issueKey, Map.of());
  }

  /**
   * Adds a comment as {@link #addComment(String, String, String)}, with the body's rich-text
   * document beside it (as {@link Comment#document()}), written under the rule of {@link
   * #updateIssue(String, Map, Map)}. Default: the body only.
   *
   * @param document the document, or null for none
   * @since 0.1.0
   */
  default String addComment(String issueKey, String body, String visibility,
      JsonNode document) {
    return addComment(issueKey, body, visibility);
  }

  /** Replaces a comment's body. */
  void editComment(String issueKey, String commentId, String body);

  /**
   * Replaces a comment's body, with its rich-text document beside it, written under the rule of
   * {@link #updateIssue(String, Map, Map)}. Default: the body only.
   *
   * @param document the document, or null for none
   * @since 0.1.0
   */
  default void editComment(String issueKey, String commentId, String body, JsonNode document) {
    editComment(issueKey, commentId, body);
  }

  /**
   * Replaces a comment's body as {@link #editComment(String, String, String, JsonNode)}, and
   * restricts the comment to a visibility: a partner's comment whose restriction changed (with
   * restricted comments kept) restricts its copy alike. Null leaves the comment's visibility as
   * it is (a restriction is never lifted by an edit). Default: the body only.
   *
   * @param visibility as {@link #addComment(String, String, String)}'s, or null
   * @param document the document, or null for none
   * @since 0.1.0
   */
  default void editComment(String issueKey, String commentId, String body, String visibility,
      JsonNode document) {
    editComment(issueKey, commentId, body, document);
  }

  /** Deletes a comment. */
  void deleteComment(String issueKey, String commentId);
}
