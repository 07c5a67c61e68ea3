/* tui-roster: the contact list model (see tui-roster.h). */
#include "tui-roster.h"

#include <string.h>

/* The keys (or values) of @table in an array (transfer container; GLib 2.74 has no
 * g_hash_table_get_keys_as_ptr_array). */
static GPtrArray *
table_items(GHashTable *table, gboolean values)
{
    GPtrArray *items = g_ptr_array_sized_new(g_hash_table_size(table));
    GHashTableIter iter;
    gpointer key = NULL, value = NULL;

    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, &key, &value))
        g_ptr_array_add(items, values ? value : key);
    return items;
}

typedef struct {
    char *jid;
    char *name;
    char *sort_key; /* g_utf8_collate_key of the name, made once */
    char **groups;
} Contact;

typedef struct {
    char *show;
    gint priority;
} Resource;

struct _TuiRoster {
    GHashTable *contacts;  /* bare jid → Contact */
    GHashTable *presences; /* bare jid → (resource → Resource) */
    GHashTable *rooms;     /* room jid set */
    GHashTable *unread;    /* bare jid → count */
    gboolean show_offline;
    GPtrArray *rows; /* the layout, kept until the next change: every draw asks it */
};

/* Any change to what the rows show: they are laid out again when next asked. */
static void
changed(TuiRoster *roster)
{
    g_clear_pointer(&roster->rows, g_ptr_array_unref);
}

static void
contact_free(Contact *contact)
{
    g_free(contact->jid);
    g_free(contact->name);
    g_free(contact->sort_key);
    g_strfreev(contact->groups);
    g_free(contact);
}

static void
resource_free(Resource *resource)
{
    g_free(resource->show);
    g_free(resource);
}

TuiRoster *
tui_roster_new(void)
{
    TuiRoster *roster = g_new0(TuiRoster, 1);

    roster->contacts =
            g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)contact_free);
    roster->presences = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify)g_hash_table_unref);
    roster->rooms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    roster->unread = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return roster;
}

void
tui_roster_free(TuiRoster *roster)
{
    if (roster == NULL)
        return;
    g_hash_table_unref(roster->contacts);
    g_hash_table_unref(roster->presences);
    g_hash_table_unref(roster->rooms);
    g_hash_table_unref(roster->unread);
    changed(roster);
    g_free(roster);
}

void
tui_roster_set_contact(TuiRoster *roster, const char *jid, const char *name,
                       const char *const *groups)
{
    Contact *contact = g_new0(Contact, 1);

    contact->jid = g_strdup(jid);
    contact->name = g_strdup(name != NULL && name[0] != '\0' ? name : jid);
    contact->sort_key = g_utf8_collate_key(contact->name, -1);
    contact->groups = g_strdupv((char **)groups);
    g_hash_table_replace(roster->contacts, contact->jid, contact);
    changed(roster);
}

void
tui_roster_remove_contact(TuiRoster *roster, const char *jid)
{
    g_hash_table_remove(roster->contacts, jid);
    changed(roster);
}

gboolean
tui_roster_has_contact(TuiRoster *roster, const char *jid)
{
    return g_hash_table_contains(roster->contacts, jid);
}

void
tui_roster_clear(TuiRoster *roster)
{
    g_hash_table_remove_all(roster->contacts);
    g_hash_table_remove_all(roster->presences);
    g_hash_table_remove_all(roster->rooms);
    changed(roster);
}

void
tui_roster_set_presence(TuiRoster *roster, const char *full_jid, const char *show, gint priority)
{
    const char *slash = strchr(full_jid, '/');
    g_autofree char *bare =
            slash != NULL ? g_strndup(full_jid, (gsize)(slash - full_jid)) : g_strdup(full_jid);
    const char *resource = slash != NULL ? slash + 1 : "";
    GHashTable *resources = g_hash_table_lookup(roster->presences, bare);

    changed(roster);
    if (g_str_equal(show, "unavailable")) {
        if (resources != NULL)
            g_hash_table_remove(resources, resource);
        return;
    }
    if (resources == NULL) {
        resources = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)resource_free);
        g_hash_table_insert(roster->presences, g_strdup(bare), resources);
    }
    Resource *r = g_new0(Resource, 1);
    r->show = g_strdup(show);
    r->priority = priority;
    g_hash_table_replace(resources, g_strdup(resource), r);
}

const char *
tui_roster_get_show(TuiRoster *roster, const char *jid)
{
    GHashTable *resources = g_hash_table_lookup(roster->presences, jid);
    GHashTableIter iter;
    Resource *r = NULL;
    Resource *best = NULL;

    if (resources == NULL)
        return NULL;
    g_hash_table_iter_init(&iter, resources);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&r)) {
        if (best == NULL || r->priority > best->priority)
            best = r;
    }
    return best != NULL ? best->show : NULL;
}

void
tui_roster_add_room(TuiRoster *roster, const char *room_jid)
{
    g_hash_table_add(roster->rooms, g_strdup(room_jid));
    changed(roster);
}

void
tui_roster_remove_room(TuiRoster *roster, const char *room_jid)
{
    g_hash_table_remove(roster->rooms, room_jid);
    changed(roster);
}

gboolean
tui_roster_has_room(TuiRoster *roster, const char *room_jid)
{
    return g_hash_table_contains(roster->rooms, room_jid);
}

void
tui_roster_set_unread(TuiRoster *roster, const char *jid, guint unread)
{
    changed(roster);
    if (unread == 0)
        g_hash_table_remove(roster->unread, jid);
    else
        g_hash_table_replace(roster->unread, g_strdup(jid), GUINT_TO_POINTER(unread));
}

void
tui_roster_set_show_offline(TuiRoster *roster, gboolean show)
{
    roster->show_offline = show;
    changed(roster);
}

gboolean
tui_roster_get_show_offline(TuiRoster *roster)
{
    return roster->show_offline;
}

guint
tui_roster_count_contacts(TuiRoster *roster)
{
    return g_hash_table_size(roster->contacts);
}

static void
row_free(TuiRosterRow *row)
{
    g_free(row->jid);
    g_free(row->label);
    g_free(row->show);
    g_free(row);
}

static TuiRosterRow *
row_new(TuiRowKind kind, const char *jid, const char *label, const char *show, guint unread)
{
    TuiRosterRow *row = g_new0(TuiRosterRow, 1);

    row->kind = kind;
    row->jid = g_strdup(jid);
    row->label = g_strdup(label);
    row->show = g_strdup(show);
    row->unread = unread;
    return row;
}

static gint
compare_contacts(gconstpointer a, gconstpointer b)
{
    const Contact *x = *(Contact *const *)a;
    const Contact *y = *(Contact *const *)b;
    int c = strcmp(x->sort_key, y->sort_key);

    return c != 0 ? c : strcmp(x->jid, y->jid);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return g_utf8_collate(*(const char *const *)a, *(const char *const *)b);
}

static guint
unread_of(TuiRoster *roster, const char *jid)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(roster->unread, jid));
}

/* Contacts of @group ("" for none) to list, sorted. */
static void
add_group_rows(TuiRoster *roster, GPtrArray *rows, GPtrArray *sorted, const char *group)
{
    gboolean header = FALSE;

    for (guint i = 0; i < sorted->len; i++) {
        Contact *c = sorted->pdata[i];
        gboolean in = group[0] == '\0' ? (c->groups == NULL || c->groups[0] == NULL)
                                       : (c->groups != NULL &&
                                          g_strv_contains((const char *const *)c->groups, group));
        const char *show = tui_roster_get_show(roster, c->jid);
        guint unread = unread_of(roster, c->jid);
        if (!in || (show == NULL && !roster->show_offline && unread == 0))
            continue;
        if (!header) {
            g_ptr_array_add(rows, row_new(TUI_ROW_GROUP, NULL,
                                          group[0] != '\0' ? group : "(no group)", NULL, 0));
            header = TRUE;
        }
        g_ptr_array_add(rows, row_new(TUI_ROW_CONTACT, c->jid, c->name, show, unread));
    }
}

static void
add_room_rows(TuiRoster *roster, GPtrArray *rows)
{
    g_autoptr(GPtrArray) rooms = table_items(roster->rooms, FALSE);

    if (rooms->len == 0)
        return;
    g_ptr_array_sort(rooms, compare_strings);
    g_ptr_array_add(rows, row_new(TUI_ROW_GROUP, NULL, "Rooms", NULL, 0));
    for (guint i = 0; i < rooms->len; i++)
        g_ptr_array_add(rows, row_new(TUI_ROW_ROOM, rooms->pdata[i], rooms->pdata[i], "",
                                      unread_of(roster, rooms->pdata[i])));
}

static GPtrArray *
layout_rows(TuiRoster *roster)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
    g_autoptr(GPtrArray) sorted = table_items(roster->contacts, TRUE);
    g_autoptr(GHashTable) groups = g_hash_table_new(g_str_hash, g_str_equal);

    add_room_rows(roster, rows);
    g_ptr_array_sort(sorted, compare_contacts);
    for (guint i = 0; i < sorted->len; i++) {
        Contact *c = sorted->pdata[i];
        for (guint j = 0; c->groups != NULL && c->groups[j] != NULL; j++)
            g_hash_table_add(groups, c->groups[j]);
    }
    g_autoptr(GPtrArray) names = table_items(groups, FALSE);
    g_ptr_array_sort(names, compare_strings);
    for (guint i = 0; i < names->len; i++)
        add_group_rows(roster, rows, sorted, names->pdata[i]);
    add_group_rows(roster, rows, sorted, "");
    return rows;
}

const char *
tui_roster_show_mark(const char *show)
{
    if (show == NULL)
        return " ";
    if (g_str_equal(show, "away") || g_str_equal(show, "xa"))
        return "~";
    if (g_str_equal(show, "dnd"))
        return "!";
    return "+";
}

GPtrArray *
tui_roster_dup_rows(TuiRoster *roster)
{
    if (roster->rows == NULL)
        roster->rows = layout_rows(roster);
    return g_ptr_array_ref(roster->rows);
}
