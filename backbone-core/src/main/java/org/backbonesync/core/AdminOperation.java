package org.backbonesync.core;

/** What an admin caller asks to do; an {@link AdminAuthorizer} decides per operation. */
public enum AdminOperation {
  /** {@code GET /synchronizations} and {@code GET /synchronizations/{id}}. */
  READ_SYNCHRONIZATIONS,
  /** {@code GET /connectors/{key}/syncInformation}. */
  READ_SYNC_INFORMATION,
  /** {@code POST /connectors/{key}/syncInformation}. */
  IMPORT_SYNC_INFORMATION,
  /** {@code DELETE /connectors/{key}/syncInformation}. */
  DELETE_SYNC_INFORMATION,
  /** {@code PUT /connectors/{key}/syncInformation/{id}/incomingChangesIgnored}. */
  IGNORE_INCOMING_CHANGES,
  /** {@code POST /connectors/{key}/resync}. */
  RESYNC,
  /** {@code GET} and {@code DELETE /async-tasks/{id}} (only ever of the caller's own tasks). */
  TASKS,
  /** {@code GET /connectors/{key}/failedMessages} and {@code .../undeliverableMessages}. */
  READ_FAILED_MESSAGES,
  /** {@code POST /connectors/{key}/failedMessages/{id}/retry}, and of undeliverable ones. */
  RETRY_FAILED_MESSAGE,
  /**
   * {@code POST /connectors/{key}/failedMessages/{id}/skip}, and of undeliverable ones: the
   * message's changes are lost to the partner, so it is an operation of its own.
   */
  SKIP_FAILED_MESSAGE,
  /** {@code GET /connectors/{key}/status}. */
  READ_STATUS,
  /**
   * {@code GET /connectors/{key}/issues/{issueKey}/trace}: for one pair, what {@link
   * #READ_SYNC_INFORMATION} and {@link #READ_FAILED_MESSAGES} show (its row, its queued messages
   * with their errors), and its messages' outcomes with their reasons (which may quote field
   * names and tracker errors). Grant it to whom may read those.
   */
  READ_TRACE
}
