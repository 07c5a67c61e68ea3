/* libervia-desktop: the GTK 4 frontend of the Libervia suite. */
#include <locale.h>

#include "gui-app.h"

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    return gui_app_run(argc, argv);
}
