/* lv-connections: the XMPP connections of the profiles: settings from the
 * parameters and libervia.conf, one LvXmppAccount per connected profile, the
 * connected/disconnected signals, and the calls waiting for them. */
#pragma once

#include "lv-backend.h"

G_BEGIN_DECLS

typedef struct _LvConnections LvConnections;

LvConnections *lv_connections_new(LvBackend *backend);
/* Closes every connection (their threads are joined). */
void lv_connections_free(LvConnections *connections);

gboolean lv_connections_is_connected(LvConnections *connections, const char *profile);

/* Connects @profile (its session must be started); @invocation is answered with
 * (b) FALSE once connected, or the error. */
void lv_connections_connect(LvConnections *connections, const char *profile,
                            LvInvocation *invocation);

/* Disconnects @profile; @invocation is answered once it is. */
void lv_connections_disconnect(LvConnections *connections, const char *profile,
                               LvInvocation *invocation);

/* The roster of a connected profile: a(sa{ss}as), sorted by JID (transfer
 * floating); LV_ERROR_PROFILE_NOT_CONNECTED otherwise. */
GVariant *lv_connections_get_contacts(LvConnections *connections, const char *profile,
                                      GError **error);

/* One roster item (sa{ss}as) (transfer none); LV_ERROR_UNKNOWN_ENTITY if absent. */
GVariant *lv_connections_get_contact(LvConnections *connections, const char *profile,
                                     const char *jid, GError **error);

/* Known presences: a{sa{s(sia{ss})}} bare JID → resource → (show, priority,
 * statuses) (transfer floating). */
GVariant *lv_connections_get_presences(LvConnections *connections, const char *profile,
                                       GError **error);

/* The resource of @bare with the highest priority, "" if none (transfer full). */
char *lv_connections_dup_main_resource(LvConnections *connections, const char *profile,
                                       const char *bare, GError **error);

/* Sends our presence; @to "" or NULL for everyone. */
gboolean lv_connections_send_presence(LvConnections *connections, const char *profile,
                                      const char *to, const char *show, GVariant *statuses,
                                      GError **error);

/* Changes a roster item (addContact, updateContact, delContact); @invocation is
 * answered when the server has. */
void lv_connections_roster_set(LvConnections *connections, const char *profile, const char *jid,
                               const char *name, const char *const *groups, gboolean remove,
                               gboolean subscribe, LvInvocation *invocation);

/* Connects the profiles whose autoconnect_backend parameter is true. Profiles
 * with a password cannot be unlocked unattended: they are skipped with a log line. */
void lv_connections_autoconnect(LvConnections *connections);

/* The account of a connected profile (transfer none), or NULL and
 * LV_ERROR_PROFILE_NOT_CONNECTED. For plugins that send requests to its thread. */
typedef struct _LvXmppAccount LvXmppAccount;
LvXmppAccount *lv_connections_get_account(LvConnections *connections, const char *profile,
                                          GError **error);

/* The account of @profile if it is connected or on its way (reconnecting), with our
 * JID in *@jid (the bound full JID once connected) (transfer none / full): what
 * messageSend needs, since a message for a reconnecting account waits in the
 * outbox. NULL and LV_ERROR_PROFILE_NOT_CONNECTED otherwise. */
LvXmppAccount *lv_connections_get_sending_account(LvConnections *connections, const char *profile,
                                                  char **jid, GError **error);

/* Parks @invocation until the account of @profile (connected) posts an
 * LV_XMPP_EVENT_REPLY with the returned id (transfer full): the reply's data (a
 * tuple of the method's out-signature, or NULL for none) or error answers it. A
 * disconnection answers it with an error. */
char *lv_connections_add_request(LvConnections *connections, const char *profile,
                                 LvInvocation *invocation);

/* Versions, subscriptions and groups of the profiles' rosters (transfer none). */
typedef struct _LvRoster LvRoster;
LvRoster *lv_connections_get_roster(LvConnections *connections);

/* The connection methods (lv-connection-methods.c). */
const LvMethod *lv_connection_methods(void);

/* The message methods (lv-message-methods.c). */
const LvMethod *lv_message_methods(void);

G_END_DECLS
