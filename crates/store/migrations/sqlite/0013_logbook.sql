-- The two logs live in a file of their own next to this one (`<database>.logboek.sqlite`,
-- attached as `logboek`; see src/logbook.rs). This table holds the random token that ties
-- that file to this database; at start the store moves the log tables this database had
-- (migrations 0002, 0007, 0008) into it, rows unchanged.
CREATE TABLE logbook_link (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    token  TEXT NOT NULL
);
