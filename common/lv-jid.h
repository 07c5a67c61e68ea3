/* lv-jid: XMPP addresses (RFC 7622), parsed by us: libstrophe 0.12 has no parser.
 *
 * localpart@domainpart/resourcepart: the domain is required; parts are NFC
 * normalised, the localpart and domain lower-cased; each part is at most 1023
 * bytes; the localpart excludes " & ' / : < > @ and spaces; no part holds control
 * characters. Anything else is an error, never a guess. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LvJid LvJid;

/* Parses @text; LV_ERROR_DATA says what is wrong (transfer full). */
LvJid *lv_jid_parse(const char *text, GError **error);
void lv_jid_free(LvJid *jid);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvJid, lv_jid_free)

/* The parts (transfer none); localpart and resource may be NULL. */
const char *lv_jid_get_local(const LvJid *jid);
const char *lv_jid_get_domain(const LvJid *jid);
const char *lv_jid_get_resource(const LvJid *jid);

/* "local@domain/resource" and "local@domain" (transfer full). */
char *lv_jid_dup_string(const LvJid *jid);
char *lv_jid_dup_bare(const LvJid *jid);

G_END_DECLS
