/* lv-storage: libervia.db, the one SQLite file of the backend.
 *
 * Opening it creates local_dir's libervia.db (0600) if missing, turns on WAL and
 * foreign keys, and brings the schema up to date with numbered migrations, each in
 * one transaction. A database from a newer schema, one made by Libervia 0.9 (it has
 * an alembic_version table) or a file that is not a database is refused and left
 * as it is. Every statement is fixed SQL text with bound values.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef struct _LvStorage LvStorage;

/* The schema version this build creates and understands. */
#define LV_STORAGE_SCHEMA_VERSION 3

/* Opens (creating if needed) @local_dir/libervia.db. Errors are LV_ERROR_DATABASE
 * naming the file and what to do (transfer full). */
LvStorage *lv_storage_open(const char *local_dir, GError **error);
void lv_storage_close(LvStorage *storage);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvStorage, lv_storage_close)

/* The path of the database file (transfer none). */
const char *lv_storage_get_path(LvStorage *storage);
int lv_storage_get_schema_version(LvStorage *storage);

/* A prepared statement for @sql, reset and unbound, owned by @storage (transfer
 * none); NULL and LV_ERROR_DATABASE if it does not compile. */
sqlite3_stmt *lv_storage_prepare(LvStorage *storage, const char *sql, GError **error);

/* Transactions: a failed write rolls back whole. */
gboolean lv_storage_begin(LvStorage *storage, GError **error);
gboolean lv_storage_commit(LvStorage *storage, GError **error);
void lv_storage_rollback(LvStorage *storage);

/* A write of several statements that lands whole or not at all, usable both alone
 * and inside a caller's transaction: it opens a transaction of its own when none is
 * open (*@own is then TRUE), else a savepoint, so that a failure undoes only this
 * write and leaves the caller's transaction usable. End with lv_storage_write_end()
 * or, on failure, lv_storage_write_abort() with the same @own. (SQLite itself rolls
 * back a whole transaction on some disk-full and I/O errors: the caller's commit
 * then fails, and nothing of it is written.) */
gboolean lv_storage_write_begin(LvStorage *storage, gboolean *own, GError **error);

/* A transaction whose writes take no savepoint each: a failed write leaves it
 * half done, and the caller must then roll the whole batch back. For the message
 * batches, which do so anyway: a savepoint per message made FTS5 flush its pending
 * index at each one (a full-text segment per message, a third of the insert's cost). */
gboolean lv_storage_begin_batch(LvStorage *storage, GError **error);
gboolean lv_storage_write_end(LvStorage *storage, gboolean own, GError **error);
void lv_storage_write_abort(LvStorage *storage, gboolean own);

/* Runs a prepared statement to completion (no rows expected). */
gboolean lv_storage_step_done(LvStorage *storage, sqlite3_stmt *stmt, GError **error);

/* Sets @error from SQLite's last error on @storage with @what as context. */
gboolean lv_storage_fail(LvStorage *storage, const char *what, GError **error);

/* The migrations (lv-storage-migrations.c): the SQL of step @version (1-based), or
 * NULL past the last one (transfer none). */
const char *lv_storage_migration_sql(int version);

G_END_DECLS
