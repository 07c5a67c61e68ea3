/* lv-module: loading our modules (see the header). */
#include "config.h"

#include <gmodule.h>

#include "lv-error.h"
#include "lv-module.h"

typedef gconstpointer (*EntryFunc)(void);

static char *
module_path(const char *name)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *root = g_canonicalize_filename(LV_BUILD_ROOT, "/");
    g_autofree char *root_slash = g_strconcat(root, "/", NULL);
    g_autofree char *file = g_strconcat(name, ".so", NULL);

    if (exe != NULL && g_str_has_prefix(exe, root_slash))
        return g_build_filename(root, "backend", file, NULL);
    return g_build_filename(LV_MODULE_DIR, file, NULL);
}

gconstpointer
lv_module_load(const char *name, const char *entry, guint abi, GError **error)
{
    g_autofree char *path = module_path(name);
    /* Local binding: a module's copies of our common code stay its own. */
    GModule *module = g_module_open(path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    gpointer symbol = NULL;

    if (module == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_INTERNAL, "cannot load %s: %s", path,
                    g_module_error());
        return NULL;
    }
    if (!g_module_symbol(module, entry, &symbol) || symbol == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_INTERNAL, "%s has no %s", path, entry);
        g_module_close(module);
        return NULL;
    }
    gconstpointer table = ((EntryFunc)symbol)();
    guint found = table != NULL ? *(const guint *)table : 0;
    if (found != abi) {
        g_set_error(error, LV_ERROR, LV_ERROR_INTERNAL,
                    "%s is of another version (interface %u, expected %u)", path, found, abi);
        g_module_close(module);
        return NULL;
    }
    g_module_make_resident(module);
    return table;
}
