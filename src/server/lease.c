#include "server/lease.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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

enum lease_result lease_take(const char *dir, struct in_addr addr, const char *key,
                             struct lease **out, char *msg, size_t len)
{
	char path[PATH_MAX], a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &addr, a, sizeof(a));
	lease_path(path, sizeof(path), dir, addr);
	/* Group-writable: every serve account of the group may lease the address later. */
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0664);
	if (fd < 0) {
		snprintf(msg, len, "cannot open lease file %s: %s; is %s writable by this account?",
		         path, strerror(errno), dir);
		return LEASE_ERROR;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		char holder[64];
		read_holder(fd, holder, sizeof(holder));
		close(fd);
		if (e == EWOULDBLOCK) {
			snprintf(msg, len, "address %s is in use by %s%s", a,
			         holder[0] ? "key " : "another connection", holder);
			return LEASE_BUSY;
		}
		snprintf(msg, len, "cannot lock lease file %s: %s", path, strerror(e));
		return LEASE_ERROR;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid())
		(void)fchmod(fd, 0664); /* despite the umask */
	char holder[64];
	int n = snprintf(holder, sizeof(holder), "%s %d\n", key, (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, holder, (size_t)n, 0) != n) {
		snprintf(msg, len, "cannot write lease file %s: %s", path, strerror(errno));
		close(fd);
		return LEASE_ERROR;
	}
	struct lease *l = xmalloc(sizeof(*l));
	*l = (struct lease){.fd = fd, .addr = addr};
	*out = l;
	return LEASE_OK;
}

enum lease_result lease_take_from_pool(const char *dir, const struct cidr *pool,
                                       lease_usable_fn *usable, void *arg, const char *key,
                                       struct lease **out, char *msg, size_t len)
{
	uint32_t base;
	memcpy(&base, pool->addr, 4);
	base = ntohl(base);
	uint32_t size = pool->prefixlen >= 32 ? 1 : 1u << (32 - pool->prefixlen);
	unsigned tried = 0;
	for (uint32_t host = size - 2; host >= 1 && host < size; host--) {
		struct in_addr a = {.s_addr = htonl(base + host)};
		if (usable && !usable(arg, a))
			continue;
		tried++;
		enum lease_result r = lease_take(dir, a, key, out, msg, len);
		if (r != LEASE_BUSY)
			return r;
	}
	char net[CIDR_STRLEN];
	cidr_format(pool, net, sizeof(net));
	snprintf(msg, len, "the pool %s is exhausted: all %u addresses it leases are in use", net,
	         tried);
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
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	read_holder(fd, holder, sizeof(holder));
	close(fd);
	if (held && key)
		snprintf(key, len, "%.*s", (int)strcspn(holder, " "), holder);
	return held;
}

pid_t lease_holder_pid(const char *dir, struct in_addr addr)
{
	char path[PATH_MAX], holder[64];
	lease_path(path, sizeof(path), dir, addr);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	bool held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	read_holder(fd, holder, sizeof(holder));
	close(fd);
	const char *space = strchr(holder, ' ');
	long pid = held && space ? strtol(space + 1, NULL, 10) : 0;
	return pid > 0 ? (pid_t)pid : 0;
}
