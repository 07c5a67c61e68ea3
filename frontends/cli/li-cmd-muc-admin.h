/* li-cmd-muc-admin: the administration commands of `li muc`: kick, ban, affiliate,
 * role, affiliations, configure, invite, destroy. li-cmd-muc.c lists them with the
 * commands of group chat itself in the one `muc` group. */
#pragma once

#include "li-command.h"

extern const LiCommand li_cmd_muc_affiliate_command;
extern const LiCommand li_cmd_muc_affiliations_command;
extern const LiCommand li_cmd_muc_ban_command;
extern const LiCommand li_cmd_muc_configure_command;
extern const LiCommand li_cmd_muc_destroy_command;
extern const LiCommand li_cmd_muc_invite_command;
extern const LiCommand li_cmd_muc_kick_command;
extern const LiCommand li_cmd_muc_role_command;
