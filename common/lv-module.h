/* lv-module: our own loadable modules (the embedded backend, the HTTP transfers).
 *
 * Each exports one entry function returning its table of functions, whose first
 * field is the interface version (guint). A program run from the build tree loads
 * the module built there (backend/), so that tests and tools/run never pick up an
 * older installed one; otherwise the one installed in LV_MODULE_DIR. A module, once
 * loaded, stays: the libraries it brought (OpenSSL) leave exit handlers.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Loads module @name (e.g. "libervia-http") and returns its function table: the
 * result of its entry function @entry, checked to start with interface version
 * @abi. NULL with an error naming the file if it cannot be loaded, lacks @entry or
 * is of another version. */
gconstpointer lv_module_load(const char *name, const char *entry, guint abi, GError **error);

G_END_DECLS
