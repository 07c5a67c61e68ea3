/* gui-app: the desktop frontend's application: the bridge, the window, the
 * session of the profile logged in, and the routing of backend signals to the
 * views. Every bridge call goes through gui_app_call(): asynchronous, cancelled
 * when the application shuts down, errors shown in the window. */
#pragma once

#include <adwaita.h>

#include "lv-bridge.h"

G_BEGIN_DECLS

typedef struct _GuiContacts GuiContacts;
typedef struct _GuiChats GuiChats;
typedef struct _GuiFiles GuiFiles;
typedef struct _GuiStatus GuiStatus;

/* Shared by the view modules; owned by gui-app.c. */
typedef struct {
    AdwApplication *application;
    LvConfig *config;
    LvBridge *bridge;     /* NULL until connected */
    GCancellable *cancel; /* cancelled at shutdown: no reply reaches a freed view */
    GtkWindow *window;    /* NULL once destroyed (weak pointer) */
    GtkStack *pages;      /* "login" and "main" */
    GtkWidget *error_label;
    char *profile; /* the profile logged in, NULL before */
    char *own_jid; /* its bare JID once connected */
    GuiContacts *contacts;
    GuiChats *chats;
    GuiFiles *files;
    GuiStatus *status;
} GuiApp;

/* A reply: @reply is NULL when the call failed (the error was already shown
 * unless the caller asked otherwise). */
typedef void (*GuiReplyFunc)(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data);

int gui_app_run(int argc, char **argv);

/* Calls @method; @func (may be NULL) gets the reply on the main loop, never after
 * shutdown. A failure is shown in the window's error line, as "@method: message". */
void gui_app_call(GuiApp *app, const char *method, GVariant *params, GuiReplyFunc func,
                  gpointer user_data);
/* The same, errors left to @func alone. */
void gui_app_call_quiet(GuiApp *app, const char *method, GVariant *params, GuiReplyFunc func,
                        gpointer user_data);
void gui_app_show_error(GuiApp *app, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* The login succeeded: build the main view for app->profile. */
void gui_app_session_ready(GuiApp *app);

G_END_DECLS
