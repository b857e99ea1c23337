#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "lib/err.h"
#include "server/lease.h"
#include "tmpdir.h"

static struct err lerr;

/* The last lease error, formatted as the server logs it. */
static const char *msg(void)
{
	static char buf[ERR_LINE_MAX];
	return err_format(&lerr, buf, sizeof(buf));
}

static struct in_addr addr(const char *s)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static const char *str(struct in_addr a)
{
	static char buf[INET_ADDRSTRLEN];
	return inet_ntop(AF_INET, &a, buf, sizeof(buf));
}

/* A /29: hosts .1 to .6; .1 is the server's, .5 some key's fixed address. */
static bool usable(void *arg, struct in_addr a)
{
	(void)arg;
	return a.s_addr != addr("10.9.0.1").s_addr && a.s_addr != addr("10.9.0.5").s_addr;
}

static void test_fixed(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	struct lease *a = NULL, *b = NULL;
	char key[40];
	assert_int_equal(lease_take(dir, addr("10.9.0.5"), "alice", &a, &lerr), LEASE_OK);
	assert_string_equal(str(lease_address(a)), "10.9.0.5");
	assert_true(lease_held(dir, addr("10.9.0.5"), key, sizeof(key)));
	assert_string_equal(key, "alice");
	/* A second connection of the same address: refused, naming the holder. */
	assert_int_equal(lease_take(dir, addr("10.9.0.5"), "alice", &b, &lerr), LEASE_BUSY);
	char expected[128];
	snprintf(expected, sizeof(expected), "address 10.9.0.5 is in use by key alice %d",
	         (int)getpid());
	assert_string_equal(msg(), expected);
	lease_release(a);
	assert_false(lease_held(dir, addr("10.9.0.5"), key, sizeof(key)));
	assert_int_equal(lease_take(dir, addr("10.9.0.5"), "bob", &b, &lerr), LEASE_OK);
	assert_true(lease_held(dir, addr("10.9.0.5"), key, sizeof(key)));
	assert_string_equal(key, "bob");
	lease_release(b);
	tmpdir_remove(dir);
}

static void test_pool(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	struct cidr pool;
	assert_true(cidr_parse("10.9.0.0/29", &pool));
	struct lease *l[4] = {0};
	/* Highest first, skipping what is not usable: .6, .4, .3, .2, then none. */
	const char *expected[] = {"10.9.0.6", "10.9.0.4", "10.9.0.3", "10.9.0.2"};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(lease_take_from_pool(dir, &pool, usable, NULL, "k", &l[i], &lerr),
		                 LEASE_OK);
		assert_string_equal(str(lease_address(l[i])), expected[i]);
	}
	struct lease *none = NULL;
	assert_int_equal(lease_take_from_pool(dir, &pool, usable, NULL, "k", &none, &lerr),
	                 LEASE_BUSY);
	assert_string_equal(msg(), "the pool 10.9.0.0/29 is exhausted: all 4 addresses it leases "
	                           "are in use");
	/* A lease given back is the next one taken. */
	lease_release(l[2]);
	assert_int_equal(lease_take_from_pool(dir, &pool, usable, NULL, "k", &l[2], &lerr),
	                 LEASE_OK);
	assert_string_equal(str(lease_address(l[2])), "10.9.0.3");
	for (int i = 0; i < 4; i++)
		lease_release(l[i]);
	tmpdir_remove(dir);
}

/* A holder that dies without a word (SIGKILL) frees its lease. */
static void test_crash_frees(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* not left behind by a failed assert */
		struct lease *l;
		struct err m;
		if (lease_take(dir, addr("10.9.0.2"), "crash", &l, &m) != LEASE_OK)
			_exit(1);
		(void)!write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_true(lease_held(dir, addr("10.9.0.2"), NULL, 0));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_false(lease_held(dir, addr("10.9.0.2"), NULL, 0));
	struct lease *l;
	assert_int_equal(lease_take(dir, addr("10.9.0.2"), "next", &l, &lerr), LEASE_OK);
	lease_release(l);
	close(ready[0]);
	close(ready[1]);
	tmpdir_remove(dir);
}

static void test_no_directory(void **state)
{
	(void)state;
	struct lease *l = NULL;
	assert_int_equal(lease_take("/nonexistent/leases", addr("10.9.0.2"), "k", &l, &lerr),
	                 LEASE_ERROR);
	assert_string_equal(msg(),
	                    "cannot open lease file /nonexistent/leases/10.9.0.2: No such file "
	                    "or directory; is /nonexistent/leases writable by this account "
	                    "(group sshdial-serve)?");
	struct cidr pool;
	assert_true(cidr_parse("10.9.0.0/29", &pool));
	assert_int_equal(
	    lease_take_from_pool("/nonexistent/leases", &pool, usable, NULL, "k", &l, &lerr),
	    LEASE_ERROR);
	assert_string_equal(msg(),
	                    "cannot use lease directory /nonexistent/leases: No such file or "
	                    "directory; is it writable by this account (group "
	                    "sshdial-serve)?");
	assert_false(lease_held("/nonexistent/leases", addr("10.9.0.2"), NULL, 0));
}

/* A file the pool cannot use (here a directory and a symbolic link where lease files
 * belong; for an account, also a file it may not open) costs its address only. */
static void test_pool_skips_bad_files(void **state)
{
	(void)state;
	char *dir = tmpdir_new(), path[512];
	snprintf(path, sizeof(path), "%s/10.9.0.6", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/10.9.0.4", dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	struct cidr pool;
	assert_true(cidr_parse("10.9.0.0/29", &pool));
	struct lease *l = NULL;
	assert_int_equal(lease_take_from_pool(dir, &pool, usable, NULL, "k", &l, &lerr), LEASE_OK);
	assert_string_equal(str(lease_address(l)), "10.9.0.3");
	lease_release(l);
	/* Alone, such an address is refused with the reason. */
	assert_int_equal(lease_take(dir, addr("10.9.0.6"), "k", &l, &lerr), LEASE_ERROR);
	snprintf(path, sizeof(path), "lease file %s/10.9.0.6 is not a regular file; remove it",
	         dir);
	assert_string_equal(msg(), path);
	tmpdir_remove(dir);
}

/* The holder is the process that holds the lock, whatever the file says: here a file
 * that names another key and another pid (pid 1) and is locked by a child. */
static void test_holder_from_lock(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *path = tmpdir_file(dir, "10.9.0.2", "office 1\n", 0664);
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* not left behind by a failed assert */
		int fd = open(path, O_RDONLY);
		if (fd < 0 || flock(fd, LOCK_EX) < 0)
			_exit(1);
		(void)!write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	char c, key[40];
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(lease_holder_pid(dir, addr("10.9.0.2"), key, sizeof(key)), pid);
	assert_string_equal(key, "office");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* Nobody holds it now: the pid in the file counts for nothing. */
	assert_int_equal(lease_holder_pid(dir, addr("10.9.0.2"), key, sizeof(key)), 0);
	/* A lease taken here: held by this process. */
	struct lease *l;
	assert_int_equal(lease_take(dir, addr("10.9.0.3"), "home", &l, &lerr), LEASE_OK);
	assert_int_equal(lease_holder_pid(dir, addr("10.9.0.3"), key, sizeof(key)), getpid());
	assert_string_equal(key, "home");
	lease_release(l);
	assert_int_equal(lease_holder_pid(dir, addr("10.9.0.9"), NULL, 0), 0);
	close(ready[0]);
	close(ready[1]);
	free(path);
	tmpdir_remove(dir);
}

/* What a process holds, from its own descriptors and their fdinfo (where /proc/locks
 * names the file by another device than stat: overlayfs, btrfs). */
static void test_pid_holds_lock(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *path = tmpdir_file(dir, "10.9.0.4", "office 1\n", 0664);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_false(lease_pid_holds_lock(getpid(), &st));
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_false(lease_pid_holds_lock(getpid(), &st)); /* open, not locked */
	assert_int_equal(flock(fd, LOCK_SH), 0);
	assert_false(lease_pid_holds_lock(getpid(), &st)); /* shared: no lease */
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_true(lease_pid_holds_lock(getpid(), &st));
	assert_false(lease_pid_holds_lock(getppid(), &st));
	assert_int_equal(flock(fd, LOCK_UN), 0);
	assert_false(lease_pid_holds_lock(getpid(), &st));
	close(fd);
	free(path);
	tmpdir_remove(dir);
}

static void test_locks_text(void **state)
{
	(void)state;
	dev_t dev = makedev(0xfd, 1);
	const char *locks = "1: POSIX  ADVISORY  WRITE 700 fd:01:5678 0 EOF\n"
	                    "2: FLOCK  ADVISORY  READ 701 fd:01:5678 0 EOF\n"
	                    "3: FLOCK  ADVISORY  WRITE 702 fd:02:5678 0 EOF\n"
	                    "4: FLOCK  ADVISORY  WRITE 703 fd:01:5679 0 EOF\n"
	                    "5: FLOCK  ADVISORY  WRITE 704 fd:01:5678 0 EOF\n"
	                    "5: -> FLOCK  ADVISORY  WRITE 705 fd:01:5678 0 EOF\n";
	assert_int_equal(lease_locks_holder(locks, dev, 5678), 704);
	assert_int_equal(lease_locks_holder(locks, dev, 5670), 0);
	assert_int_equal(lease_locks_holder(locks, makedev(0xfd, 2), 5678), 702);
	assert_int_equal(lease_locks_holder("", dev, 5678), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixed),
	    cmocka_unit_test(test_pool),
	    cmocka_unit_test(test_crash_frees),
	    cmocka_unit_test(test_no_directory),
	    cmocka_unit_test(test_pool_skips_bad_files),
	    cmocka_unit_test(test_holder_from_lock),
	    cmocka_unit_test(test_locks_text),
	    cmocka_unit_test(test_pid_holds_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
