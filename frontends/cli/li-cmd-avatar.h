/* li-cmd-avatar: the `avatar` group (get, set), as Libervia's CLI. */
#pragma once

#include "li-command.h"

extern const LiGroup li_cmd_avatar;
