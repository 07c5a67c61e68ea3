/* gui-a11y: accessible labels, and the widget tree as JSON for the tests. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Sets @widget's accessible label (what a screen reader says) and its tooltip when
 * it shows no text of its own; returns @widget. */
GtkWidget *gui_a11y_label(GtkWidget *widget, const char *label);
/* The label given with gui_a11y_label(), or NULL (transfer none). */
const char *gui_a11y_get_label(GtkWidget *widget);

/* The first visible, sensitive widget under @root labelled @label, or NULL. */
GtkWidget *gui_a11y_find(GtkWidget *root, const char *label);

/* The tree under @root: for each widget its type, accessible role, label (checked
 * against GTK's accessible property), text, visibility and bounds in @root
 * (transfer full, JSON). */
char *gui_a11y_dump(GtkWidget *root);

G_END_DECLS
