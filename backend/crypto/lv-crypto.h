/* lv-crypto: secrets at rest, with libsodium.
 *
 * - The profile password is kept only as an argon2id hash (crypto_pwhash_str).
 * - Each profile has a random key; secret parameters (the XMPP password first) are
 *   sealed with XChaCha20-Poly1305 under it, bound to where they are stored.
 * - That key is stored wrapped by a key derived with argon2id from the profile
 *   password, so changing the password re-wraps one key and re-encrypts nothing.
 * - Keys live in sodium_malloc'd memory, read-only between uses, wiped on free.
 * Stored texts start with a version tag ("lv1$") so the format can evolve.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A profile key: opaque, never printable, wiped when freed. */
typedef struct _LvSecretKey LvSecretKey;

/* Initialises libsodium; safe to call more than once. */
gboolean lv_crypto_init(GError **error);

/* A new random key (transfer full). */
LvSecretKey *lv_secret_key_new_random(void);
/* A copy of @key, for a worker that must not share the session's (transfer full). */
LvSecretKey *lv_secret_key_copy(const LvSecretKey *key);
void lv_secret_key_free(LvSecretKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvSecretKey, lv_secret_key_free)

/* The argon2id hash of @password in crypto_pwhash_str's format (transfer full).
 * Slow on purpose (tens of ms): call from a worker thread. */
char *lv_crypto_hash_password(const char *password, GError **error);

/* TRUE if @hash was made with other limits than today's: re-hash it once the password
 * is known to be right, so stronger limits reach old profiles. */
gboolean lv_crypto_password_needs_rehash(const char *hash);

/* @key wrapped by a key derived from @password with a fresh salt (transfer full).
 * Slow on purpose: call from a worker thread. */
char *lv_crypto_wrap_key(const LvSecretKey *key, const char *password, GError **error);

/* The key inside @wrapped; LV_ERROR_PASSWORD if @password is wrong or @wrapped was
 * altered, LV_ERROR_DATA if it is not a wrapped key (transfer full). */
LvSecretKey *lv_crypto_unwrap_key(const char *wrapped, const char *password, GError **error);

/* @plaintext sealed under @key; @context (e.g. "profile/category/name") is
 * authenticated, so a sealed value moved elsewhere does not open (transfer full). */
char *lv_crypto_seal(const LvSecretKey *key, const char *plaintext, const char *context);

/* The plaintext of @sealed, or NULL and LV_ERROR_ENCRYPTION if the key, the context
 * or the text is wrong. Free it with lv_crypto_free_secret() (transfer full). */
char *lv_crypto_open(const LvSecretKey *key, const char *sealed, const char *context,
                     GError **error);

/* Wipes a secret string in place (NULL allowed). */
void lv_crypto_wipe(char *secret);

/* Wipes and frees a secret string. */
void lv_crypto_free_secret(char *secret);

G_END_DECLS
