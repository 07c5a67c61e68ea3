/* li-cmd-info: the `info` command group (disco, version, session). */
#pragma once

#include "li-command.h"

extern const LiGroup li_cmd_info;
