/* tui-keys: key names, the action table and the key map (see tui-keys.h). The
 * action names and default keys are Libervia 0.9's (primitivus keys.py and
 * urwid_satext keys.py) where it has them. */
#include "tui-keys.h"

#include <string.h>

#include "lv-error.h"

static const TuiActionInfo actions[] = {
    { TUI_ACTION_NONE, NULL, TUI_CONTEXT_GLOBAL, NULL, NULL },
    { TUI_ACTION_MODE_INSERTION, "MODE_INSERTION", TUI_CONTEXT_NORMAL, "i",
      "insertion mode: type a message" },
    { TUI_ACTION_MODE_COMMAND, "MODE_COMMAND", TUI_CONTEXT_NORMAL, ":",
      "command mode: type a :command" },
    { TUI_ACTION_MODAL_ESCAPE, "MODAL_ESCAPE", TUI_CONTEXT_GLOBAL, "esc", "back to normal mode" },
    { TUI_ACTION_HISTORY_PREV, "HISTORY_PREV", TUI_CONTEXT_EDIT, "up", "previous line typed" },
    { TUI_ACTION_HISTORY_NEXT, "HISTORY_NEXT", TUI_CONTEXT_EDIT, "down", "next line typed" },
    { TUI_ACTION_EDIT_HOME, "EDIT_HOME", TUI_CONTEXT_EDIT, "ctrl a", "cursor to line start" },
    { TUI_ACTION_EDIT_END, "EDIT_END", TUI_CONTEXT_EDIT, "ctrl e", "cursor to line end" },
    { TUI_ACTION_EDIT_DELETE_TO_END, "EDIT_DELETE_TO_END", TUI_CONTEXT_EDIT, "ctrl k",
      "delete to the end of the line" },
    { TUI_ACTION_EDIT_DELETE_LAST_WORD, "EDIT_DELETE_LAST_WORD", TUI_CONTEXT_EDIT, "ctrl w",
      "delete the word before the cursor" },
    { TUI_ACTION_EDIT_ENTER, "EDIT_ENTER", TUI_CONTEXT_EDIT, "enter",
      "send the message, run the command" },
    { TUI_ACTION_EDIT_COMPLETE, "EDIT_COMPLETE", TUI_CONTEXT_EDIT, "shift tab",
      "complete a room occupant's nick" },
    { TUI_ACTION_NOTIFICATION_NEXT, "NOTIFICATION_NEXT", TUI_CONTEXT_GLOBAL, "ctrl n",
      "open the next chat with unread messages" },
    { TUI_ACTION_APP_QUIT, "APP_QUIT", TUI_CONTEXT_GLOBAL, "ctrl x", "quit" },
    { TUI_ACTION_ROOM_JOIN, "ROOM_JOIN", TUI_CONTEXT_GLOBAL, "meta j", "start a :join command" },
    { TUI_ACTION_CONTACTS_HIDE, "CONTACTS_HIDE", TUI_CONTEXT_GLOBAL, "f2",
      "hide or show the contact list" },
    { TUI_ACTION_REFRESH_SCREEN, "REFRESH_SCREEN", TUI_CONTEXT_GLOBAL, "ctrl l",
      "redraw the whole screen" },
    { TUI_ACTION_DISCONNECTED_HIDE, "DISCONNECTED_HIDE", TUI_CONTEXT_GLOBAL, "meta d",
      "hide or show offline contacts" },
    { TUI_ACTION_OCCUPANTS_HIDE, "OCCUPANTS_HIDE", TUI_CONTEXT_GLOBAL, "meta p",
      "hide or show a room's occupants" },
    { TUI_ACTION_TIMESTAMP_HIDE, "TIMESTAMP_HIDE", TUI_CONTEXT_GLOBAL, "meta t",
      "hide or show message times" },
    { TUI_ACTION_GOTO_BOTTOM, "GOTO_BOTTOM", TUI_CONTEXT_NORMAL, "G",
      "scroll the chat to its last message" },
    { TUI_ACTION_FOCUS_SWITCH, "FOCUS_SWITCH", TUI_CONTEXT_GLOBAL, "tab",
      "move the focus to the next pane" },
    { TUI_ACTION_FOCUS_UP, "FOCUS_UP", TUI_CONTEXT_GLOBAL, "ctrl up",
      "focus the pane above (the chat)" },
    { TUI_ACTION_FOCUS_DOWN, "FOCUS_DOWN", TUI_CONTEXT_GLOBAL, "ctrl down",
      "focus the pane below (the chat)" },
    { TUI_ACTION_FOCUS_LEFT, "FOCUS_LEFT", TUI_CONTEXT_GLOBAL, "ctrl left",
      "focus the pane on the left" },
    { TUI_ACTION_FOCUS_RIGHT, "FOCUS_RIGHT", TUI_CONTEXT_GLOBAL, "ctrl right",
      "focus the pane on the right" },
    { TUI_ACTION_SCROLL_UP, "SCROLL_UP", TUI_CONTEXT_GLOBAL, "page up",
      "scroll the chat back (loads older history)" },
    { TUI_ACTION_SCROLL_DOWN, "SCROLL_DOWN", TUI_CONTEXT_GLOBAL, "page down",
      "scroll the chat forward" },
    { TUI_ACTION_LIST_UP, "LIST_UP", TUI_CONTEXT_NORMAL, "up",
      "previous contact, or scroll the chat one line back" },
    { TUI_ACTION_LIST_DOWN, "LIST_DOWN", TUI_CONTEXT_NORMAL, "down",
      "next contact, or scroll the chat one line forward" },
    { TUI_ACTION_LIST_SELECT, "LIST_SELECT", TUI_CONTEXT_NORMAL, "enter",
      "open the chat of the contact or room selected" },
};

G_STATIC_ASSERT(G_N_ELEMENTS(actions) == TUI_ACTION_COUNT);

const TuiActionInfo *
tui_action_info(TuiAction action)
{
    g_return_val_if_fail(action > TUI_ACTION_NONE && action < TUI_ACTION_COUNT, NULL);
    return &actions[action];
}

TuiAction
tui_action_from_name(const char *name)
{
    for (guint i = 1; i < TUI_ACTION_COUNT; i++) {
        if (g_ascii_strcasecmp(actions[i].name, name) == 0)
            return actions[i].action;
    }
    return TUI_ACTION_NONE;
}

typedef struct {
    const char *name;
    guint32 code;
} NamedKey;

static const NamedKey named_keys[] = {
    { "esc", TUI_KEY_ESC },
    { "enter", TUI_KEY_ENTER },
    { "tab", TUI_KEY_TAB },
    { "space", ' ' },
    { "backspace", TUI_KEY_BACKSPACE },
    { "delete", TUI_KEY_DELETE },
    { "insert", TUI_KEY_INSERT },
    { "up", TUI_KEY_UP },
    { "down", TUI_KEY_DOWN },
    { "left", TUI_KEY_LEFT },
    { "right", TUI_KEY_RIGHT },
    { "ctrl up", TUI_KEY_CTRL_UP },
    { "ctrl down", TUI_KEY_CTRL_DOWN },
    { "ctrl left", TUI_KEY_CTRL_LEFT },
    { "ctrl right", TUI_KEY_CTRL_RIGHT },
    { "home", TUI_KEY_HOME },
    { "end", TUI_KEY_END },
    { "page up", TUI_KEY_PAGE_UP },
    { "page down", TUI_KEY_PAGE_DOWN },
    { "shift tab", TUI_KEY_SHIFT_TAB },
};

/* A single printable character, or 0. */
static guint32
single_char(const char *text)
{
    if (*text == '\0' || !g_utf8_validate(text, -1, NULL))
        return 0;
    gunichar c = g_utf8_get_char(text);
    if (*g_utf8_next_char(text) != '\0' || !g_unichar_isprint(c))
        return 0;
    return c;
}

static gboolean
parse_plain(const char *name, guint32 *code)
{
    for (guint i = 0; i < G_N_ELEMENTS(named_keys); i++) {
        if (g_str_equal(name, named_keys[i].name)) {
            *code = named_keys[i].code;
            return TRUE;
        }
    }
    if ((name[0] == 'f' || name[0] == 'F') && g_ascii_isdigit(name[1])) {
        char *end = NULL;
        guint64 n = g_ascii_strtoull(name + 1, &end, 10);
        if (*end == '\0' && n >= 1 && n <= 12) {
            *code = TUI_KEY_F1 + (guint32)n - 1;
            return TRUE;
        }
        return FALSE;
    }
    if (g_str_has_prefix(name, "ctrl ") && g_ascii_isalpha(name[5]) && name[6] == '\0') {
        *code = (guint32)(g_ascii_tolower(name[5]) - 'a' + 1);
        return TRUE;
    }
    return (*code = single_char(name)) != 0;
}

gboolean
tui_key_parse(const char *name, TuiKey *key)
{
    g_autofree char *text = g_strstrip(g_strdup(name != NULL ? name : ""));

    key->meta = FALSE;
    if (g_str_has_prefix(text, "meta ")) {
        key->meta = TRUE;
        return parse_plain(text + 5, &key->code);
    }
    return parse_plain(text, &key->code);
}

char *
tui_key_dup_name(TuiKey key)
{
    const char *prefix = key.meta ? "meta " : "";

    for (guint i = 0; i < G_N_ELEMENTS(named_keys); i++) {
        if (named_keys[i].code == key.code)
            return g_strconcat(prefix, named_keys[i].name, NULL);
    }
    if (key.code >= TUI_KEY_F1 && key.code <= TUI_KEY_F12)
        return g_strdup_printf("%sf%u", prefix, key.code - TUI_KEY_F1 + 1);
    if (key.code >= 1 && key.code <= 26)
        return g_strdup_printf("%sctrl %c", prefix, 'a' + key.code - 1);
    char utf8[8] = { 0 };
    g_unichar_to_utf8(key.code, utf8);
    return g_strconcat(prefix, utf8, NULL);
}

struct _TuiKeymap {
    TuiKey keys[TUI_ACTION_COUNT];
};

static gboolean
read_override(TuiKeymap *map, LvConfig *config, const TuiActionInfo *info, GError **error)
{
    g_autofree char *option = g_ascii_strdown(info->name, -1);
    g_autofree char *name = g_strconcat("key_", option, NULL);
    g_autoptr(GError) local = NULL;
    g_autofree char *value = lv_config_dup_string(config, "tui", name, &local);

    if (local != NULL) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    if (value == NULL || tui_key_parse(value, &map->keys[info->action]))
        return TRUE;
    g_set_error(error, LV_ERROR, LV_ERROR_CONFIG,
                "[tui] KEY_%s = %s: not a key (examples: ctrl x, meta j, f2, shift tab, G)",
                info->name, value);
    return FALSE;
}

TuiKeymap *
tui_keymap_new(LvConfig *config, GError **error)
{
    g_autoptr(TuiKeymap) map = g_new0(TuiKeymap, 1);

    for (guint i = 1; i < TUI_ACTION_COUNT; i++) {
        gboolean ok = tui_key_parse(actions[i].default_key, &map->keys[i]);
        g_assert(ok);
        if (config != NULL && !read_override(map, config, &actions[i], error))
            return NULL;
    }
    return g_steal_pointer(&map);
}

void
tui_keymap_free(TuiKeymap *map)
{
    g_free(map);
}

static TuiAction
find(TuiKeymap *map, TuiContext context, TuiKey key)
{
    for (guint i = 1; i < TUI_ACTION_COUNT; i++) {
        if (actions[i].context == context && map->keys[i].code == key.code &&
            map->keys[i].meta == key.meta)
            return (TuiAction)i;
    }
    return TUI_ACTION_NONE;
}

TuiAction
tui_keymap_lookup(TuiKeymap *map, TuiContext context, TuiKey key)
{
    TuiAction action = TUI_ACTION_NONE;

    /* The list has the normal mode's keys under its own. */
    if (context == TUI_CONTEXT_LIST && (action = find(map, TUI_CONTEXT_LIST, key)) != 0)
        return action;
    if (context == TUI_CONTEXT_LIST)
        context = TUI_CONTEXT_NORMAL;
    if ((action = find(map, context, key)) != TUI_ACTION_NONE)
        return action;
    return find(map, TUI_CONTEXT_GLOBAL, key);
}

TuiKey
tui_keymap_get_key(TuiKeymap *map, TuiAction action)
{
    return map->keys[action];
}
