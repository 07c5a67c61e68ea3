/* lv-plugins: the built-in plugins, registered from one table (lv-plugins.c).
 *
 * A plugin is one file named by its XEP (lv-xep-0030-disco.c defines
 * lv_xep_0030_*): its bridge methods, and what it does when the backend starts
 * and stops. Its stanza work lives in backend/xmpp/ (the account threads); the
 * plugin joins that to the bridge and to storage on the main thread. */
#pragma once

#include "lv-backend.h"

G_BEGIN_DECLS

typedef struct _LvXmppAccount LvXmppAccount;

typedef struct {
    const char *name;                  /* "XEP-0030" */
    const LvMethod *(*methods)(void);  /* NULL: none */
    void (*start)(LvBackend *backend); /* once storage is open; NULL: nothing */
    void (*stop)(LvBackend *backend);  /* before it closes; NULL: nothing */
} LvPlugin;

/* Registers every plugin's bridge methods on @backend. */
void lv_plugins_register(LvBackend *backend);

/* Starts and stops every plugin (lv_backend_start, lv_backend_free). */
void lv_plugins_start(LvBackend *backend);
void lv_plugins_stop(LvBackend *backend);

/* For a method that asks the account's thread about @jid ("" for our server, else
 * an RFC 7622 JID): resolves @profile_key, checks @jid and that the profile is
 * connected, and parks @invocation for the thread's reply. Returns the account
 * (transfer none) and the request id in @request_id (transfer full), or NULL after
 * answering @invocation with the error (ProfileUnknownError, DataError for a bad
 * JID, ProfileNotConnected). */
LvXmppAccount *lv_plugins_park_request(LvBackend *backend, LvInvocation *invocation,
                                       const char *profile_key, const char *jid, char **request_id);

/* The plugins' method tables and hooks. */
const LvMethod *lv_xep_0030_methods(void);
const LvMethod *lv_xep_0092_methods(void);
void lv_xep_0092_start(LvBackend *backend);
void lv_xep_0115_start(LvBackend *backend);
void lv_xep_0115_stop(LvBackend *backend);
const LvMethod *lv_xep_0199_methods(void);
const LvMethod *lv_xep_0048_methods(void);
void lv_xep_0048_start(LvBackend *backend);
void lv_xep_0048_stop(LvBackend *backend);
const LvMethod *lv_xep_0191_methods(void);
const LvMethod *lv_xep_0045_admin_methods(void);
const LvMethod *lv_xep_0249_methods(void);
const LvMethod *lv_xep_0363_methods(void);
const LvMethod *lv_misc_download_methods(void);
const LvMethod *lv_identity_methods(void);
void lv_identity_start(LvBackend *backend);
void lv_identity_stop(LvBackend *backend);
const LvMethod *lv_xep_0045_methods(void);
void lv_xep_0045_start(LvBackend *backend);

G_END_DECLS
