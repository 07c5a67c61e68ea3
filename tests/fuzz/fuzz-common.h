/* fuzz-common: what every libFuzzer target shares: a quiet log, the input as a
 * NUL-terminated string and, for the stanza targets, the input parsed into a stanza
 * by libstrophe's own expat parser (what the network code hands to the handlers). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <strophe.h>

/* Drops GLib log output (hostile input logs a warning on every run) once. */
void fuzz_quiet_logs(void);

/* The input as a string cut at its first NUL (g_free). */
char *fuzz_dup_string(const uint8_t *data, size_t size);

/* The process-wide libstrophe context. */
xmpp_ctx_t *fuzz_ctx(void);

/* The input parsed as one XML element, NULL if it is not well-formed (release with
 * xmpp_stanza_release). */
xmpp_stanza_t *fuzz_stanza(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
