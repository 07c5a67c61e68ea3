/* li-cmd-profile: the `profile` command group (profiles of the backend). */
#pragma once

#include "li-command.h"

extern const LiGroup li_cmd_profile;
