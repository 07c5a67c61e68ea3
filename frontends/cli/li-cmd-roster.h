/* li-cmd-roster: the `roster` command group (contacts of a connected profile). */
#pragma once

#include "li-command.h"

extern const LiGroup li_cmd_roster;
