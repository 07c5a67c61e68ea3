/* li-commands: the root of li's command tree: one group per li-cmd-*.c file. */
#include "li-cmd-avatar.h"
#include "li-cmd-blocking.h"
#include "li-cmd-bookmarks.h"
#include "li-cmd-debug.h"
#include "li-cmd-file.h"
#include "li-cmd-identity.h"
#include "li-cmd-info.h"
#include "li-cmd-message.h"
#include "li-cmd-muc.h"
#include "li-cmd-param.h"
#include "li-cmd-ping.h"
#include "li-cmd-profile.h"
#include "li-cmd-roster.h"
#include "li-command.h"

static const LiGroup *const groups[] = {
    &li_cmd_debug,
    &li_cmd_info,
    &li_cmd_message,
    &li_cmd_param,
    &li_cmd_profile,
    &li_cmd_roster,
    &li_cmd_blocking,
    &li_cmd_bookmarks,
    &li_cmd_muc,
    &li_cmd_file,
    &li_cmd_avatar,
    &li_cmd_identity,
    NULL,
};

/* Commands at the top of the tree, as in Libervia's CLI. */
static const LiCommand *const commands[] = { &li_cmd_ping, NULL };

static const LiGroup root = {
    "li",
    "li: the command line of the Libervia XMPP suite (libervia-c)",
    groups,
    commands,
};

const LiGroup *
li_commands_root(void)
{
    return &root;
}
