/* The server's one log-file opener (serve_log.h): the forced command's and the hook's. */
#include "server/serve_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"

static const char *kind_of(const struct stat *st)
{
	return S_ISFIFO(st->st_mode)  ? "a FIFO"
	       : S_ISLNK(st->st_mode) ? "a symbolic link"
	       : S_ISREG(st->st_mode) ? "a file with other hard links"
	       : S_ISDIR(st->st_mode) ? "a directory"
	                              : "a device or socket";
}

bool serve_log_open(const struct server_conf *c, enum serve_log_who who)
{
	const char *path = server_conf_log_file(c);
	struct stat st;
	if (!path)
		return false;
	int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
	int fd = who == SERVE_LOG_SESSION ? open(path, flags | O_CREAT, 0640) : open(path, flags);
	bool plain = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	             (who == SERVE_LOG_SESSION || st.st_nlink == 1);
	if (plain) {
		log_also_to_fd(fd);
		return true;
	}
	int e = errno;
	char why[160];
	if (fd >= 0 || (lstat(path, &st) == 0 && (who == SERVE_LOG_HOOK || !S_ISREG(st.st_mode))))
		snprintf(why, sizeof(why), "it is %s, not a plain file", kind_of(&st));
	else
		snprintf(why, sizeof(why), "%s", strerror(e));
	if (fd >= 0)
		close(fd);
	const char *whose = who == SERVE_LOG_HOOK ? "the hook logs" : "logging";
	log_error("log-file %s (%s): %s; %s to syslog only: make it a regular file", path,
	          SERVER_CONF_PATH, why, whose);
	if (who == SERVE_LOG_SESSION)
		fprintf(stderr,
		        "sshdial serve: log-file %s: %s; logging to syslog only: make it a regular "
		        "file\n",
		        path, why);
	return false;
}
