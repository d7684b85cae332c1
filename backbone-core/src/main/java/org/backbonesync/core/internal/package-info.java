/**
 * The engine's implementation; not API, may change in any release.
 *
 * <p>Data flows one way. Going out: {@link org.backbonesync.core.internal.ChangeDetection} (the
 * poll: which fields people changed) and {@link org.backbonesync.core.internal.Resender} (an
 * issue whole, or an admin's resync) read issues through {@link
 * org.backbonesync.core.internal.IssueValues} and {@link
 * org.backbonesync.core.internal.OutgoingContent}, and hand each message to the {@link
 * org.backbonesync.core.internal.Outbox}, the only code that builds a message and records what was
 * sent; {@link org.backbonesync.core.internal.Delivery} sends the outbox, or the outbox hands a
 * message straight to a partner connector of this engine ({@link
 * org.backbonesync.core.internal.Handover}). Coming in: {@link
 * org.backbonesync.core.internal.IncomingQueue} claims pairs and {@link
 * org.backbonesync.core.internal.ApplyRounds} applies their messages in order, with {@link
 * org.backbonesync.core.internal.PairOrder} deciding which message is next (it applies nothing),
 * {@link org.backbonesync.core.internal.ConflictResolver} deciding each field (it writes nothing)
 * and {@link org.backbonesync.core.internal.PartnerRows} judging which row a message is for
 * ({@link org.backbonesync.core.internal.SenderRows} finds, makes again and updates it); what
 * an apply must answer goes out through the outbox or the resender, never back through detection.
 * {@link org.backbonesync.core.internal.DefaultSyncEngine} wires one set per local connector.
 *
 * <p>Field values and content are apart. A field mapping sends a value and the receiver weighs
 * it against its own changes; a {@link org.backbonesync.core.internal.ContentFlow} (comments:
 * {@link org.backbonesync.core.internal.CommentSync}, worklogs: {@link
 * org.backbonesync.core.internal.WorklogSync}, attachments: {@link
 * org.backbonesync.core.internal.AttachmentSync}, all {@link
 * org.backbonesync.core.internal.LinkedFlow}s; issue links: {@link
 * org.backbonesync.core.internal.LinkSync}, paired per connector) sends operations on items
 * since the pair's links, in the message's {@code content} section, and keeps the links. The
 * queues, the resender and the applier handle every flow alike: another kind of content is one
 * more flow class, made in {@link org.backbonesync.core.internal.Connector}, plus its tracker
 * calls and links (as worklogs were). Messages of format version 2 carried the operations in
 * {@code fields}, version 3 the issue links as a list there; {@link
 * org.backbonesync.core.internal.FormatUpgrade} moves them when such a message, queued before an
 * upgrade, is applied.
 *
 * <p>May use the SPI ({@code org.backbonesync.spi}), the core's public API, Jackson and SLF4J.
 */
package org.backbonesync.core.internal;
