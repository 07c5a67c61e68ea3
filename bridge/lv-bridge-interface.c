/* lv-bridge-interface: lookups in the generated introspection data. */
#include "lv-bridge-interface.h"

#include "lv-dbus-generated.h"

/* The interfaces of the interface file, in lookup order. */
static GDBusInterfaceInfo *
interface_info(guint index)
{
    switch (index) {
    case 0:
        return lv_dbus_core_interface_info();
    case 1:
        return lv_dbus_plugin_interface_info();
    default:
        return NULL;
    }
}

GDBusMethodInfo *
lv_bridge_interface_lookup_method(const char *name, const char **interface_name)
{
    GDBusInterfaceInfo *info = NULL;

    for (guint i = 0; (info = interface_info(i)) != NULL; i++) {
        GDBusMethodInfo *method = g_dbus_interface_info_lookup_method(info, name);
        if (method != NULL) {
            if (interface_name != NULL)
                *interface_name = info->name;
            return method;
        }
    }
    return NULL;
}

const char *
lv_bridge_interface_lookup_signal(const char *name)
{
    GDBusInterfaceInfo *info = NULL;

    for (guint i = 0; (info = interface_info(i)) != NULL; i++) {
        if (g_dbus_interface_info_lookup_signal(info, name) != NULL)
            return info->name;
    }
    return NULL;
}

static GVariantType *
tuple_of(GDBusArgInfo **args)
{
    g_autoptr(GString) signature = g_string_new("(");

    for (guint i = 0; args != NULL && args[i] != NULL; i++)
        g_string_append(signature, args[i]->signature);
    g_string_append_c(signature, ')');
    return g_variant_type_new(signature->str);
}

GVariantType *
lv_bridge_interface_dup_in_type(const GDBusMethodInfo *info)
{
    return tuple_of(info->in_args);
}

GVariantType *
lv_bridge_interface_dup_out_type(const GDBusMethodInfo *info)
{
    return tuple_of(info->out_args);
}

GDBusSignalInfo *
lv_bridge_interface_lookup_signal_info(const char *name)
{
    GDBusInterfaceInfo *info = NULL;

    for (guint i = 0; (info = interface_info(i)) != NULL; i++) {
        GDBusSignalInfo *signal = g_dbus_interface_info_lookup_signal(info, name);
        if (signal != NULL)
            return signal;
    }
    return NULL;
}

GVariantType *
lv_bridge_interface_dup_signal_type(const GDBusSignalInfo *info)
{
    return tuple_of(info->args);
}
