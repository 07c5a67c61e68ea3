/* li-cmd-message: the `message` command group: send, history, retract, monitor. */
#pragma once

#include "li-command.h"

extern const LiGroup li_cmd_message;
