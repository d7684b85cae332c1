-- The outbox is read per connector in insertion order: an index for it, so that delivery does
-- not scan rows already deleted and not yet vacuumed.
CREATE INDEX bb_outbox_order ON bb_outbox (connector_key, position);
