# Sourced by the benchmark scripts: copy_database SOURCE COPY copies a SQLite benchmark
# database (the real file behind a symlink) with its write-ahead log and its logbook beside
# it (`x.sqlite` → `x.logboek.sqlite`), so that a run never changes the seeded original.
copy_database() {
  local real copy=$2 logbook
  real=$(readlink -f "$1")
  cp --reflink=auto "$real" "$copy"
  if [ -f "$real-wal" ]; then cp --reflink=auto "$real-wal" "$copy-wal"; fi
  logbook=${real%.sqlite}.logboek.sqlite
  if [ -f "$logbook" ]; then
    cp --reflink=auto "$logbook" "${copy%.sqlite}.logboek.sqlite"
    if [ -f "$logbook-wal" ]; then cp --reflink=auto "$logbook-wal" "${copy%.sqlite}.logboek.sqlite-wal"; fi
  fi
}
