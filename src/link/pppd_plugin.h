/* Where pppd finds a plugin: pppd 2.4.9 loads a plugin named without a '/' ("plugin
 * pppol2tp.so") from the directory compiled into it, /usr/lib/pppd/VERSION, so that
 * directory is read from the installed pppd itself, not guessed. */
#ifndef SSHDIAL_PPPD_PLUGIN_H
#define SSHDIAL_PPPD_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

struct err;

#define PPPD_PLUGIN_BASE "/usr/lib/pppd/"

/* In bin, pppd's bytes: the first NUL-terminated string that is PPPD_PLUGIN_BASE and a
 * version (digits and dots), written to dir.  false when there is none (or dir is too
 * small).  Pure. */
bool pppd_plugin_dir_in(const char *bin, size_t len, char *dir, size_t dirlen);

/* The plugin directory compiled into the pppd binary at pppd, in dir; 0, or -1 with why
 * (what is missing, and where).  The answer is kept for the process, keyed by the path and
 * what stat says of the file (device, inode, size, modification time): the binary (~400 KB)
 * is read again only when one of them changed, as with an upgraded pppd, not once per link
 * or attempt. */
int pppd_plugin_dir_of(const char *pppd, char *dir, size_t dirlen, struct err *why);

/* The path of plugin name for the pppd at PPPD_PATH, in path; 0 when the file is there,
 * -1 with why (what is missing, and where) otherwise.  Cheap enough for every attempt:
 * pppd's directory comes from pppd_plugin_dir_of, the plugin is looked for each time. */
int pppd_plugin_find(const char *name, char *path, size_t len, struct err *why);

#endif
