/* li-cmd-muc-admin: the administration commands of `li muc`: kick, ban, affiliate,
 * role, affiliations, configure, invite, destroy. They are meant to join the
 * commands of group chat itself in one `muc` group; li_cmd_muc_admin is that group
 * with these commands alone. */
#pragma once

#include "li-command.h"

extern const LiCommand *const li_cmd_muc_admin_commands[];
extern const LiGroup li_cmd_muc_admin;
