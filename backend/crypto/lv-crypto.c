/* lv-crypto: libsodium recipes for secrets at rest (see lv-crypto.h). */
#include "lv-crypto.h"

#include <string.h>

#include <sodium.h>

#include "lv-error.h"

#define KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SALT_BYTES crypto_pwhash_SALTBYTES
#define TAG "lv1$"

/* Interactive limits: about 50 ms and 64 MiB here, per unlock. */
#define PWHASH_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PWHASH_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

struct _LvSecretKey {
    unsigned char *bytes; /* sodium_malloc'd, read-only, KEY_BYTES long */
};

gboolean
lv_crypto_init(GError **error)
{
    if (sodium_init() < 0) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_INTERNAL, "libsodium failed to start");
        return FALSE;
    }
    return TRUE;
}

static LvSecretKey *
secret_key_new(void)
{
    LvSecretKey *key = g_new0(LvSecretKey, 1);

    key->bytes = sodium_malloc(KEY_BYTES);
    g_assert(key->bytes != NULL);
    return key;
}

static void
secret_key_seal(LvSecretKey *key)
{
    sodium_mprotect_readonly(key->bytes);
}

LvSecretKey *
lv_secret_key_new_random(void)
{
    LvSecretKey *key = secret_key_new();

    crypto_aead_xchacha20poly1305_ietf_keygen(key->bytes);
    secret_key_seal(key);
    return key;
}

LvSecretKey *
lv_secret_key_copy(const LvSecretKey *key)
{
    LvSecretKey *copy = secret_key_new();

    memcpy(copy->bytes, key->bytes, KEY_BYTES);
    secret_key_seal(copy);
    return copy;
}

void
lv_secret_key_free(LvSecretKey *key)
{
    if (key == NULL)
        return;
    sodium_free(key->bytes); /* wipes first */
    g_free(key);
}

char *
lv_crypto_hash_password(const char *password, GError **error)
{
    char hash[crypto_pwhash_STRBYTES];

    if (crypto_pwhash_str(hash, password, strlen(password), PWHASH_OPS, PWHASH_MEM) != 0) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_INTERNAL,
                            "not enough memory to hash the password");
        return NULL;
    }
    return g_strdup(hash);
}

gboolean
lv_crypto_password_needs_rehash(const char *hash)
{
    /* -1 (not an argon2 hash at all) counts too: it is replaced by a good one. */
    return crypto_pwhash_str_needs_rehash(hash, PWHASH_OPS, PWHASH_MEM) != 0;
}

/* Derives the key-wrapping key from @password and @salt into @out (KEY_BYTES). */
static gboolean
derive(unsigned char *out, const char *password, const unsigned char *salt, GError **error)
{
    if (crypto_pwhash(out, KEY_BYTES, password, strlen(password), salt, PWHASH_OPS, PWHASH_MEM,
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_INTERNAL,
                            "not enough memory to derive the key");
        return FALSE;
    }
    return TRUE;
}

static char *
encode(const unsigned char *data, gsize length)
{
    g_autofree char *b64 = g_base64_encode(data, length);

    return g_strconcat(TAG, b64, NULL);
}

/* The bytes of a "lv1$base64" text, or NULL if it is not one (transfer full). */
static guchar *
decode(const char *text, gsize *length)
{
    if (text == NULL || !g_str_has_prefix(text, TAG))
        return NULL;
    const char *b64 = text + strlen(TAG);
    for (const char *p = b64; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && *p != '+' && *p != '/' && *p != '=')
            return NULL;
    }
    return g_base64_decode(b64, length);
}

char *
lv_crypto_wrap_key(const LvSecretKey *key, const char *password, GError **error)
{
    gsize length = SALT_BYTES + NONCE_BYTES + KEY_BYTES + TAG_BYTES;
    g_autofree unsigned char *blob = g_malloc(length);
    unsigned char *salt = blob;
    unsigned char *nonce = blob + SALT_BYTES;
    unsigned char *wrapping = sodium_malloc(KEY_BYTES);

    randombytes_buf(salt, SALT_BYTES);
    randombytes_buf(nonce, NONCE_BYTES);
    gboolean ok = derive(wrapping, password, salt, error);
    if (ok)
        crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + NONCE_BYTES, NULL, key->bytes, KEY_BYTES,
                                                   salt, SALT_BYTES, NULL, nonce, wrapping);
    sodium_free(wrapping);
    return ok ? encode(blob, length) : NULL;
}

LvSecretKey *
lv_crypto_unwrap_key(const char *wrapped, const char *password, GError **error)
{
    gsize length = 0;
    g_autofree guchar *blob = decode(wrapped, &length);

    if (blob == NULL || length != SALT_BYTES + NONCE_BYTES + KEY_BYTES + TAG_BYTES) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "the stored profile key is damaged");
        return NULL;
    }
    const unsigned char *salt = blob;
    const unsigned char *nonce = blob + SALT_BYTES;
    unsigned char *wrapping = sodium_malloc(KEY_BYTES);
    if (!derive(wrapping, password, salt, error)) {
        sodium_free(wrapping);
        return NULL;
    }
    LvSecretKey *key = secret_key_new();
    int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(key->bytes, NULL, NULL, nonce + NONCE_BYTES,
                                                        KEY_BYTES + TAG_BYTES, salt, SALT_BYTES,
                                                        nonce, wrapping);
    sodium_free(wrapping);
    if (rc != 0) {
        lv_secret_key_free(key);
        g_set_error_literal(error, LV_ERROR, LV_ERROR_PASSWORD, "wrong profile password");
        return NULL;
    }
    secret_key_seal(key);
    return key;
}

char *
lv_crypto_seal(const LvSecretKey *key, const char *plaintext, const char *context)
{
    gsize text_length = strlen(plaintext);
    gsize length = NONCE_BYTES + text_length + TAG_BYTES;
    g_autofree unsigned char *blob = g_malloc(length);

    randombytes_buf(blob, NONCE_BYTES);
    crypto_aead_xchacha20poly1305_ietf_encrypt(
            blob + NONCE_BYTES, NULL, (const unsigned char *)plaintext, text_length,
            (const unsigned char *)context, strlen(context), NULL, blob, key->bytes);
    return encode(blob, length);
}

char *
lv_crypto_open(const LvSecretKey *key, const char *sealed, const char *context, GError **error)
{
    gsize length = 0;
    g_autofree guchar *blob = decode(sealed, &length);

    if (blob == NULL || length < NONCE_BYTES + TAG_BYTES) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_ENCRYPTION, "the stored secret is damaged");
        return NULL;
    }
    gsize text_length = length - NONCE_BYTES - TAG_BYTES;
    char *plaintext = g_malloc(text_length + 1);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                (unsigned char *)plaintext, NULL, NULL, blob + NONCE_BYTES, length - NONCE_BYTES,
                (const unsigned char *)context, strlen(context), blob, key->bytes) != 0) {
        g_free(plaintext);
        g_set_error_literal(error, LV_ERROR, LV_ERROR_ENCRYPTION,
                            "the stored secret does not open with this profile's key");
        return NULL;
    }
    plaintext[text_length] = '\0';
    return plaintext;
}

void
lv_crypto_wipe(char *secret)
{
    if (secret != NULL)
        sodium_memzero(secret, strlen(secret));
}

void
lv_crypto_free_secret(char *secret)
{
    lv_crypto_wipe(secret);
    g_free(secret);
}
