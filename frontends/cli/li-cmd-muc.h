/* li-cmd-muc: the `muc` command group (multi-user chat rooms, XEP-0045). Libervia
 * 0.9's CLI has none; ours follows the other groups' shapes. */
#pragma once

#include "li-command.h"

extern const LiGroup li_cmd_muc;

/* The ROOM positional every room command takes first. */
extern const LiPositional li_cmd_muc_room_positional[];
