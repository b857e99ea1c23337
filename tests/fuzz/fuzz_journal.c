/* The undo journal as netconf finds it after a crash: journal_open on a file holding the
 * input (it reads, locks and cuts off an incomplete last line), then that every stale
 * entry is one journal_format writes, and that an append after the cut reads back. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "netconf/journal.h"
#include "lib/log.h"

static const char *dir;
static char path[4200];

static void remove_dir(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dir = fuzz_tmpdir();
	if (!dir)
		abort();
	snprintf(path, sizeof(path), "%s/office.journal", dir);
	atexit(remove_dir);
	log_set_level(LOG_LEVEL_DEBUG);
	return 0;
}

static void write_file(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	for (size_t done = 0; done < size;) {
		ssize_t n = write(fd, data + done, size - done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	close(fd);
}

static void check_entry(const struct journal_entry *e)
{
	char line[JOURNAL_LINE_MAX];
	struct journal_entry again;
	int n = journal_format(e, line, sizeof(line));
	if (n <= 0 || line[n - 1] != '\n')
		abort(); /* an entry read from a journal is one sshdial could have written */
	line[n - 1] = '\0';
	if (!journal_parse(line, &again) || !journal_entry_equal(&again, e))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	write_file(data, size);
	struct journal_entry *stale;
	size_t nstale;
	struct journal *j = journal_open(path, &stale, &nstale);
	if (!j)
		abort(); /* errno says why: only a lock held elsewhere may refuse a journal */
	for (size_t i = 0; i < nstale; i++)
		check_entry(&stale[i]);
	if (nstale && journal_append(j, &stale[0]) == 0) {
		struct journal_entry *again;
		size_t nagain;
		journal_close(j, false);
		j = journal_open(path, &again, &nagain);
		if (!j || nagain != nstale + 1)
			abort(); /* the cut left the file ready for the next line */
		free(again);
	}
	free(stale);
	journal_close(j, true);
	return 0;
}
