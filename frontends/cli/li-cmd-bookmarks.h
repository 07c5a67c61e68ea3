/* li-cmd-bookmarks: the `bookmarks` command group (rooms and pages bookmarked). */
#pragma once

#include "li-command.h"

extern const LiGroup li_cmd_bookmarks;
