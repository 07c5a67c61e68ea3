/* lv-xmpp-upload: HTTP File Upload (XEP-0363) slots.
 *
 * The pure part builds the <request/> and checks the service's <slot/> before
 * anyone uses it: the URLs must be https (a slot over plain http would hand the
 * file and any Authorization header to whoever watches the network), and only the
 * headers the XEP allows (Authorization, Cookie, Expires) are passed on, without
 * line breaks that would let a hostile service add headers of its own. The request
 * to a service goes through the account's thread, answered by an
 * LV_XMPP_EVENT_REPLY with the request id.
 */
#pragma once

#include <glib.h>
#include <strophe.h>

#include "lv-xmpp-account.h"

G_BEGIN_DECLS

#define LV_NS_HTTP_UPLOAD "urn:xmpp:http:upload:0"

/* The reply type of a slot: (put URL, get URL, headers to send with the PUT, each
 * {name: value}), as fileHTTPUploadGetSlot carries it. */
#define LV_XMPP_UPLOAD_SLOT_TYPE "(ssaa{ss})"

/* Adds to the IQ get @iq a <request/> for @filename of @size bytes and
 * @content_type (NULL or "": none). */
void lv_xmpp_upload_add_request(xmpp_stanza_t *iq, const char *filename, guint64 size,
                                const char *content_type);

/* The slot of an IQ result @reply as LV_XMPP_UPLOAD_SLOT_TYPE (transfer full,
 * floating), or NULL with LV_ERROR_DATA saying what is wrong (no slot, a missing or
 * non-https URL, a header value with a line break). Headers other than
 * Authorization, Cookie and Expires are dropped. */
GVariant *lv_xmpp_upload_parse_slot(xmpp_stanza_t *reply, GError **error);

/* The max-file-size of the upload form in a disco#info result (the bridge's
 * LV_XMPP_DISCO_INFO_TYPE), 0 when the service sets no limit. */
guint64 lv_xmpp_upload_max_size(GVariant *info);

/* Asks @service for a slot; the REPLY data is (LV_XMPP_UPLOAD_SLOT_TYPE). */
void lv_xmpp_account_upload_slot(LvXmppAccount *account, const char *request_id,
                                 const char *service, const char *filename, guint64 size,
                                 const char *content_type);

G_END_DECLS
