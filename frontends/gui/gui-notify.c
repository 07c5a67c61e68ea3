/* gui-notify: GNotification for a message in a conversation not in view. One
 * notification per conversation (its id), replaced by the next message; choosing
 * it opens the conversation (app.open-chat). */
#include "gui-views.h"

#define BODY_MAX_CHARS 200

void
gui_notify_message(GuiApp *app, const char *conversation, const char *title, const char *body)
{
    g_autoptr(GNotification) notification = g_notification_new(title);
    g_autofree char *id = g_strconcat("chat-", conversation, NULL);
    g_autofree char *shown = NULL;

    /* A long message is cut: the notification is a pointer to the chat, not a reader. */
    if (g_utf8_strlen(body, -1) > BODY_MAX_CHARS) {
        g_autofree char *start = g_utf8_substring(body, 0, BODY_MAX_CHARS);
        shown = g_strconcat(start, "…", NULL);
    } else {
        shown = g_strdup(body);
    }
    g_notification_set_body(notification, shown);
    g_notification_set_default_action_and_target(notification, "app.open-chat", "s", conversation);
    g_notification_set_category(notification, "im.received");
    g_application_send_notification(G_APPLICATION(app->application), id, notification);
}
