-- Whether a comment or worklog link's item is a copy the sync wrote of an item of a partner issue
-- that a Jira site restore lost, sent since to the issue's new partner as this side's own
-- (CommentLink.carried, WorklogLink.carried): a whole sends it, and a partner's whole does not
-- delete it. False for the links of before.
ALTER TABLE bb_comment_link ADD COLUMN carried BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE bb_worklog_link ADD COLUMN carried BOOLEAN DEFAULT FALSE NOT NULL;
