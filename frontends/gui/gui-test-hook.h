/* gui-test-hook: with LIBERVIA_DESKTOP_TEST_SOCKET set to a path, the application
 * listens there for the integration tests' commands, one line each, one line of
 * answer: "dump" (the window's widget tree, JSON, see gui_a11y_dump), "activate
 * LABEL" and "focus LABEL" (the widget with that accessible label). Input itself
 * comes from real X events (xdotool); this only observes and finds widgets. Unset,
 * nothing listens. */
#pragma once

#include "gui-app.h"

G_BEGIN_DECLS

/* Starts listening if the variable is set; FALSE with a warning if it cannot. */
gboolean gui_test_hook_start(GuiApp *app);
void gui_test_hook_stop(void);

G_END_DECLS
