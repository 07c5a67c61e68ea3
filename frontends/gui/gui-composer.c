/* gui-composer: the message entry under a conversation: a multi-line text view
 * where Enter sends and Shift+Enter starts a new line, a send button and an attach
 * button. */
#include "gui-a11y.h"
#include "gui-views.h"

typedef struct {
    GtkWidget *text;
    GuiComposerFunc send;
    GuiComposerHook typing;
    GuiComposerHook attach;
    gpointer user_data;
} GuiComposer;

static void
send_text(GuiComposer *composer)
{
    GtkTextBuffer *buffer = gtk_text_view_get_buffer(GTK_TEXT_VIEW(composer->text));
    GtkTextIter start;
    GtkTextIter end;

    gtk_text_buffer_get_bounds(buffer, &start, &end);
    g_autofree char *text = gtk_text_buffer_get_text(buffer, &start, &end, FALSE);
    /* Blank lines around the text are a slip of the keyboard, not content. */
    g_strstrip(text);
    if (*text == '\0')
        return;
    composer->send(text, composer->user_data);
    gtk_text_buffer_set_text(buffer, "", -1);
}

static gboolean
on_key(GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
       gpointer user_data)
{
    GuiComposer *composer = user_data;

    if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter)
        return FALSE;
    if (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK))
        return FALSE; /* the text view inserts the new line */
    send_text(composer);
    return TRUE;
}

static void
on_send_clicked(GtkButton *button, gpointer user_data)
{
    send_text(user_data);
}

static void
on_changed(GtkTextBuffer *buffer, gpointer user_data)
{
    GuiComposer *composer = user_data;

    if (gtk_text_buffer_get_char_count(buffer) > 0)
        composer->typing(composer->user_data);
}

static void
on_attach_clicked(GtkButton *button, gpointer user_data)
{
    GuiComposer *composer = user_data;

    composer->attach(composer->user_data);
}

GtkWidget *
gui_composer_new(const char *label, GuiComposerFunc send, GuiComposerHook typing,
                 GuiComposerHook attach, gpointer user_data)
{
    GuiComposer *composer = g_new0(GuiComposer, 1);
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *scrolled = gtk_scrolled_window_new();
    GtkWidget *send_button = gtk_button_new_from_icon_name("mail-send-symbolic");
    GtkWidget *attach_button = gtk_button_new_from_icon_name("mail-attachment-symbolic");
    GtkEventController *keys = gtk_event_controller_key_new();

    composer->send = send;
    composer->typing = typing;
    composer->attach = attach;
    composer->user_data = user_data;
    composer->text = gtk_text_view_new();
    gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(composer->text), GTK_WRAP_WORD_CHAR);
    gtk_text_view_set_accepts_tab(GTK_TEXT_VIEW(composer->text), FALSE); /* Tab moves on */
    gtk_text_view_set_top_margin(GTK_TEXT_VIEW(composer->text), 6);
    gtk_text_view_set_bottom_margin(GTK_TEXT_VIEW(composer->text), 6);
    gtk_text_view_set_left_margin(GTK_TEXT_VIEW(composer->text), 6);
    gui_a11y_label(composer->text, "Message text");
    gtk_accessible_update_property(GTK_ACCESSIBLE(composer->text),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, label, -1);
    /* Before the text view's own handling, which would insert the new line. */
    gtk_event_controller_set_propagation_phase(keys, GTK_PHASE_CAPTURE);
    g_signal_connect(keys, "key-pressed", G_CALLBACK(on_key), composer);
    gtk_widget_add_controller(composer->text, keys);
    g_signal_connect(gtk_text_view_get_buffer(GTK_TEXT_VIEW(composer->text)), "changed",
                     G_CALLBACK(on_changed), composer);
    gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scrolled), composer->text);
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scrolled), GTK_POLICY_NEVER,
                                   GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_max_content_height(GTK_SCROLLED_WINDOW(scrolled), 160);
    gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(scrolled), TRUE);
    gtk_widget_set_hexpand(scrolled, TRUE);
    gtk_widget_add_css_class(scrolled, "card");
    gui_a11y_label(attach_button, "Send a file");
    g_signal_connect(attach_button, "clicked", G_CALLBACK(on_attach_clicked), composer);
    gui_a11y_label(send_button, "Send message");
    g_signal_connect(send_button, "clicked", G_CALLBACK(on_send_clicked), composer);
    gtk_box_append(GTK_BOX(box), attach_button);
    gtk_box_append(GTK_BOX(box), scrolled);
    gtk_box_append(GTK_BOX(box), send_button);
    gtk_widget_set_margin_start(box, 6);
    gtk_widget_set_margin_end(box, 6);
    gtk_widget_set_margin_top(box, 6);
    gtk_widget_set_margin_bottom(box, 6);
    gtk_widget_set_valign(send_button, GTK_ALIGN_END);
    gtk_widget_set_valign(attach_button, GTK_ALIGN_END);
    g_object_set_data_full(G_OBJECT(box), "gui-composer", composer, g_free);
    return box;
}
