package org.backbonesync.spi.tracker;

import java.util.Objects;

/**
 * A user of a tracker.
 *
 * @param id the id fields hold (Cloud: account id; Server/Data Center: user name)
 * @param displayName the name people see
 * @param email the e-mail address, or null when the tracker hides it
 */
public record TrackerUser(String id, String displayName, String email) {
  public TrackerUser {
    Objects.requireNonNull(id, "id");
  }
}
