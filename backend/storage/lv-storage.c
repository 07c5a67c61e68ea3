/* lv-storage: opening libervia.db safely and migrating it (see lv-storage.h). */
#include "lv-storage.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lv-error.h"
#include "lv-paths.h"

/* Short: the main loop must never wait long on a lock (another process). */
#define BUSY_TIMEOUT_MS 100

struct _LvStorage {
    char *path;
    sqlite3 *db;
    GHashTable *statements; /* SQL text → sqlite3_stmt* */
    int schema_version;
    gboolean batch; /* the open transaction is a batch (lv_storage_begin_batch) */
};

gboolean
lv_storage_fail(LvStorage *storage, const char *what, GError **error)
{
    int code = sqlite3_extended_errcode(storage->db);
    const char *hint = "";

    if ((code & 0xff) == SQLITE_FULL)
        hint = " (the disk is full)";
    else if ((code & 0xff) == SQLITE_READONLY || (code & 0xff) == SQLITE_CANTOPEN)
        hint = " (check that the directory is writable)";
    g_set_error(error, LV_ERROR, LV_ERROR_DATABASE, "%s: %s: %s%s", storage->path, what,
                sqlite3_errmsg(storage->db), hint);
    return FALSE;
}

sqlite3_stmt *
lv_storage_prepare(LvStorage *storage, const char *sql, GError **error)
{
    sqlite3_stmt *stmt = g_hash_table_lookup(storage->statements, sql);

    if (stmt != NULL) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        return stmt;
    }
    if (sqlite3_prepare_v3(storage->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) !=
        SQLITE_OK) {
        lv_storage_fail(storage, "cannot prepare a statement", error);
        return NULL;
    }
    g_hash_table_insert(storage->statements, (gpointer)sql, stmt);
    return stmt;
}

gboolean
lv_storage_step_done(LvStorage *storage, sqlite3_stmt *stmt, GError **error)
{
    int rc = sqlite3_step(stmt);

    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return lv_storage_fail(storage, "write failed", error);
    return TRUE;
}

static gboolean
exec(LvStorage *storage, const char *sql, const char *what, GError **error)
{
    if (sqlite3_exec(storage->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return lv_storage_fail(storage, what, error);
    return TRUE;
}

gboolean
lv_storage_begin(LvStorage *storage, GError **error)
{
    return exec(storage, "BEGIN IMMEDIATE", "cannot start a transaction", error);
}

gboolean
lv_storage_begin_batch(LvStorage *storage, GError **error)
{
    storage->batch = lv_storage_begin(storage, error);
    return storage->batch;
}

gboolean
lv_storage_commit(LvStorage *storage, GError **error)
{
    storage->batch = FALSE;
    if (exec(storage, "COMMIT", "cannot commit", error))
        return TRUE;
    lv_storage_rollback(storage);
    return FALSE;
}

void
lv_storage_rollback(LvStorage *storage)
{
    storage->batch = FALSE;
    if (!sqlite3_get_autocommit(storage->db))
        sqlite3_exec(storage->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The savepoint statements are prepared once: a batch of 1000 messages runs them
 * 1000 times. */
static gboolean
run_cached(LvStorage *storage, const char *sql, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(storage, sql, error);

    return stmt != NULL && lv_storage_step_done(storage, stmt, error);
}

gboolean
lv_storage_write_begin(LvStorage *storage, gboolean *own, GError **error)
{
    *own = sqlite3_get_autocommit(storage->db) != 0;
    if (*own)
        return lv_storage_begin(storage, error);
    if (storage->batch)
        return TRUE;
    return run_cached(storage, "SAVEPOINT lv_write", error);
}

gboolean
lv_storage_write_end(LvStorage *storage, gboolean own, GError **error)
{
    if (own)
        return lv_storage_commit(storage, error);
    if (storage->batch || run_cached(storage, "RELEASE lv_write", error))
        return TRUE;
    lv_storage_write_abort(storage, FALSE);
    return FALSE;
}

void
lv_storage_write_abort(LvStorage *storage, gboolean own)
{
    /* Nothing left to undo if SQLite already rolled the whole transaction back. */
    if (own || sqlite3_get_autocommit(storage->db)) {
        lv_storage_rollback(storage);
        return;
    }
    if (storage->batch) /* undone with the whole batch */
        return;
    if (!run_cached(storage, "ROLLBACK TO lv_write", NULL) ||
        !run_cached(storage, "RELEASE lv_write", NULL))
        g_warning("%s: cannot undo a failed write: %s", storage->path, sqlite3_errmsg(storage->db));
}

/* One integer from a query returning one row. */
static gboolean
query_int(LvStorage *storage, const char *sql, int *value, GError **error)
{
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_prepare_v2(storage->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return lv_storage_fail(storage, "cannot read the database", error);
    int rc = sqlite3_step(stmt);
    *value = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return lv_storage_fail(storage, "cannot read the database", error);
    return TRUE;
}

/* Refuses what we must not touch, before anything is written. */
static gboolean
check_foreign(LvStorage *storage, GError **error)
{
    int alembic = 0;

    if (!query_int(storage,
                   "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                   "name = 'alembic_version'",
                   &alembic, error)) {
        g_prefix_error(error, "not a database we can use: ");
        return FALSE;
    }
    if (alembic > 0) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATABASE,
                    "%s was created by Libervia 0.9 (Python): this backend never migrates or "
                    "writes it. Move it away, or set local_dir in libervia.conf to another "
                    "directory",
                    storage->path);
        return FALSE;
    }
    if (!query_int(storage, "PRAGMA user_version", &storage->schema_version, error))
        return FALSE;
    if (storage->schema_version > LV_STORAGE_SCHEMA_VERSION) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATABASE,
                    "%s has schema version %d, newer than this backend knows (%d): it is left "
                    "untouched; run a newer libervia-backend",
                    storage->path, storage->schema_version, LV_STORAGE_SCHEMA_VERSION);
        return FALSE;
    }
    return TRUE;
}

static gboolean
migrate(LvStorage *storage, GError **error)
{
    for (int v = storage->schema_version + 1; v <= LV_STORAGE_SCHEMA_VERSION; v++) {
        g_autofree char *bump = g_strdup_printf("PRAGMA user_version = %d", v);
        if (!lv_storage_begin(storage, error))
            return FALSE;
        if (!exec(storage, lv_storage_migration_sql(v), "migration failed", error) ||
            !exec(storage, bump, "migration failed", error) || !lv_storage_commit(storage, error)) {
            lv_storage_rollback(storage);
            g_prefix_error(error, "schema step %d: ", v);
            return FALSE;
        }
        storage->schema_version = v;
        g_info("database %s migrated to schema version %d", storage->path, v);
    }
    return TRUE;
}

/* Creates the file 0600 ourselves: SQLite would follow the umask. */
static gboolean
create_private_file(const char *path, GError **error)
{
    int fd = g_open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0) {
        int saved = errno;
        g_set_error(error, LV_ERROR, LV_ERROR_DATABASE, "cannot create %s: %s", path,
                    g_strerror(saved));
        return FALSE;
    }
    close(fd);
    return TRUE;
}

/* local_dir 0700 and the database files 0600 whatever made them wider. Before
 * SQLite opens anything: it creates -wal and -shm with the database file's mode. */
static gboolean
make_private(LvStorage *storage, const char *local_dir, GError **error)
{
    const char *suffixes[] = { "", "-wal", "-shm" };

    if (!lv_paths_make_private(local_dir, 0700, error))
        return FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        g_autofree char *path = g_strconcat(storage->path, suffixes[i], NULL);
        if (!lv_paths_make_private(path, 0600, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
configure(LvStorage *storage, GError **error)
{
    sqlite3_busy_timeout(storage->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(storage->db, 1);
    return check_foreign(storage, error) &&
           exec(storage, "PRAGMA journal_mode = WAL", "cannot enable WAL", error) &&
           exec(storage, "PRAGMA synchronous = NORMAL", "cannot set synchronous", error) &&
           exec(storage, "PRAGMA foreign_keys = ON", "cannot enable foreign keys", error) &&
           /* Savepoint journals in memory: each message of a batch runs in a savepoint,
            * and on disk its journal cost a write of every page it touched. */
           exec(storage, "PRAGMA temp_store = MEMORY", "cannot set temp_store", error) &&
           migrate(storage, error);
}

static void
finalize_stmt(gpointer stmt)
{
    sqlite3_finalize(stmt);
}

LvStorage *
lv_storage_open(const char *local_dir, GError **error)
{
    g_autoptr(LvStorage) storage = g_new0(LvStorage, 1);

    storage->path = g_build_filename(local_dir, "libervia.db", NULL);
    storage->statements = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, finalize_stmt);
    if (!lv_paths_ensure_dir(local_dir, 0700, error) || !make_private(storage, local_dir, error))
        return NULL;
    if (!g_file_test(storage->path, G_FILE_TEST_EXISTS) &&
        !create_private_file(storage->path, error))
        return NULL;
    if (sqlite3_open_v2(storage->path, &storage->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW,
                        NULL) != SQLITE_OK) {
        lv_storage_fail(storage, "cannot open", error);
        return NULL;
    }
    if (!configure(storage, error))
        return NULL;
    return g_steal_pointer(&storage);
}

void
lv_storage_close(LvStorage *storage)
{
    if (storage == NULL)
        return;
    g_hash_table_unref(storage->statements); /* finalizes the statements first */
    if (storage->db != NULL && sqlite3_close(storage->db) != SQLITE_OK)
        g_warning("closing %s: %s", storage->path, sqlite3_errmsg(storage->db));
    g_free(storage->path);
    g_free(storage);
}

const char *
lv_storage_get_path(LvStorage *storage)
{
    return storage->path;
}

int
lv_storage_get_schema_version(LvStorage *storage)
{
    return storage->schema_version;
}
