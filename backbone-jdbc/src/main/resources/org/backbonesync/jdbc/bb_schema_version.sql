-- Backbone Sync's schema history, for a DBA who applies the scripts by hand and starts the
-- library with JdbcStores.open(dataSource, JdbcStores.Schema.VALIDATE), which changes nothing.
-- A new database: apply V1__initial.sql, V2__outbox_order.sql, ... in order, then this file.
-- An upgrade: apply each new script, then only its INSERT line below.
-- The checksum is the SHA-256 of the script's text (line endings as LF), in lowercase hex.
CREATE TABLE IF NOT EXISTS bb_schema_version (
  version INT PRIMARY KEY,
  script VARCHAR(255) NOT NULL,
  checksum VARCHAR(64)
);
INSERT INTO bb_schema_version (version, script, checksum) VALUES (1, 'V1__initial.sql', '2d81add474512eef97f940edb84e5911300889795a32088d03908f2b0aaed72e');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (2, 'V2__outbox_order.sql', 'e581966f8929e86d5278daef554513c2275a2c0e3785c9d01d3cb27094ee9370');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (3, 'V3__envelope_ids.sql', 'e6fd180400cd3a5faccde302525c91982760e50a772c653a49880db0503f8efa');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (4, 'V4__partner_rows.sql', '69f7db1ff2fe5a897bb25d2d89592a1cd0019427c102418085c62a4e396f1899');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (5, 'V5__row_made_at.sql', '03c55a643ecb347ad5dd5c268c4f0c8991c1a2df6ec4629934fc347027007138');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (6, 'V6__pending_value.sql', '98536fe270ab8792c32834ccc9e7fd1a29cc10ab01fe26ecff7401a2f9276bdc');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (7, 'V7__trace.sql', '0dff61abcc26bc26bc3f5691b5fc882ce96e875af6e60c7034b2849a6fc4a12a');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (8, 'V8__issue_links.sql', '4e77a3c3bc7a6e4e2496d68790d6ca6e0d20612df4347c55789b4f313b7abed2');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (9, 'V9__worklog_links.sql', '11e15c229e475e91eec054fb73872da53cff0c2cde2d76ce054077277a5b34a4');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (10, 'V10__row_stamp.sql', 'd87168256038d005dfa36283b6e4df503d568b8681c88df7d44787b3cc517702');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (11, 'V11__message_id_first.sql', '2896ca5ae005807e5a037ae31a7da6a9f6339d246f0626fd4c34e47df6b91dbe');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (12, 'V12__skipped_base.sql', '64c911de10e82e9818d6c0f23c4a6c6eefe3493b39e42df55c81c584a54e328d');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (13, 'V13__conflict_issue.sql', 'fb319746ad3150f22d42681c3dc3bf9b7b668d938768174ad9329735bd8ae1f5');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (14, 'V14__ignored_by_admin.sql', 'cc147e564f5a5f56c941ed20d8c942f5845710f432d507bc2053315ec0a94da3');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (15, 'V15__removed_row.sql', 'c92885bf77bd9deea054fa8fd7b7928ae5f921dee10866700e2b0da4f29980a3');
INSERT INTO bb_schema_version (version, script, checksum) VALUES (16, 'V16__carried_links.sql', 'dff45d83632a354a080f708ca96c45a99b49f1f592bf54ecfcbe76d21c0de6a5');
