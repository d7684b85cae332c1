package org.backbonesync.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhooks a {@link FakeJiraServer} sends for every write to its project (a person's or the
 * sync user's, as Jira does), in the payload shapes of its flavour: Cloud names the issue in
 * comment events too, Data Center only in a URL with the issue's id; worklog, link and
 * attachment events carry ids. Each is POSTed at once, on the writing thread, signed with {@code
 * X-Hub-Signature} (HMAC-SHA256) when a secret is set, with an {@code
 * X-Atlassian-Webhook-Identifier}.
 *
 * <p>Faults for the next deliveries, as {@link InMemoryTransport} takes them: lost, sent twice
 * with the same identifier (Jira's retry), or held until {@link #release} (delay) or {@link
 * #releaseReversed} (reordering). Thread-safe.
 */
public final class FakeJiraWebhooks {
  /** What happens to the next deliveries. */
  public enum Fault {
    /** Never sent. */
    LOSE,
    /** Sent twice, with the same identifier. */
    REPEAT,
    /** Kept until released. */
    HOLD
  }

  /** One delivery: its body and headers' values. */
  private record Delivery(String id, byte[] body) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI target;
  private final byte[] secret;
  private final FakeJiraServer.Flavour flavour;
  private final String site;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final List<Delivery> held = new ArrayList<>();
  private final List<Integer> answers = new ArrayList<>();
  private long next = 1;
  private long lost;

  FakeJiraWebhooks(URI target, String secret, FakeJiraServer.Flavour flavour, URI site,
      Clock clock) {
    this.target = target;
    this.secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
    this.flavour = flavour;
    this.site = site.toString();
    this.clock = clock;
  }

  /** Applies a fault to the next {@code count} deliveries. */
  public synchronized FakeJiraWebhooks inject(Fault fault, int count) {
    for (int i = 0; i < count; i++) {
      faults.addLast(fault);
    }
    return this;
  }

  /** Sends the held deliveries, oldest first. */
  public void release() {
    List<Delivery> now = takeHeld();
    now.forEach(this::post);
  }

  /** Sends the held deliveries, newest first. */
  public void releaseReversed() {
    List<Delivery> now = takeHeld();
    for (int i = now.size() - 1; i >= 0; i--) {
      post(now.get(i));
    }
  }

  /** How many deliveries are held. */
  public synchronized int heldCount() {
    return held.size();
  }

  /** How many were lost on purpose. */
  public synchronized long lostCount() {
    return lost;
  }

  /** The HTTP status of every delivery sent so far, in order. */
  public synchronized List<Integer> answers() {
    return List.copyOf(answers);
  }

  private synchronized List<Delivery> takeHeld() {
    List<Delivery> now = List.copyOf(held);
    held.clear();
    return now;
  }

  /** A write to the project: build its delivery and send it, or apply the next fault. */
  void changed(InMemoryIssueTracker.Change change) {
    Delivery delivery;
    Fault fault;
    synchronized (this) {
      delivery = new Delivery(site + "/webhook/" + next++, payload(change)); // unique per site
      fault = faults.pollFirst();
      if (fault == Fault.LOSE) {
        lost++;
        return;
      }
      if (fault == Fault.HOLD) {
        held.add(delivery);
        return;
      }
    }
    post(delivery);
    if (fault == Fault.REPEAT) {
      post(delivery);
    }
  }

  private byte[] payload(InMemoryIssueTracker.Change change) {
    ObjectNode o = JSON.createObjectNode().put("timestamp", clock.millis())
        .put("webhookEvent", change.event());
    o.putObject("user").put(flavour == FakeJiraServer.Flavour.CLOUD ? "accountId" : "name",
        change.user());
    String key = change.issueKey();
    String issueId = key == null ? null
        : String.valueOf(10000 + Integer.parseInt(key.substring(key.lastIndexOf('-') + 1)));
    String api = site + (flavour == FakeJiraServer.Flavour.CLOUD ? "/rest/api/3" : "/rest/api/2");
    if (change.event().startsWith("jira:")) {
      o.put("issue_event_type_name", change.formerKey() != null ? "issue_moved" : "issue_generic");
      issue(o, key, issueId, api);
      if (change.formerKey() != null) { // as Jira: the new key, with the old in the changelog
        ObjectNode items = o.putObject("changelog").put("id", "1");
        items.putArray("items").addObject().put("field", "Key").put("fieldtype", "jira")
            .put("from", (String) null).put("fromString", change.formerKey())
            .put("to", (String) null).put("toString", key);
      }
    } else if (change.event().startsWith("comment_")) {
      o.putObject("comment").put("id", "1").put("self", api + "/issue/" + issueId + "/comment/1");
      if (flavour == FakeJiraServer.Flavour.CLOUD) {
        issue(o, key, issueId, api);
      }
    } else if (change.event().startsWith("worklog_")) {
      o.putObject("worklog").put("id", "1").put("issueId", issueId)
          .put("self", api + "/issue/" + issueId + "/worklog/1");
    } else if (change.event().startsWith("issuelink_")) {
      o.putObject("issueLink").put("id", 1).put("sourceIssueId", 10000)
          .put("destinationIssueId", 10001);
    } else {
      o.putObject("attachment").put("id", "1").put("filename", "file");
    }
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void issue(ObjectNode o, String key, String id, String api) {
    ObjectNode issue = o.putObject("issue").put("id", id).put("self", api + "/issue/" + id)
        .put("key", key);
    issue.putObject("fields").putObject("project")
        .put("key", key.substring(0, key.lastIndexOf('-')));
  }

  private void post(Delivery delivery) {
    HttpRequest.Builder request = HttpRequest.newBuilder(target)
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("X-Atlassian-Webhook-Identifier", delivery.id())
        .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
    if (secret != null) {
      request.header("X-Hub-Signature", "sha256=" + hmac(delivery.body()));
    }
    int status;
    try {
      status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      status = -1; // as Jira: the delivery is gone (the poll finds the change)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = -1;
    }
    synchronized (this) {
      answers.add(status);
    }
  }

  private String hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
