/* li-cmd-param: the `param` command group (profile parameters). */
#pragma once

#include "li-command.h"

extern const LiGroup li_cmd_param;
