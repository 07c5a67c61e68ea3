/* li-cmd-blocking: the `blocking` command group (XEP-0191 blocked entities). */
#pragma once

#include "li-command.h"

extern const LiGroup li_cmd_blocking;
