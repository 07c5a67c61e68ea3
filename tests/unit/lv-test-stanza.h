/* lv-test-stanza: stanzas as text for comparisons: libstrophe writes attributes
 * in hash order, this writes them sorted by name. */
#pragma once

#include <glib.h>
#include <strophe.h>

/* @stanza as XML with sorted attributes, no namespace inheritance shown but each
 * element's own xmlns kept (transfer full). Text is written escaped. */
char *lv_test_stanza_canon(xmpp_stanza_t *stanza);

/* The same, releasing @stanza (asserted non-NULL). */
char *lv_test_stanza_take_canon(xmpp_stanza_t *stanza);
