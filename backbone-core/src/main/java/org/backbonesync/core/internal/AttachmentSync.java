package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.store.AttachmentLink;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.transport.AttachmentContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs one connector's attachments: outgoing, an {@code add} for each attachment no link knows
 * (not made by the sync user, passing the filters) with its SHA-256, and a {@code delete} for a
 * linked original that is gone; incoming, it streams each added file from the partner, checks its
 * hash, and uploads it, unless the same content is attached already.
 */
final class AttachmentSync extends LinkedFlow<AttachmentLink> {
  private static final Logger LOG = LoggerFactory.getLogger(AttachmentSync.class);
  /** How the pair's attachmentLinks are stored. */
  static final RowLinks.Kind<AttachmentLink> LINKS =
      new RowLinks.Kind<>(SyncInfoStore::putAttachmentLink,
          SyncInfoStore::removeAttachmentLink);

  private final IssueTracker tracker;
  private final String syncUser;
  private final long maxSize;
  private final List<String> mimeTypes = new ArrayList<>();
  private final Pattern fileNames;
  private final AttachmentContent partnerContent;

  /**
   * @param partnerContent streams an attachment the partner announced
   */
  AttachmentSync(String id, IssueTracker tracker, String syncUser, JsonNode settings,
      AttachmentContent partnerContent) {
    super(id);
    this.tracker = tracker;
    this.syncUser = syncUser;
    this.maxSize = settings.path("maxSize").asLong(Long.MAX_VALUE);
    settings.path("mimeTypes").forEach(t -> mimeTypes.add(t.asText()));
    this.fileNames = settings.has("fileNames") ? Pattern.compile(settings.get("fileNames").asText())
        : null;
    this.partnerContent = partnerContent;
  }

  private boolean included(Attachment a) {
    if (a.size() > maxSize) {
      return false;
    }
    if (fileNames != null && !fileNames.matcher(a.filename()).matches()) {
      return false;
    }
    if (mimeTypes.isEmpty()) {
      return true;
    }
    String type = a.mimeType() == null ? "" : a.mimeType();
    for (String wanted : mimeTypes) {
      if (wanted.endsWith("/*") ? type.startsWith(wanted.substring(0, wanted.length() - 1))
          : type.equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  @Override
  List<AttachmentLink> links(SyncInfoStore store, long rowId) {
    return store.attachmentLinks(rowId);
  }

  @Override
  String localId(AttachmentLink link) {
    return link.localId();
  }

  /** An original the sync user attached: a copy carried after a restore lost its original. */
  @Override
  boolean carried(AttachmentLink link) {
    return link.original();
  }

  @Override
  Out outgoing(IssueChanges changes, List<AttachmentLink> links, Set<String> carried) {
    return outgoing(changes.issue().key(), links, changes.attachments(), carried);
  }

  /**
   * @param known the issue's attachments from the change search, or null to read them; read again
   *     when a linked one is missing (the search may lag behind the issue, see {@link CommentSync})
   * @param carried the copies of ours that go as our own originals (see {@link
   *     LinkedFlow#outgoing})
   */
  private Out outgoing(String issueKey, List<AttachmentLink> links, List<Attachment> known,
      Set<String> carried) {
    Map<String, AttachmentLink> byLocal = new HashMap<>();
    links.forEach(l -> byLocal.put(l.localId(), l));
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    List<AttachmentLink> put = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    Map<String, Attachment> present = new HashMap<>();
    boolean complete = known != null && listsEveryLinked(known, links);
    boolean noneRefused = true;
    for (Attachment a : complete ? known : tracker.attachments(issueKey)) {
      present.put(a.id(), a);
      if (byLocal.containsKey(a.id()) || syncUser.equals(a.author()) && !carried.contains(a.id())
          || !included(a)) {
        continue;
      }
      Hashed content;
      try {
        content = hashed(issueKey, a);
      } catch (TrackerException refused) {
        leftOut(issueKey, a, refused);
        noneRefused = false;
        continue;
      }
      if (content == null) {
        continue; // no size listed, and longer than maxSize: left out, as a listed one is
      }
      ops.addObject().put("op", "add").put("id", a.id()).put("filename", a.filename())
          .put("mimeType", a.mimeType()).put("size", content.size())
          .put("sha256", content.sha());
      put.add(new AttachmentLink(a.id(), null, content.sha(), true));
    }
    Map<String, String> kept = keptContents(links, present, put);
    for (AttachmentLink link : links) {
      if (present.containsKey(link.localId())) {
        continue;
      }
      removed.add(link.localId());
      String twin = kept.get(link.sha256());
      if (link.original() && twin != null
          && relinked(issueKey, present.get(twin), link.sha256(), byLocal.containsKey(twin), ops)) {
        continue;
      }
      if (link.original()) { // a copy deleted here stays on the side that made the original
        var op = ops.addObject().put("op", "delete").put("id", link.localId());
        if (link.remoteId() != null) {
          op.put("partnerId", link.remoteId());
        }
      }
    }
    // a file refused is still there: a whole send without it is not complete, or the partner
    // would delete its copy
    return new Out(ops, LINKS.changes(put, removed), links.isEmpty() && noneRefused);
  }

  /**
   * By content, an original file still here: a linked one, or one this send adds. The partner
   * attaches a content once, so its copy of a file deleted here stays while another file here
   * has the same content.
   */
  private static Map<String, String> keptContents(List<AttachmentLink> links,
      Map<String, Attachment> present, List<AttachmentLink> added) {
    Map<String, String> kept = new HashMap<>();
    for (AttachmentLink l : links) {
      if (l.original() && present.containsKey(l.localId())) {
        kept.putIfAbsent(l.sha256(), l.localId());
      }
    }
    added.forEach(l -> kept.putIfAbsent(l.sha256(), l.localId()));
    return kept;
  }

  /**
   * Instead of deleting the partner's copy of a file deleted here, links it to {@code twin}, a
   * file here with the same content: an add the partner takes as sent again (its copy's link
   * names the twin already) or links to the copy it has (the same content). Nothing to add when
   * the twin is added by this send anyway. False when the twin's size is not listed and reading
   * it fails: the partner's copy is deleted then, as before, and the twin copied again.
   */
  private boolean relinked(String issueKey, Attachment twin, String sha, boolean linked,
      ArrayNode ops) {
    if (!linked) {
      return true; // (its add is in ops, and the partner links it to the copy by its content)
    }
    long size = twin.size();
    if (size < 0) {
      Hashed content;
      try {
        content = hashed(issueKey, twin);
      } catch (TrackerException refused) {
        return false;
      }
      if (content == null) {
        return false;
      }
      size = content.size();
    }
    ops.addObject().put("op", "add").put("id", twin.id()).put("filename", twin.filename())
        .put("mimeType", twin.mimeType()).put("size", size).put("sha256", sha);
    return true;
  }

  /** Whether a search's attachments hold every linked one (else the search may be lagging). */
  private static boolean listsEveryLinked(List<Attachment> known, List<AttachmentLink> links) {
    Set<String> ids = new HashSet<>();
    known.forEach(a -> ids.add(a.id()));
    return links.stream().allMatch(l -> ids.contains(l.localId()));
  }

  /** @param created whether the issue was just created for the message (no copies to clean up) */
  @Override
  RowLinks<AttachmentLink> apply(String issueKey, JsonNode ops, List<AttachmentLink> links,
      boolean created) {
    if (created && OutgoingContent.onlyComplete(ops)) {
      return LINKS.none(); // a new issue with no files: no read
    }
    List<AttachmentLink> known = new ArrayList<>(links);
    List<AttachmentLink> put = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (JsonNode op : ops) {
      Optional<AttachmentLink> target = target(op, known);
      switch (op.path("op").asText()) {
        case "add" -> {
          if (target.isEmpty()) { // else sent again (a retry or a resync)
            add(issueKey, op, known).ifPresent(put::add);
          }
        }
        case "delete" -> target.ifPresent(link -> removed.add(delete(link, known)));
        case OutgoingContent.COMPLETE -> {
          if (!created) {
            removed.addAll(deleteCopiesNotIn(issueKey, ops, known));
          }
        }
        default -> throw new SyncException(
            "unknown attachment operation \"" + op.path("op").asText() + "\" for " + issueKey);
      }
    }
    return LINKS.changes(put, removed);
  }

  /** The link of the file an operation names: by the partner's id, or by ours it names. */
  private static Optional<AttachmentLink> target(JsonNode op, List<AttachmentLink> known) {
    String remoteId = op.path("id").asText();
    return known.stream()
        .filter(l -> remoteId.equals(l.remoteId())
            || (op.hasNonNull("partnerId") && op.get("partnerId").asText().equals(l.localId())))
        .findFirst();
  }

  /**
   * Links the partner's new file to one here with its content, or copies it; the link joins
   * {@code known}. Empty when it was deleted on the partner since: its delete follows, nothing
   * to copy.
   */
  private Optional<AttachmentLink> add(String issueKey, JsonNode op, List<AttachmentLink> known) {
    String remoteId = op.path("id").asText();
    String sha = op.path("sha256").asText();
    Optional<AttachmentLink> same = known.stream()
        .filter(l -> l.sha256().equals(sha)).findFirst();
    AttachmentLink link = same
        .map(l -> new AttachmentLink(l.localId(), remoteId, sha, l.original()))
        .orElseGet(() -> adoptOrUpload(issueKey, op, remoteId, sha));
    if (link == null) {
      return Optional.empty();
    }
    known.removeIf(l -> l.localId().equals(link.localId()));
    known.add(link);
    return Optional.of(link);
  }

  /** Deletes the copy a delete names (an original here stays); returns the link's local id. */
  private String delete(AttachmentLink link, List<AttachmentLink> known) {
    if (!link.original()) {
      try {
        tracker.deleteAttachment(link.localId());
      } catch (TrackerException gone) {
        // deleted here as well
      }
    }
    known.remove(link);
    return link.localId();
  }

  /**
   * After the ops of a sender that sent every file it has ({@code complete}, to a row made
   * again): a file the sync user attached here is a copy, so one whose content the sender no
   * longer has is a copy of a file deleted there meanwhile, and goes; not one the links mark an
   * original (carried: ours since a restore lost the partner's original; the partner holds a copy
   * of it, which its whole does not name). Returns the ids deleted.
   */
  private List<String> deleteCopiesNotIn(String issueKey, JsonNode ops,
      List<AttachmentLink> known) {
    Set<String> contents = new HashSet<>();
    ops.forEach(op -> contents.add(op.path("sha256").asText()));
    Set<String> kept = new HashSet<>();
    known.stream().filter(l -> l.original() || contents.contains(l.sha256()))
        .forEach(l -> kept.add(l.localId()));
    List<String> deleted = new ArrayList<>();
    for (Attachment a : tracker.attachments(issueKey)) {
      if (syncUser.equals(a.author()) && !kept.contains(a.id())) {
        try {
          tracker.deleteAttachment(a.id());
        } catch (TrackerException gone) {
          // deleted here as well
        }
        deleted.add(a.id());
      }
    }
    known.removeIf(l -> deleted.contains(l.localId()));
    return deleted;
  }

  /** An attachment's content as read: its SHA-256 and its size in bytes. */
  private record Hashed(String sha, long size) {}

  /**
   * Reads an attachment to hash it, no further than its listed size. One whose tracker lists no
   * size (a negative one) is measured as it is read, no further than {@code maxSize}: null when
   * it is longer.
   *
   * @throws TrackerException when the tracker refuses this file for good (see {@link #leftOut})
   */
  private Hashed hashed(String issueKey, Attachment a) {
    boolean listed = a.size() >= 0;
    try (ListedSize in = ListedSize.atMost(tracker.download(a.id()), listed ? a.size() : maxSize)) {
      return new Hashed(Sha256.of(in), in.count());
    } catch (ListedSize.Longer tooLong) {
      if (!listed) {
        return null;
      }
      throw cannotRead(issueKey, a, tooLong);
    } catch (IOException e) {
      throw cannotRead(issueKey, a, e);
    }
  }

  /**
   * Logs a file the tracker refuses for good (a {@link TrackerException}: no permission, gone
   * meanwhile, a content link off the site), left out of the message: it is tried again at the
   * issue's next change (or a resync), and the rest of the issue goes on. Held back, one file a
   * site will not serve kept every other change of its issue from the partner, for good. A
   * failure for now (a {@link RetriableException}: a timeout, a rate limit) still holds the
   * issue back, to be tried again at the next poll.
   */
  private void leftOut(String issueKey, Attachment a, TrackerException refused) {
    LOG.warn("{}: attachment {} of {} not sent: {}; tried again when the issue next changes",
        id(), Shown.quoted(a.filename()), issueKey, Shown.text(refused.getMessage(), 300));
  }

  private static RetriableException cannotRead(String issueKey, Attachment a, IOException e) {
    return new RetriableException("cannot read attachment " + Shown.quoted(a.filename())
        + " of " + issueKey + ": " + e.getMessage(), e);
  }

  /**
   * Uploads the partner's file, streamed and checked; or takes a file with the same content that
   * is attached here already (attached before the issues were paired, or uploaded just before a
   * crash), so the same content is never attached twice. Null when the partner's file is gone.
   */
  private AttachmentLink adoptOrUpload(String issueKey, JsonNode op, String remoteId, String sha) {
    String filename = op.path("filename").asText();
    long size = op.path("size").asLong();
    for (Attachment a : tracker.attachments(issueKey)) {
      boolean listed = a.size() >= 0;
      if (listed && a.size() != size) {
        continue; // one without a listed size is told by its content
      }
      try (InputStream in = ListedSize.atMost(tracker.download(a.id()), listed ? a.size() : size)) {
        if (Sha256.of(in).equals(sha)) {
          return new AttachmentLink(a.id(), remoteId, sha, !syncUser.equals(a.author()));
        }
      } catch (IOException e) {
        if (!listed && e instanceof ListedSize.Longer) {
          continue; // longer than the partner's file: another one
        }
        throw new RetriableException("cannot read attachment " + a.id() + " of " + issueKey
            + ": " + e.getMessage(), e);
      }
    }
    MessageDigest digest = Sha256.digest();
    InputStream content;
    try {
      content = partnerContent.open(
          new AttachmentContent.Announced(remoteId, filename, Math.max(0, size), sha));
    } catch (TrackerException gone) {
      return null;
    }
    Attachment uploaded;
    try (InputStream in = new DigestInputStream(content, digest)) {
      uploaded = tracker.upload(issueKey, filename, op.path("mimeType").asText(null), in);
    } catch (IOException e) {
      throw new RetriableException("cannot stream attachment " + Shown.quoted(filename) + ": "
          + e.getMessage(), e);
    }
    String got = Sha256.hex(digest);
    if (!got.equals(sha)) {
      tracker.deleteAttachment(uploaded.id());
      throw new RetriableException("attachment " + filename + " arrived with SHA-256 " + got
          + ", expected " + sha + "; it will be fetched again", null);
    }
    return new AttachmentLink(uploaded.id(), remoteId, sha, false);
  }
}
