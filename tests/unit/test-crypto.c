/* Tests of lv-crypto: secrets at rest. */
#include <string.h>

#include <sodium.h>

#include "lv-crypto.h"
#include "lv-error.h"

/* Made once with this code: the format and algorithms must keep opening them. */
#define KAT_PASSWORD "correct horse"
#define KAT_WRAPPED                                                                                \
    "lv1$C0mA/dqyhd6iiE2fnwfOB7fyPhG4xqYL85y5wBukR1j0f6j5OTEn6+oQQD1pYQI2Gg7xjRB3p4rZYNQhsRaaj"    \
    "CLV/AqYdtXpl6KooHjwp6sTEF13RiG76w=="
#define KAT_SEALED "lv1$dmWL8/9kqmlTfILOXMeNb6YI9g2Vrmz7wB7ZCtIq0xIsijNwHo1k3E2KiBx6HBp78QCq4d4G"
#define KAT_CONTEXT "1/Connection/Password"
#define KAT_PLAINTEXT "xmpp-pässword"

static void
test_known_answer(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvSecretKey) key = lv_crypto_unwrap_key(KAT_WRAPPED, KAT_PASSWORD, &error);

    g_assert_no_error(error);
    char *plaintext = lv_crypto_open(key, KAT_SEALED, KAT_CONTEXT, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(plaintext, ==, KAT_PLAINTEXT);
    lv_crypto_free_secret(plaintext);
}

/* TRUE if @password matches @hash: the backend never compares (the profile password
 * proves itself by unwrapping the profile key), so the test asks libsodium directly. */
static gboolean
hash_matches(const char *hash, const char *password)
{
    /* libsodium declares its argument a crypto_pwhash_STRBYTES array: a short string
     * ("garbage") goes in a buffer of that size. */
    char str[crypto_pwhash_STRBYTES] = { 0 };

    g_strlcpy(str, hash, sizeof str);
    return crypto_pwhash_str_verify(str, password, strlen(password)) == 0;
}

static void
test_password_hash(void)
{
    g_autofree char *hash = lv_crypto_hash_password("s3cret", NULL);

    g_assert_true(g_str_has_prefix(hash, "$argon2id$"));
    g_assert_null(strstr(hash, "s3cret"));
    g_assert_true(hash_matches(hash, "s3cret"));
    g_assert_false(hash_matches(hash, "s3cret "));
    g_assert_false(hash_matches(hash, ""));
    g_assert_false(hash_matches("garbage", "s3cret"));
}

/* K1: argon2id with libsodium's INTERACTIVE limits; weaker (older) limits are
 * recognised so that the next unlock re-hashes. */
static void
test_K1_hash_parameters_and_rehash(void)
{
    g_autofree char *hash = lv_crypto_hash_password("s3cret", NULL);

    g_assert_true(g_str_has_prefix(hash, "$argon2id$v=19$m=65536,t=2,p=1$"));
    g_assert_false(lv_crypto_password_needs_rehash(hash));
    /* The same password hashed with t=1 and 8 MiB (crypto_pwhash_str, libsodium 1.0.18). */
    char weak[crypto_pwhash_STRBYTES];
    g_assert_cmpint(crypto_pwhash_str(weak, "s3cret", 6, 1, 8 * 1024 * 1024), ==, 0);
    g_assert_true(g_str_has_prefix(weak, "$argon2id$v=19$m=8192,t=1,p=1$"));
    g_assert_true(hash_matches(weak, "s3cret"));
    g_assert_true(lv_crypto_password_needs_rehash(weak));
    g_assert_true(lv_crypto_password_needs_rehash("garbage"));
}

static void
test_wrap_round_trip_and_rewrap(void)
{
    g_autoptr(LvSecretKey) key = lv_secret_key_new_random();
    g_autofree char *sealed = lv_crypto_seal(key, "xmpp secret", "ctx");
    g_autofree char *wrapped = lv_crypto_wrap_key(key, "old", NULL);
    g_autoptr(GError) error = NULL;

    g_autoptr(LvSecretKey) unwrapped = lv_crypto_unwrap_key(wrapped, "old", &error);
    g_assert_no_error(error);
    /* A new password wraps the same key: what it sealed still opens. */
    g_autofree char *rewrapped = lv_crypto_wrap_key(unwrapped, "new", NULL);
    g_assert_cmpstr(rewrapped, !=, wrapped);
    g_autoptr(LvSecretKey) again = lv_crypto_unwrap_key(rewrapped, "new", &error);
    g_assert_no_error(error);
    char *plaintext = lv_crypto_open(again, sealed, "ctx", &error);
    g_assert_cmpstr(plaintext, ==, "xmpp secret");
    lv_crypto_free_secret(plaintext);
}

static void
test_wrong_password(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvSecretKey) key = lv_crypto_unwrap_key(KAT_WRAPPED, "wrong horse", &error);

    g_assert_null(key);
    g_assert_error(error, LV_ERROR, LV_ERROR_PASSWORD);
}

static void
test_empty_password_allowed(void)
{
    g_autoptr(LvSecretKey) key = lv_secret_key_new_random();
    g_autofree char *wrapped = lv_crypto_wrap_key(key, "", NULL);
    g_autoptr(LvSecretKey) unwrapped = lv_crypto_unwrap_key(wrapped, "", NULL);

    g_assert_nonnull(unwrapped);
}

/* K3: a changed byte, a value moved to another place, garbage: all refused. */
static void
test_tampering_refused(void)
{
    g_autoptr(LvSecretKey) key = lv_crypto_unwrap_key(KAT_WRAPPED, KAT_PASSWORD, NULL);
    g_autofree char *sealed = g_strdup(KAT_SEALED);
    g_autoptr(GError) error = NULL;

    /* One changed character in the ciphertext. */
    sealed[20] = sealed[20] == 'A' ? 'B' : 'A';
    g_assert_null(lv_crypto_open(key, sealed, KAT_CONTEXT, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_ENCRYPTION);
    g_clear_error(&error);
    /* The right ciphertext in the wrong place. */
    g_assert_null(lv_crypto_open(key, KAT_SEALED, "2/Connection/Password", &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_ENCRYPTION);
    g_clear_error(&error);
    /* Not a sealed value at all. */
    const char *garbage[] = { "", "lv1$", "lv1$!!!!", "plain", "lv1$AAAA" };
    for (gsize i = 0; i < G_N_ELEMENTS(garbage); i++) {
        g_assert_null(lv_crypto_open(key, garbage[i], KAT_CONTEXT, &error));
        g_assert_error(error, LV_ERROR, LV_ERROR_ENCRYPTION);
        g_clear_error(&error);
        g_assert_null(lv_crypto_unwrap_key(garbage[i], KAT_PASSWORD, &error));
        g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
        g_clear_error(&error);
    }
    /* A tampered wrapped key reads as a wrong password: nothing tells them apart. */
    g_autofree char *wrapped = g_strdup(KAT_WRAPPED);
    wrapped[60] = wrapped[60] == 'A' ? 'B' : 'A';
    g_assert_null(lv_crypto_unwrap_key(wrapped, KAT_PASSWORD, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_PASSWORD);
}

static void
test_seal_hides_plaintext(void)
{
    g_autoptr(LvSecretKey) key = lv_secret_key_new_random();
    g_autofree char *a = lv_crypto_seal(key, "same", "ctx");
    g_autofree char *b = lv_crypto_seal(key, "same", "ctx");

    g_assert_cmpstr(a, !=, b); /* fresh nonce each time */
    g_assert_null(strstr(a, "same"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_assert_true(lv_crypto_init(NULL));
    g_test_add_func("/lv/crypto/known-answer", test_known_answer);
    g_test_add_func("/lv/crypto/password-hash", test_password_hash);
    g_test_add_func("/lv/crypto/K1-hash-parameters-and-rehash", test_K1_hash_parameters_and_rehash);
    g_test_add_func("/lv/crypto/wrap/round-trip-and-rewrap", test_wrap_round_trip_and_rewrap);
    g_test_add_func("/lv/crypto/wrap/wrong-password", test_wrong_password);
    g_test_add_func("/lv/crypto/wrap/empty-password-allowed", test_empty_password_allowed);
    g_test_add_func("/lv/crypto/tampering-refused", test_tampering_refused);
    g_test_add_func("/lv/crypto/seal-hides-plaintext", test_seal_hides_plaintext);
    return g_test_run();
}
