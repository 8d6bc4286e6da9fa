-- Reserved on the MDT branch for the referrals' migration 0004, which is
-- built in parallel: migrations must be numbered without gaps. When the
-- branches are merged, the referrals' file of this name replaces this one.
SELECT 1;
