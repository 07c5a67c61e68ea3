/* li-cmd-ping: the `ping` command (XEP-0199), at the top of li's tree. */
#pragma once

#include "li-command.h"

extern const LiCommand li_cmd_ping;
