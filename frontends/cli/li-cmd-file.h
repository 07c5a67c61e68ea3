/* li-cmd-file: the `file` group: upload (HTTP File Upload) and get (download). */
#pragma once

#include "li-command.h"

extern const LiGroup li_cmd_file;
