/* li-cmd-debug: the `debug` command group (tools for developers and scripts). */
#pragma once

#include "li-command.h"

extern const LiGroup li_cmd_debug;
