/* tui-app: the TUI's state and its controller: the bridge, the profile being
 * used, the contact list, the chats, the mode and focus, and what each key and
 * each backend signal does to them. It draws nothing itself: it asks the screen
 * (TuiScreenOps, the tui-screen-*.c files) to redraw, so that it runs headless
 * in the unit tests. Everything happens on the GLib main loop. */
#pragma once

#include <glib.h>

#include "lv-bridge.h"
#include "lv-config.h"
#include "tui-chat.h"
#include "tui-input.h"
#include "tui-keys.h"
#include "tui-notify.h"
#include "tui-roster.h"

G_BEGIN_DECLS

typedef struct _TuiApp TuiApp;

typedef enum {
    TUI_PHASE_STARTING, /* waiting for the bridge, the profile, the connection */
    TUI_PHASE_CHOOSER,  /* the profile chooser */
    TUI_PHASE_PROMPT,   /* one question (a password, a name) over the whole screen */
    TUI_PHASE_MAIN,
} TuiPhase;

typedef enum {
    TUI_MODE_NORMAL,
    TUI_MODE_INSERT,
    TUI_MODE_COMMAND,
} TuiMode;

typedef enum {
    TUI_FOCUS_CONTACTS,
    TUI_FOCUS_CHAT,
    TUI_FOCUS_OCCUPANTS,
} TuiFocus;

typedef enum {
    TUI_PROMPT_PASSWORD, /* the profile password of app->profile */
    TUI_PROMPT_NEW_NAME, /* creating a profile: its name */
    TUI_PROMPT_NEW_JID,  /* its XMPP address */
    TUI_PROMPT_NEW_XMPP_PASSWORD,
    TUI_PROMPT_NEW_PASSWORD, /* its profile password (may be empty) */
} TuiPromptKind;

typedef struct {
    void (*draw)(TuiApp *app);       /* redraw what changed */
    void (*redraw_all)(TuiApp *app); /* clear and redraw everything */
    void (*bell)(TuiApp *app);
    void (*drawn)(TuiApp *app); /* told after the first main screen is drawn */
} TuiScreenOps;

struct _TuiApp {
    LvConfig *config;
    LvBridge *bridge;
    TuiKeymap *keymap;
    GMainLoop *loop;
    const TuiScreenOps *screen;
    TuiNotify *notify;

    TuiPhase phase;
    TuiMode mode;
    TuiFocus focus;
    char *starting_text; /* what TUI_PHASE_STARTING waits for */

    char *profile;          /* the profile in use, once known */
    char *own_jid;          /* our bare JID */
    char *password;         /* the profile password, sodium_malloc'd, for reconnections */
    gboolean given_profile; /* -p was given */

    TuiRoster *roster;
    GHashTable *chats; /* bare jid → TuiChat */
    TuiChat *current;  /* the chat shown, or NULL */
    TuiChat *help;     /* the chat of the TUI's own messages (help, search) */
    TuiInput *input;
    guint list_selected; /* row of the contact list under the cursor */
    char *status;        /* the last event or error, on the status line */
    gboolean contacts_hidden;
    gboolean occupants_hidden;
    gboolean timestamps_hidden;
    gboolean pasting;
    char *complete_prefix;    /* nick completion in progress: what was typed */
    char *complete_last;      /* the nick proposed last */
    gint64 composing_told_at; /* chatStateComposing last called (monotonic µs) */
    TuiChat *composing_told;  /* for that chat (compared, never dereferenced) */
    guint composing_later;    /* the call for the keys of the last second */
    gint64 interrupted_at;    /* a first ctrl-c (monotonic µs), 0: none pending */
    guint chat_height;        /* lines of the chat pane, from the screen */
    guint chat_width;         /* its columns */

    /* Profile chooser and prompts. */
    char **profiles;
    guint chooser_selected;
    TuiPromptKind prompt;
    char *prompt_error;
    char *new_name, *new_jid, *new_xmpp_password; /* being created (the last wiped) */

    guint name_watch;
    gboolean backend_gone;
    gboolean main_drawn;
    gboolean exit_when_drawn; /* --exit-when-drawn (benchmarks) */
    int exit_code;
    char *exit_message; /* printed after the screen is restored */
    gboolean quitting;  /* tui_app_quit was called (maybe before the loop runs) */
};

/* A new app on @config (a reference is taken) and @keymap (taken). */
TuiApp *tui_app_new(LvConfig *config, TuiKeymap *keymap, GMainLoop *loop);
void tui_app_free(TuiApp *app);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TuiApp, tui_app_free)

/* Connects the bridge and goes on with @profile (NULL: the chooser). */
void tui_app_start(TuiApp *app, const char *profile);

/* Ends the main loop with @exit_code; @message (may be NULL) is printed after. */
void tui_app_quit(TuiApp *app, int exit_code, const char *message);

/* Asks the screen to redraw. */
void tui_app_redraw(TuiApp *app);
/* Sets the status line (printf format; the text is sanitised when drawn). */
void tui_app_set_status(TuiApp *app, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* A key pressed, as the screen read it. */
void tui_app_handle_key(TuiApp *app, TuiKey key);
/* The screen size changed: the chat pane now has @chat_height lines. */
void tui_app_set_chat_height(TuiApp *app, guint chat_height);

/* The chat of @jid, made when missing (transfer none). */
TuiChat *tui_app_ensure_chat(TuiApp *app, const char *jid, gboolean is_room);
/* Shows @chat (loads its history the first time) and focuses it. */
void tui_app_open_chat(TuiApp *app, TuiChat *chat);
/* Loads the page of history before the oldest message of @chat (PageUp at the top),
 * or the last @limit messages when @chat is empty. */
void tui_app_load_history(TuiApp *app, TuiChat *chat, gint limit);

/* Continues after a bridge call: @reply is the reply tuple (transfer none), or NULL
 * with @error (transfer none) when the call failed. */
typedef void (*TuiReplyFunc)(TuiApp *app, GVariant *reply, const GError *error, gpointer data);
/* Calls @method; the reply goes to @next (may be NULL: errors go to the status
 * line), with @data (freed with @data_free after). */
void tui_app_call(TuiApp *app, const char *method, GVariant *params, TuiReplyFunc next,
                  gpointer data, GDestroyNotify data_free);

/* The rows of the contact list (transfer full, TuiRosterRow*). */
GPtrArray *tui_app_dup_rows(TuiApp *app);

/* Connected to a profile with its session started: the main screen, then loads
 * the contacts, presences and rooms (tui-app-load.c). */
void tui_app_enter_main(TuiApp *app);
void tui_app_reload(TuiApp *app);
/* Fills @m (nick and body owned, uid and from borrowed) from a row of historyGet
 * or messageNew: the body in the default language, the nick of its sender. */
void tui_app_fill_message(TuiApp *app, TuiChat *chat, TuiMessage *m, const char *uid,
                          double timestamp, const char *from, GVariant *message, const char *extra);
/* A room we are in, with its occupants as mucRoomJoined and mucGetRoomsJoined give
 * them (a{sa{ss}}: nick → data). */
void tui_app_set_room(TuiApp *app, const char *room_jid, GVariant *occupants, const char *nick,
                      const char *subject);
/* Handles one backend signal (tui-app-signals.c). */
void tui_app_on_signal(LvBridge *bridge, const char *name, GVariant *params, gpointer user_data);
/* Watches the backend's bus name: its restart is followed by a reload. */
void tui_app_watch_backend(TuiApp *app);

/* The profile chooser and prompts (tui-profile.c). */
void tui_profile_choose(TuiApp *app);
void tui_profile_use(TuiApp *app, const char *profile);
void tui_profile_handle_key(TuiApp *app, TuiKey key);
/* The question of the current prompt (transfer none). */
const char *tui_profile_prompt_label(TuiApp *app);
gboolean tui_profile_prompt_secret(TuiApp *app);
/* Starts the session of app->profile again and connects (after a backend restart). */
void tui_profile_reconnect(TuiApp *app);

/* The mode's name for the status line (transfer none). */
const char *tui_app_mode_name(TuiMode mode);

G_END_DECLS
