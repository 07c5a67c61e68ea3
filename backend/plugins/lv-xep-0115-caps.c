/* lv-xep-0115-caps: keeps the verified entity capabilities across restarts.
 *
 * The account threads fill the process's caps cache (backend/xmpp/lv-xmpp-caps.c)
 * with results whose hash they checked; each new one is posted here, on the main
 * thread, and written to the general private data of libervia.db (one JSON object
 * ver → disco#info), which is loaded back at start. The threads never touch the
 * database. */
#include "lv-plugins.h"
#include "lv-profiles.h"
#include "lv-xmpp-caps.h"
#include "lv-xmpp-disco.h"

#define PRIVATE_NAMESPACE "lv-xep-0115"
#define PRIVATE_KEY "sha-1"
/* What is kept on disk; the cache in memory may hold more. */
#define STORED_MAX 1000

typedef struct {
    LvBackend *backend;
    LvStorage *storage;
    JsonObject *entries; /* ver → disco#info serialised by json-glib */
} CapsStore;

static CapsStore *store; /* main thread */

static void
save(CapsStore *caps)
{
    g_autoptr(JsonNode) root = json_node_init_object(json_node_alloc(), caps->entries);
    g_autofree char *text = json_to_string(root, FALSE);
    g_autoptr(GError) error = NULL;

    if (!lv_storage_private_set(caps->storage, 0, PRIVATE_NAMESPACE, PRIVATE_KEY, text, &error))
        g_warning("capabilities cache not saved: %s", error->message);
}

static void
on_added(const char *ver, GVariant *info, gpointer user_data)
{
    CapsStore *caps = user_data;

    if (json_object_has_member(caps->entries, ver) ||
        json_object_get_size(caps->entries) >= STORED_MAX)
        return;
    json_object_set_member(caps->entries, ver, json_gvariant_serialize(info));
    save(caps);
    g_debug("capabilities %s saved", ver);
}

/* Loads what was saved into the process's cache. */
static void
load(CapsStore *caps)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text =
            lv_storage_private_get(caps->storage, 0, PRIVATE_NAMESPACE, PRIVATE_KEY, &error);
    g_autoptr(JsonNode) root = text != NULL ? json_from_string(text, &error) : NULL;

    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
        if (error != NULL)
            g_warning("capabilities cache not loaded: %s", error->message);
        return;
    }
    JsonObject *saved = json_node_get_object(root);
    g_autoptr(GList) vers = json_object_get_members(saved);
    for (GList *v = vers; v != NULL; v = v->next) {
        g_autoptr(GError) bad = NULL;
        GVariant *info = json_gvariant_deserialize(json_object_get_member(saved, v->data),
                                                   LV_XMPP_DISCO_INFO_TYPE, &bad);
        if (info == NULL) {
            g_message("saved capabilities %s dropped: %s", (const char *)v->data, bad->message);
            continue;
        }
        json_object_set_member(caps->entries, v->data,
                               json_node_copy(json_object_get_member(saved, v->data)));
        lv_xmpp_caps_cache_load(v->data, info);
    }
    g_info("%u saved entity capabilities loaded", json_object_get_size(caps->entries));
}

void
lv_xep_0115_start(LvBackend *backend)
{
    g_autoptr(GMainContext) context = g_main_context_ref_thread_default();

    if (store != NULL) { /* the cache is the process's: one backend keeps it */
        g_debug("capabilities cache already kept by another backend");
        return;
    }
    store = g_new0(CapsStore, 1);
    store->backend = backend;
    store->storage = lv_profiles_get_storage(lv_backend_get_profiles(backend));
    store->entries = json_object_new();
    load(store);
    lv_xmpp_caps_cache_watch(context, on_added, store);
}

void
lv_xep_0115_stop(LvBackend *backend)
{
    if (store == NULL || store->backend != backend)
        return;
    lv_xmpp_caps_cache_watch(NULL, NULL, NULL);
    json_object_unref(store->entries);
    g_clear_pointer(&store, g_free);
}
