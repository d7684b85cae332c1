package org.backbonesync.spi.tracker;

import java.util.Objects;

/**
 * A link between two issues, e.g. {@code PA-1 blocks PA-2}.
 *
 * @param id the tracker's link id
 * @param type the link type's name, e.g. {@code Blocks}
 * @param outwardIssue the issue on the outward side ({@code PA-1} "blocks")
 * @param inwardIssue the issue on the inward side ({@code PA-2} "is blocked by")
 */
public record IssueLink(String id, String type, String outwardIssue, String inwardIssue) {
  public IssueLink {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(outwardIssue, "outwardIssue");
    Objects.requireNonNull(inwardIssue, "inwardIssue");
  }
}
