/* lv-xmpp-expat-guard: no entity of a DTD is ever expanded in a stream.
 *
 * RFC 6120 §11.1 forbids DTDs in XMPP, but libstrophe 0.12 gives expat no DOCTYPE
 * handler, so expat expands the internal entities a hostile server declares
 * (reliability case S16: `&x;` became text; billion laughs). libstrophe does not
 * expose its parser, so this module interposes the two expat calls that set one
 * up (XML_ParserCreate_MM, XML_ParserReset) and gives every new parser a default
 * handler: expat then passes references to internal entities to that handler,
 * which drops them, instead of expanding them (expat.h, XML_SetDefaultHandler).
 *
 * It also wraps libstrophe's element and text handlers: what is nested deeper than
 * LV_XMPP_MAX_DEPTH never reaches libstrophe (reliability case S10: its stanza
 * build, free and serialisation recurse; 1,000,000 levels cost 35 MB that stayed).
 * The stanza is kept, without its too deep parts, and the stream goes on: breaking
 * it would make the server resend the same stanza on every resumption. */
#pragma once

#include <glib.h>

/* The stream element is level 1, a stanza 2; our deepest payloads (MAM results of
 * pubsub items, XHTML) stay far below. */
#define LV_XMPP_MAX_DEPTH 200

/* TRUE if the interposed functions found expat's (they are, whenever libstrophe's
 * parser is created through them). Referenced so that the module is linked. */
gboolean lv_xmpp_expat_guard_active(void);
