-- Inbox and outbox entries are found by message id, their connector compared as an expression
-- no index holds (JdbcMessageStore), so that the only index they can be found through is this
-- one, whatever the statistics say. With the connector first, PostgreSQL's plan made while a
-- queue was short went through the connector's other index (bb_inbox_source, bb_outbox_order)
-- and read every entry of the connector on each delete.
ALTER TABLE bb_outbox DROP CONSTRAINT bb_outbox_message;
ALTER TABLE bb_outbox ADD CONSTRAINT bb_outbox_message UNIQUE (message_id, connector_key);
ALTER TABLE bb_inbox DROP CONSTRAINT bb_inbox_message;
ALTER TABLE bb_inbox ADD CONSTRAINT bb_inbox_message UNIQUE (message_id, connector_key);
