-- Lists of open (or closed) cases, newest first: the order of the index, so a page of a
-- person who may see tens of thousands of cases reads about a page of rows instead of
-- sorting them all (the list then asks "may this person see it?" per row, see db.rs).
CREATE INDEX cases_by_closed_last ON cases (closed, last_at, id);
