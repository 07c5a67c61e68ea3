/* lv-storage-migrations: the schema, one numbered step at a time. A step is never
 * edited once released: changes are new steps. */
#include "lv-storage.h"

/* 1: profiles, parameters, private data and history with its dedup keys. */
static const char migration_1[] =
        "CREATE TABLE profiles ("
        "  id INTEGER PRIMARY KEY,"
        "  name TEXT NOT NULL UNIQUE,"
        "  component TEXT NOT NULL DEFAULT '',"
        "  is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),"
        "  created REAL NOT NULL"
        ");"
        "CREATE UNIQUE INDEX profiles_one_default ON profiles(is_default) WHERE is_default = 1;"
        /* The argon2id hash of the profile password and the wrapped profile key. */
        "CREATE TABLE profile_secrets ("
        "  profile_id INTEGER PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,"
        "  password_hash TEXT NOT NULL,"
        "  wrapped_key TEXT NOT NULL"
        ");"
        "CREATE TABLE param_gen ("
        "  category TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
        "  PRIMARY KEY (category, name)"
        ");"
        "CREATE TABLE param_ind ("
        "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
        "  category TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
        "  PRIMARY KEY (profile_id, category, name)"
        ");"
        "CREATE TABLE private_gen ("
        "  namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
        "  PRIMARY KEY (namespace, key)"
        ");"
        "CREATE TABLE private_ind ("
        "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
        "  namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
        "  PRIMARY KEY (profile_id, namespace, key)"
        ");"
        /* One row per message, stored once whatever path it came by: the archive's
         * stanza-id and the sender's origin-id are the dedup keys (never origin-id
         * alone: two senders may use the same one). */
        "CREATE TABLE history ("
        "  id INTEGER PRIMARY KEY,"
        "  uid TEXT NOT NULL UNIQUE,"
        "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
        "  archive_jid TEXT,"
        "  stanza_id TEXT,"
        "  origin_id TEXT,"
        "  sender_bare TEXT NOT NULL,"
        "  source TEXT NOT NULL, source_res TEXT,"
        "  dest TEXT NOT NULL, dest_res TEXT,"
        "  timestamp REAL NOT NULL,"
        "  received_timestamp REAL,"
        "  type TEXT NOT NULL CHECK (type IN"
        "    ('chat', 'error', 'groupchat', 'headline', 'normal', 'info')),"
        "  state TEXT,"
        "  extra TEXT NOT NULL DEFAULT '{}',"
        "  UNIQUE (profile_id, archive_jid, stanza_id),"
        "  UNIQUE (profile_id, sender_bare, origin_id)"
        ");"
        "CREATE INDEX history_profile_time ON history(profile_id, timestamp);"
        "CREATE TABLE history_message ("
        "  id INTEGER PRIMARY KEY,"
        "  history_id INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE,"
        "  message TEXT NOT NULL, language TEXT NOT NULL DEFAULT ''"
        ");"
        "CREATE INDEX history_message_history ON history_message(history_id);"
        "CREATE TABLE history_subject ("
        "  id INTEGER PRIMARY KEY,"
        "  history_id INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE,"
        "  subject TEXT NOT NULL, language TEXT NOT NULL DEFAULT ''"
        ");"
        "CREATE INDEX history_subject_history ON history_subject(history_id);"
        "CREATE VIRTUAL TABLE history_message_fts USING fts5("
        "  message, content='history_message', content_rowid='id');"
        "CREATE TRIGGER history_message_fts_ins AFTER INSERT ON history_message BEGIN"
        "  INSERT INTO history_message_fts(rowid, message) VALUES (new.id, new.message);"
        "END;"
        "CREATE TRIGGER history_message_fts_del AFTER DELETE ON history_message BEGIN"
        "  INSERT INTO history_message_fts(history_message_fts, rowid, message)"
        "    VALUES ('delete', old.id, old.message);"
        "END;"
        "CREATE TRIGGER history_message_fts_upd AFTER UPDATE ON history_message BEGIN"
        "  INSERT INTO history_message_fts(history_message_fts, rowid, message)"
        "    VALUES ('delete', old.id, old.message);"
        "  INSERT INTO history_message_fts(rowid, message) VALUES (new.id, new.message);"
        "END;";

/* 2: what the history needs to be fast and to catch up: the MAM point per archive,
 * the outbox, and indexes for the conversation queries of historyGet. */
static const char migration_2[] =
        /* Where the last complete MAM catch-up of an archive (our own, a room) ended. */
        "CREATE TABLE mam_catchup ("
        "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
        "  archive_jid TEXT NOT NULL,"
        "  last_id TEXT NOT NULL,"
        "  timestamp REAL NOT NULL,"
        "  PRIMARY KEY (profile_id, archive_jid)"
        ") WITHOUT ROWID;"
        /* The outbox: only the few rows still pending are in it. */
        "CREATE INDEX history_pending ON history(profile_id, timestamp) WHERE state = 'pending';"
        /* Both directions of a conversation under one key, already in time order, so
         * that "the last 100 between A and B" reads 100 entries. The implicit rowid
         * at the end of each index orders ties like the queries do. */
        "CREATE INDEX history_pair ON history(profile_id, min(source, dest), max(source, dest),"
        "  timestamp);"
        /* One side only: from someone, to someone, or either (two index ranges). */
        "CREATE INDEX history_source ON history(profile_id, source, timestamp);"
        "CREATE INDEX history_dest ON history(profile_id, dest, timestamp);";

/* 3: bookmarks kept in libervia.db (bookmarksAdd with location "local"): one row
 * per profile, type (muc, url) and location (room JID or URL), the bookmark's data
 * (name, nick, autojoin…) as a JSON object of strings, as Libervia keeps its
 * dict. */
static const char migration_3[] =
        "CREATE TABLE bookmarks_local ("
        "  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,"
        "  type TEXT NOT NULL CHECK (type IN ('muc', 'url')),"
        "  location TEXT NOT NULL,"
        "  data TEXT NOT NULL DEFAULT '{}',"
        "  PRIMARY KEY (profile_id, type, location)"
        ") WITHOUT ROWID;";

static const char *const migrations[] = { migration_1, migration_2, migration_3 };

G_STATIC_ASSERT(G_N_ELEMENTS(migrations) == LV_STORAGE_SCHEMA_VERSION);

const char *
lv_storage_migration_sql(int version)
{
    if (version < 1 || version > (int)G_N_ELEMENTS(migrations))
        return NULL;
    return migrations[version - 1];
}
