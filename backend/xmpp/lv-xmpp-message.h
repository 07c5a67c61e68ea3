/* lv-xmpp-message: <message/> stanzas to plain data and back. Pure functions of a
 * stanza (the account thread calls them, the tests and fuzzers too).
 *
 * What a message may claim is checked here, before anything is stored: a carbon
 * counts only when our own bare JID wraps it (XEP-0280 §11), a MAM result only when
 * it answers a query we sent, from the archive we asked (XEP-0313 §8), a
 * <stanza-id/> only when the archive that claims it is one we trust (XEP-0359 §4:
 * anyone can put one in a message), and every JID goes through our RFC 7622 parser.
 */
#pragma once

#include <glib.h>
#include <strophe.h>

#include "lv-xmpp-account.h"

G_BEGIN_DECLS

#define LV_NS_CARBONS "urn:xmpp:carbons:2"
#define LV_NS_FORWARD "urn:xmpp:forward:0"
#define LV_NS_DELAY "urn:xmpp:delay"
#define LV_NS_SID "urn:xmpp:sid:0"
#define LV_NS_RECEIPTS "urn:xmpp:receipts"
#define LV_NS_MARKERS "urn:xmpp:chat-markers:0"
#define LV_NS_CHATSTATES "http://jabber.org/protocol/chatstates"
#define LV_NS_CORRECT "urn:xmpp:message-correct:0"
#define LV_NS_FASTEN "urn:xmpp:fasten:0"
#define LV_NS_RETRACT_0 "urn:xmpp:message-retract:0"
#define LV_NS_RETRACT_1 "urn:xmpp:message-retract:1"
#define LV_NS_MAM "urn:xmpp:mam:2"
#define LV_NS_RSM "http://jabber.org/protocol/rsm"
#define LV_NS_HINTS "urn:xmpp:hints"
#define LV_NS_FALLBACK "urn:xmpp:fallback:0"
#define LV_NS_OOB "jabber:x:oob"

/* How a message reached us. */
typedef enum {
    LV_XMPP_VIA_LIVE,
    LV_XMPP_VIA_CARBON, /* a copy from our server of what another resource sent or got */
    LV_XMPP_VIA_MAM,    /* an archive result */
} LvXmppVia;

/* A parsed message (plain data carrier). JIDs are normalised; NULL where absent. */
struct _LvXmppMessage {
    LvXmppVia via;
    gboolean outgoing; /* sent by our account (a sent carbon, our message in MAM) */
    char *from;        /* full JID or bare */
    char *to;
    char *from_bare;
    char *to_bare;
    char *type; /* chat, normal, headline, groupchat, error */
    char *id;   /* the stanza's id attribute */
    char *origin_id;
    char *stanza_id;   /* only when given by @archive_jid, which we trust */
    char *archive_jid; /* with stanza_id */
    GVariant *bodies;  /* a{ss}: language ("" for none) → text */
    GVariant *subjects;
    char *thread;
    double delay;          /* XEP-0203 timestamp (Unix seconds), or 0 */
    gboolean want_receipt; /* XEP-0184 <request/> */
    char *receipt_for;     /* XEP-0184 <received id/> */
    gboolean markable;     /* XEP-0333 */
    char *marker;          /* received, displayed, acknowledged */
    char *marker_for;      /* its id */
    char *chat_state;      /* XEP-0085: active, composing, paused, inactive, gone */
    char *replace_id;      /* XEP-0308 */
    char *retract_id;      /* XEP-0424 (fastening or v1) */
    gboolean no_store;     /* XEP-0334 <no-store/> or <no-permanent-store/> */
    char *error_condition; /* for type error */
    char *mam_query_id;    /* the query a MAM result answers */
    char *oob_url;         /* XEP-0066 <x><url/></x>, e.g. an uploaded file */
};

void lv_xmpp_message_free(LvXmppMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvXmppMessage, lv_xmpp_message_free)

/* A MAM query we sent and whose results we accept. */
typedef struct _LvXmppMamQuery LvXmppMamQuery;
struct _LvXmppMamQuery {
    const char *query_id;
    const char *archive_jid; /* bare JID of the archive (ours, or a room) */
};

/* What the parser needs to know about the session. */
typedef struct {
    const char *own_bare;       /* our bare JID */
    const char *own_full;       /* our bound full JID (the default "to") */
    gboolean trust_own_archive; /* our server archives (MAM): its stanza-ids count */
    /* The MAM queries in flight; NULL-terminated by query_id, may be NULL. */
    const LvXmppMamQuery *mam_queries;
} LvXmppMessageContext;

/* Parses @stanza, unwrapping a carbon or a MAM result. NULL with LV_ERROR_DATA or
 * LV_ERROR_PERMISSION (a forged carbon, a MAM result nobody asked for, a bad JID)
 * saying why it is dropped (transfer full). */
LvXmppMessage *lv_xmpp_message_parse(xmpp_stanza_t *stanza, const LvXmppMessageContext *context,
                                     GError **error);

/* @message as messageNew and MAMGet carry it: (uid, timestamp, from, to, message,
 * subject, type, extra JSON) with the archive id (or the sender's id) as uid, since
 * it is not stored (transfer floating). */
GVariant *lv_xmpp_message_to_variant(const LvXmppMessage *message);

/* TRUE if @message has something to keep in the history (a body or a subject). */
gboolean lv_xmpp_message_has_content(const LvXmppMessage *message);

/* A message to send (plain data carrier). */
struct _LvXmppOutgoing {
    char *uid;          /* used as the stanza id and XEP-0359 origin-id */
    char *to;           /* full or bare JID */
    char *type;         /* chat, normal, headline, groupchat */
    GVariant *bodies;   /* a{ss} */
    GVariant *subjects; /* a{ss}, may be NULL */
    char *thread;       /* may be NULL */
    char *replace_id;   /* XEP-0308: the id of the message this corrects, or NULL */
    char *retract_id;   /* XEP-0424: the id of the message this retracts, or NULL */
    char *oob_url;      /* XEP-0066: a URL to attach (an uploaded file), or NULL */
    double timestamp;   /* when it was written (Unix seconds), 0: unknown */
};

void lv_xmpp_outgoing_free(LvXmppOutgoing *outgoing);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvXmppOutgoing, lv_xmpp_outgoing_free)

/* The stanza for @outgoing: bodies and subjects, origin-id, and for chat/normal a
 * receipt request, markable and an active chat state (transfer full). */
xmpp_stanza_t *lv_xmpp_message_build(xmpp_ctx_t *ctx, const LvXmppOutgoing *outgoing);

/* A bare notification to @to: a chat state (@name "composing"…, @ns
 * LV_NS_CHATSTATES), a receipt (@name "received", @ns LV_NS_RECEIPTS, @id) or a
 * marker (@name "displayed", @ns LV_NS_MARKERS, @id) (transfer full). */
xmpp_stanza_t *lv_xmpp_message_build_notice(xmpp_ctx_t *ctx, const char *to, const char *type,
                                            const char *ns, const char *name, const char *id);

/* The <stanza-id/> of @stanza given by @archive (transfer full), NULL if none. */
char *lv_xmpp_message_stanza_id_by(xmpp_stanza_t *stanza, const char *archive);

/* An XEP-0082 date-time to Unix seconds; 0 if it does not parse. */
double lv_xmpp_parse_datetime(const char *text);

G_END_DECLS
