#include "server/lease.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/log.h"
#include "lib/xalloc.h"

struct lease {
	int fd;
	struct in_addr addr;
};

static void lease_path(char *buf, size_t len, const char *dir, struct in_addr addr)
{
	char a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &addr, a, sizeof(a));
	snprintf(buf, len, "%s/%s", dir, a);
}

/* "KEY PID" from a lease file; empty when it holds nothing readable. */
static void read_holder(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* LEASE_ERROR from take_one: whether the fault is this file's (another address may do). */
enum take_fault { FAULT_NONE, FAULT_FILE, FAULT_OTHER };

static enum lease_result take_one(const char *dir, struct in_addr addr, const char *key,
                                  struct lease **out, struct err *e, enum take_fault *fault)
{
	char path[PATH_MAX], a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &addr, a, sizeof(a));
	lease_path(path, sizeof(path), dir, addr);
	*fault = FAULT_FILE;
	/* Group-writable: every serve account of the group may lease the address later.
	 * O_NONBLOCK: a FIFO put in its place must not hang the connection. */
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0664);
	if (fd < 0) {
		if (errno == ENOENT)
			*fault = FAULT_OTHER;
		if (errno == EISDIR || errno == ELOOP)
			err_set(e, NULL, "remove it", "lease file %s is not a regular file", path);
		else
			err_fix(err_errno(e, errno, NULL, NULL, "cannot open lease file %s", path),
			        "is %s writable by this account (group %s)?", dir, LEASE_GROUP);
		return LEASE_ERROR;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err_set(e, NULL, "remove it", "lease file %s is not a regular file", path);
		close(fd);
		return LEASE_ERROR;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int saved = errno;
		char holder[64];
		read_holder(fd, holder, sizeof(holder));
		close(fd);
		if (saved == EWOULDBLOCK) {
			err_set(e, NULL, NULL, "address %s is in use by %s%s", a,
			        holder[0] ? "key " : "another connection", holder);
			return LEASE_BUSY;
		}
		err_errno(e, saved, NULL, NULL, "cannot lock lease file %s", path);
		return LEASE_ERROR;
	}
	if (st.st_uid == geteuid())
		(void)fchmod(fd, 0664); /* despite the umask */
	char holder[64];
	int n = snprintf(holder, sizeof(holder), "%s %d\n", key, (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, holder, (size_t)n, 0) != n) {
		err_errno(e, errno, NULL, NULL, "cannot write lease file %s", path);
		close(fd);
		return LEASE_ERROR;
	}
	struct lease *l = xmalloc(sizeof(*l));
	*l = (struct lease){.fd = fd, .addr = addr};
	*out = l;
	*fault = FAULT_NONE;
	return LEASE_OK;
}

enum lease_result lease_take(const char *dir, struct in_addr addr, const char *key,
                             struct lease **out, struct err *e)
{
	enum take_fault fault;
	return take_one(dir, addr, key, out, e, &fault);
}

enum lease_result lease_take_from_pool(const char *dir, const struct cidr *pool,
                                       lease_usable_fn *usable, void *arg, const char *key,
                                       struct lease **out, struct err *e)
{
	uint32_t base;
	memcpy(&base, pool->addr, 4);
	base = ntohl(base);
	uint32_t size = pool->prefixlen >= 32 ? 1 : 1u << (32 - pool->prefixlen);
	unsigned tried = 0, skipped = 0;
	if (access(dir, W_OK | X_OK) < 0) {
		err_fix(err_errno(e, errno, NULL, NULL, "cannot use lease directory %s", dir),
		        "is it writable by this account (group %s)?", LEASE_GROUP);
		return LEASE_ERROR;
	}
	for (uint32_t host = size - 2; host >= 1 && host < size; host--) {
		struct in_addr a = {.s_addr = htonl(base + host)};
		if (usable && !usable(arg, a))
			continue;
		tried++;
		enum take_fault fault;
		enum lease_result r = take_one(dir, a, key, out, e, &fault);
		if (r == LEASE_ERROR && fault == FAULT_FILE) {
			/* One bad file must not stop every connection of the pool. */
			char msg[ERR_LINE_MAX];
			log_warn("key %s: %s; skipping that address", key,
			         err_format(e, msg, sizeof(msg)));
			skipped++;
			continue;
		}
		if (r != LEASE_BUSY)
			return r;
	}
	char net[CIDR_STRLEN];
	cidr_format(pool, net, sizeof(net));
	err_set(e, NULL, NULL, "the pool %s is exhausted: all %u addresses it leases are in use%s",
	        net, tried, skipped ? " or have unusable lease files (see the warnings)" : "");
	return LEASE_BUSY;
}

struct in_addr lease_address(const struct lease *l)
{
	return l->addr;
}

void lease_release(struct lease *l)
{
	if (!l)
		return;
	close(l->fd);
	free(l);
}

bool lease_held(const char *dir, struct in_addr addr, char *key, size_t len)
{
	char path[PATH_MAX], holder[64];
	lease_path(path, sizeof(path), dir, addr);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	read_holder(fd, holder, sizeof(holder));
	close(fd);
	if (held && key)
		snprintf(key, len, "%.*s", (int)strcspn(holder, " "), holder);
	return held;
}

pid_t lease_locks_holder(const char *locks, dev_t dev, ino_t ino)
{
	for (const char *line = locks; line && *line; line = strchr(line, '\n'), line += !!line) {
		char type[16], mode[16], access[16];
		int pid;
		unsigned maj, min;
		unsigned long inode;
		/* "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; a waiter's line has "->"
		 * where the type is, and fails the match. */
		if (sscanf(line, "%*d: %15s %15s %15s %d %x:%x:%lu", type, mode, access, &pid, &maj,
		           &min, &inode) != 7)
			continue;
		if (strcmp(type, "FLOCK") == 0 && strcmp(access, "WRITE") == 0 && pid > 0 &&
		    maj == major(dev) && min == minor(dev) && inode == (unsigned long)ino)
			return (pid_t)pid;
	}
	return 0;
}

/* All of /proc/locks (malloc'd), or NULL. */
static char *read_locks(void)
{
	int fd = open("/proc/locks", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t size = 16384, used = 0;
	char *buf = xmalloc(size);
	ssize_t n;
	while ((n = read(fd, buf + used, size - used - 1)) > 0) {
		used += (size_t)n;
		if (size - used < 4096) {
			size *= 2;
			buf = xrealloc(buf, size, 1);
		}
	}
	close(fd);
	buf[used] = '\0';
	return buf;
}

pid_t lease_holder_pid(const char *dir, struct in_addr addr, char *key, size_t len)
{
	char path[PATH_MAX], holder[64];
	struct stat st;
	if (key && len)
		key[0] = '\0';
	lease_path(path, sizeof(path), dir, addr);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	read_holder(fd, holder, sizeof(holder));
	close(fd);
	if (key)
		snprintf(key, len, "%.*s", (int)strcspn(holder, " "), holder);
	char *locks = read_locks();
	pid_t pid = locks ? lease_locks_holder(locks, st.st_dev, st.st_ino) : 0;
	free(locks);
	if (pid > 0)
		return pid;
	/* /proc/locks names a file by its superblock's device, which is not always what stat
	 * says (overlayfs, btrfs subvolumes): then the pid the file names is asked instead,
	 * and counts only if the kernel shows it holding the lock itself. */
	const char *space = strchr(holder, ' ');
	char *end;
	long claimed = space ? strtol(space + 1, &end, 10) : 0;
	if (claimed > 0 && claimed <= INT_MAX && end != space + 1 && *end == '\0' &&
	    lease_pid_holds_lock((pid_t)claimed, &st))
		return (pid_t)claimed;
	return 0;
}

/* Whether the fdinfo text of a descriptor shows an exclusive flock() on its file. */
static bool fdinfo_flock_write(const char *text)
{
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line += !!line) {
		if (strncmp(line, "lock:", 5) != 0)
			continue;
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		char l[256];
		snprintf(l, sizeof(l), "%.*s", (int)n, line);
		/* "lock:\t1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; a waiter has "->" */
		if (!strstr(l, "->") && strstr(l, " FLOCK ") && strstr(l, " WRITE "))
			return true;
	}
	return false;
}

bool lease_pid_holds_lock(pid_t pid, const struct stat *file)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return false;
	bool holds = false;
	struct dirent *de;
	while (!holds && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		char fdpath[300], info[300], text[4096];
		struct stat st;
		/* stat through the descriptor: the same file system's view as the caller's. */
		snprintf(fdpath, sizeof(fdpath), "/proc/%d/fd/%s", (int)pid, de->d_name);
		if (stat(fdpath, &st) < 0 || st.st_dev != file->st_dev || st.st_ino != file->st_ino)
			continue;
		snprintf(info, sizeof(info), "/proc/%d/fdinfo/%s", (int)pid, de->d_name);
		int fd = open(info, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, text, sizeof(text) - 1);
		close(fd);
		text[n > 0 ? n : 0] = '\0';
		holds = fdinfo_flock_write(text);
	}
	closedir(d);
	return holds;
}
