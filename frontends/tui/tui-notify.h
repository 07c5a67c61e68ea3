/* tui-notify: tells the user a message arrived in a chat they do not look at:
 * a freedesktop notification (org.freedesktop.Notifications on the session bus)
 * when a server owns that name, else the terminal bell. [tui] notify chooses:
 * auto (that), desktop, bell or none. */
#pragma once

#include <glib.h>

#include "lv-config.h"

G_BEGIN_DECLS

typedef struct _TuiNotify TuiNotify;

typedef void (*TuiBellFunc)(gpointer user_data);

/* Reads [tui] notify of @config (NULL: auto); @bell rings the terminal. An unknown
 * value is an LV_ERROR_CONFIG error. */
TuiNotify *tui_notify_new(LvConfig *config, TuiBellFunc bell, gpointer bell_data, GError **error);
void tui_notify_free(TuiNotify *notify);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TuiNotify, tui_notify_free)

/* Notifies @title / @body (network text: escaped for the notification's markup). */
void tui_notify_send(TuiNotify *notify, const char *title, const char *body);

G_END_DECLS
