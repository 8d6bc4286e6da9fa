-- Reserved on the person-record branch for the directory's migration 0002,
-- which is built in parallel: migrations must be numbered without gaps.
-- When the branches are merged, the directory's file of this name replaces
-- this one.
SELECT 1;
