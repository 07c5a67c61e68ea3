/* tui-keys: keys, their names as Libervia writes them ("ctrl a", "meta j",
 * "shift tab", "f2") and the key map from keys to actions, with the `KEY_<ACTION>`
 * overrides of the [tui] section of libervia.conf. No curses here: the screen
 * turns curses' key codes into TuiKey. */
#pragma once

#include <glib.h>

#include "lv-config.h"

G_BEGIN_DECLS

/* Keys that are not characters: above the Unicode range. */
enum {
    TUI_KEY_UP = 0x110000,
    TUI_KEY_DOWN,
    TUI_KEY_LEFT,
    TUI_KEY_RIGHT,
    TUI_KEY_CTRL_UP,
    TUI_KEY_CTRL_DOWN,
    TUI_KEY_CTRL_LEFT,
    TUI_KEY_CTRL_RIGHT,
    TUI_KEY_HOME,
    TUI_KEY_END,
    TUI_KEY_PAGE_UP,
    TUI_KEY_PAGE_DOWN,
    TUI_KEY_SHIFT_TAB,
    TUI_KEY_BACKSPACE,
    TUI_KEY_DELETE,
    TUI_KEY_INSERT,
    TUI_KEY_PASTE_START, /* bracketed paste: ESC [ 200 ~ */
    TUI_KEY_PASTE_END,   /* ESC [ 201 ~ */
    TUI_KEY_F1,          /* F1..F12 follow */
    TUI_KEY_F12 = TUI_KEY_F1 + 11,
};

#define TUI_KEY_ENTER '\r'
#define TUI_KEY_TAB '\t'
#define TUI_KEY_ESC 0x1b

typedef struct {
    guint32 code;  /* a Unicode character (ctrl a is 1) or a TUI_KEY_* */
    gboolean meta; /* pressed with meta (alt), i.e. preceded by ESC */
} TuiKey;

/* Parses a key name: a character ("i", ":", "G"), "ctrl X", "meta X", "shift tab",
 * "esc", "enter", "tab", "space", "backspace", "delete", "up" … "right",
 * "ctrl up" …, "home", "end", "page up", "page down", "f1" … "f12".
 * FALSE for anything else. */
gboolean tui_key_parse(const char *name, TuiKey *key);

/* The name of @key as tui_key_parse() reads it (transfer full). */
char *tui_key_dup_name(TuiKey key);

/* Where an action applies: keys are looked up in the focused context first. */
typedef enum {
    TUI_CONTEXT_GLOBAL,
    TUI_CONTEXT_NORMAL, /* normal mode (keys are commands, not text) */
    TUI_CONTEXT_EDIT,   /* insertion and command modes (keys edit the input line) */
    TUI_CONTEXT_LIST,   /* normal mode, focus on the contact list */
} TuiContext;

typedef enum {
    TUI_ACTION_NONE,
    TUI_ACTION_MODE_INSERTION,
    TUI_ACTION_MODE_COMMAND,
    TUI_ACTION_MODAL_ESCAPE,
    TUI_ACTION_HISTORY_PREV,
    TUI_ACTION_HISTORY_NEXT,
    TUI_ACTION_EDIT_HOME,
    TUI_ACTION_EDIT_END,
    TUI_ACTION_EDIT_DELETE_TO_END,
    TUI_ACTION_EDIT_DELETE_LAST_WORD,
    TUI_ACTION_EDIT_ENTER,
    TUI_ACTION_EDIT_COMPLETE,
    TUI_ACTION_NOTIFICATION_NEXT,
    TUI_ACTION_APP_QUIT,
    TUI_ACTION_ROOM_JOIN,
    TUI_ACTION_CONTACTS_HIDE,
    TUI_ACTION_REFRESH_SCREEN,
    TUI_ACTION_DISCONNECTED_HIDE,
    TUI_ACTION_OCCUPANTS_HIDE,
    TUI_ACTION_TIMESTAMP_HIDE,
    TUI_ACTION_GOTO_BOTTOM,
    TUI_ACTION_FOCUS_SWITCH,
    TUI_ACTION_FOCUS_UP,
    TUI_ACTION_FOCUS_DOWN,
    TUI_ACTION_FOCUS_LEFT,
    TUI_ACTION_FOCUS_RIGHT,
    TUI_ACTION_SCROLL_UP,
    TUI_ACTION_SCROLL_DOWN,
    TUI_ACTION_LIST_UP,
    TUI_ACTION_LIST_DOWN,
    TUI_ACTION_LIST_SELECT,
    TUI_ACTION_COUNT,
} TuiAction;

typedef struct {
    TuiAction action;
    const char *name; /* KEY_<name> in [tui] */
    TuiContext context;
    const char *default_key; /* a tui_key_parse() name */
    const char *doc;         /* one line, for libervia.conf.sample and :help */
} TuiActionInfo;

/* The table of actions, in TuiAction order, TUI_ACTION_COUNT entries from
 * TUI_ACTION_MODE_INSERTION (transfer none). */
const TuiActionInfo *tui_action_info(TuiAction action);

/* The action named @name ("APP_QUIT", any case), or TUI_ACTION_NONE. */
TuiAction tui_action_from_name(const char *name);

typedef struct _TuiKeymap TuiKeymap;

/* The default bindings, overridden by `KEY_<ACTION> = key` in [tui] of @config
 * (may be NULL). A key name that does not parse is an LV_ERROR_CONFIG error naming
 * the option. */
TuiKeymap *tui_keymap_new(LvConfig *config, GError **error);
void tui_keymap_free(TuiKeymap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TuiKeymap, tui_keymap_free)

/* The action bound to @key in @context, else in the global context. */
TuiAction tui_keymap_lookup(TuiKeymap *map, TuiContext context, TuiKey key);

/* The key bound to @action (transfer none). */
TuiKey tui_keymap_get_key(TuiKeymap *map, TuiAction action);

G_END_DECLS
