/* lv-bridge-interface: questions about the interface file, asked by both sides.
 *
 * The backend and the frontends read the same generated introspection data to
 * know which interface a method or signal belongs to and which types it carries.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The method @name and the name of its interface (NULL if the interface file has
 * no such method) (transfer none). */
GDBusMethodInfo *lv_bridge_interface_lookup_method(const char *name, const char **interface_name);

/* The interface of signal @name, or NULL (transfer none). */
const char *lv_bridge_interface_lookup_signal(const char *name);

/* The signal @name, or NULL (transfer none); the tuple type of its arguments
 * (transfer full). */
GDBusSignalInfo *lv_bridge_interface_lookup_signal_info(const char *name);
GVariantType *lv_bridge_interface_dup_signal_type(const GDBusSignalInfo *info);

/* The tuple types of a method's in and out arguments (transfer full). */
GVariantType *lv_bridge_interface_dup_in_type(const GDBusMethodInfo *info);
GVariantType *lv_bridge_interface_dup_out_type(const GDBusMethodInfo *info);

G_END_DECLS
