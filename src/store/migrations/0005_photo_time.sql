-- A camera whose clock says 2099 still took the photo: the time it wrote is kept, flagged, in
-- its own column, and `taken_at` (what reports print and sort by) stays empty. NULL when the
-- EXIF time was plausible or absent.
ALTER TABLE photo ADD COLUMN taken_at_raw TEXT;
