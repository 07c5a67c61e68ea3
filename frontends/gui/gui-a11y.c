/* gui-a11y: accessible labels and the tree dump (see header). */
#include "gui-a11y.h"

#include <json-glib/json-glib.h>

#define LABEL_KEY "gui-a11y-label"

GtkWidget *
gui_a11y_label(GtkWidget *widget, const char *label)
{
    gtk_accessible_update_property(GTK_ACCESSIBLE(widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                   -1);
    g_object_set_data_full(G_OBJECT(widget), LABEL_KEY, g_strdup(label), g_free);
    /* Icon-only buttons say what they do on hover too. */
    if (GTK_IS_BUTTON(widget) && gtk_button_get_label(GTK_BUTTON(widget)) == NULL)
        gtk_widget_set_tooltip_text(widget, label);
    return widget;
}

const char *
gui_a11y_get_label(GtkWidget *widget)
{
    return g_object_get_data(G_OBJECT(widget), LABEL_KEY);
}

static gboolean
shown(GtkWidget *widget)
{
    return gtk_widget_get_mapped(widget) && gtk_widget_is_sensitive(widget);
}

GtkWidget *
gui_a11y_find(GtkWidget *root, const char *label)
{
    if (g_strcmp0(gui_a11y_get_label(root), label) == 0 && shown(root))
        return root;
    for (GtkWidget *child = gtk_widget_get_first_child(root); child != NULL;
         child = gtk_widget_get_next_sibling(child)) {
        GtkWidget *found = gui_a11y_find(child, label);
        if (found != NULL)
            return found;
    }
    return NULL;
}

static const char *
role_name(GtkWidget *widget)
{
    GtkAccessibleRole role = gtk_accessible_get_accessible_role(GTK_ACCESSIBLE(widget));
    GEnumClass *roles = g_type_class_ref(GTK_TYPE_ACCESSIBLE_ROLE);
    GEnumValue *value = g_enum_get_value(roles, role);
    const char *name = value != NULL ? value->value_nick : "unknown";

    g_type_class_unref(roles);
    return name;
}

/* What the widget shows as text, if it is of a kind that shows text. */
static char *
text_of(GtkWidget *widget)
{
    if (GTK_IS_LABEL(widget))
        return g_strdup(gtk_label_get_text(GTK_LABEL(widget)));
    /* A password's text is never told, not even to a test. */
    if (GTK_IS_TEXT(widget) && !gtk_text_get_visibility(GTK_TEXT(widget)))
        return NULL;
    if (GTK_IS_PASSWORD_ENTRY(widget))
        return NULL;
    if (GTK_IS_EDITABLE(widget))
        return g_strdup(gtk_editable_get_text(GTK_EDITABLE(widget)));
    if (GTK_IS_TEXT_VIEW(widget)) {
        GtkTextBuffer *buffer = gtk_text_view_get_buffer(GTK_TEXT_VIEW(widget));
        GtkTextIter start;
        GtkTextIter end;
        gtk_text_buffer_get_bounds(buffer, &start, &end);
        return gtk_text_buffer_get_text(buffer, &start, &end, FALSE);
    }
    if (GTK_IS_BUTTON(widget) && gtk_button_get_label(GTK_BUTTON(widget)) != NULL)
        return g_strdup(gtk_button_get_label(GTK_BUTTON(widget)));
    return NULL;
}

/* The label as GTK's accessibility layer holds it, not only as we stored it. */
static void
add_label(JsonBuilder *builder, GtkWidget *widget)
{
    const char *label = gui_a11y_get_label(widget);
    gboolean has =
            gtk_test_accessible_has_property(GTK_ACCESSIBLE(widget), GTK_ACCESSIBLE_PROPERTY_LABEL);

    if (label != NULL && has) {
        g_autofree char *mismatch = gtk_test_accessible_check_property(
                GTK_ACCESSIBLE(widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
        if (mismatch != NULL)
            label = NULL;
    }
    json_builder_set_member_name(builder, "label");
    if (label != NULL && has)
        json_builder_add_string_value(builder, label);
    else
        json_builder_add_null_value(builder);
}

/* Bounds in the surface of the widget's own window or popover. */
static void
add_bounds(JsonBuilder *builder, GtkWidget *widget)
{
    GtkNative *native = gtk_widget_get_native(widget);
    graphene_rect_t rect;
    double dx = 0;
    double dy = 0;

    if (native == NULL || !gtk_widget_compute_bounds(widget, GTK_WIDGET(native), &rect))
        return;
    gtk_native_get_surface_transform(native, &dx, &dy);
    json_builder_set_member_name(builder, "x");
    json_builder_add_int_value(builder, (gint64)(rect.origin.x + dx));
    json_builder_set_member_name(builder, "y");
    json_builder_add_int_value(builder, (gint64)(rect.origin.y + dy));
    json_builder_set_member_name(builder, "width");
    json_builder_add_int_value(builder, (gint64)rect.size.width);
    json_builder_set_member_name(builder, "height");
    json_builder_add_int_value(builder, (gint64)rect.size.height);
}

static void
dump_widget(JsonBuilder *builder, GtkWidget *widget)
{
    g_autofree char *text = text_of(widget);

    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "type");
    json_builder_add_string_value(builder, G_OBJECT_TYPE_NAME(widget));
    if (GTK_IS_WINDOW(widget) && gtk_window_get_title(GTK_WINDOW(widget)) != NULL) {
        json_builder_set_member_name(builder, "title");
        json_builder_add_string_value(builder, gtk_window_get_title(GTK_WINDOW(widget)));
    }
    json_builder_set_member_name(builder, "role");
    json_builder_add_string_value(builder, role_name(widget));
    add_label(builder, widget);
    if (text != NULL) {
        json_builder_set_member_name(builder, "text");
        json_builder_add_string_value(builder, text);
    }
    json_builder_set_member_name(builder, "mapped");
    json_builder_add_boolean_value(builder, gtk_widget_get_mapped(widget));
    json_builder_set_member_name(builder, "focus");
    json_builder_add_boolean_value(builder, gtk_widget_has_focus(widget));
    add_bounds(builder, widget);
    json_builder_set_member_name(builder, "children");
    json_builder_begin_array(builder);
    for (GtkWidget *child = gtk_widget_get_first_child(widget); child != NULL;
         child = gtk_widget_get_next_sibling(child))
        dump_widget(builder, child);
    json_builder_end_array(builder);
    json_builder_end_object(builder);
}

char *
gui_a11y_dump(GtkWidget *root)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();

    dump_widget(builder, root);
    g_autoptr(JsonNode) node = json_builder_get_root(builder);
    return json_to_string(node, FALSE);
}
