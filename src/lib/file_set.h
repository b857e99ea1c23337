/* Files put into place together, all or none: each written under a hidden name beside its
 * place (DIR/.BASE.WHO-PID) and renamed in; a file it replaces waits under another hidden
 * name (DIR/.BASE.WHO-old) until the set is kept, so that undoing the set puts back exactly
 * what was there.  Messages begin with WHO (the command that writes the set). */
#ifndef SSHDIAL_FILE_SET_H
#define SSHDIAL_FILE_SET_H

#include <stddef.h>
#include <sys/types.h>

#define FILE_SET_MAX 4 /* files in one set */

struct file_set;

struct file_set *file_set_new(const char *who);
/* The hidden name beside path that a file is written under before it is placed. */
void file_set_tmp_name(const struct file_set *s, char *buf, size_t len, const char *path);
/* Moves tmp to path, keeping an existing path under a hidden name to put back.  -1 after
 * logging why (tmp is left for the caller). */
int file_set_place(struct file_set *s, const char *tmp, const char *path);
/* text written (with mode, synced) under the hidden name, then placed at path. */
int file_set_write(struct file_set *s, const char *path, const char *text, mode_t mode);
/* Undoes every place, newest first (undo), or forgets the replaced files for good (keep);
 * either frees the set. */
void file_set_undo(struct file_set *s);
void file_set_keep(struct file_set *s);

#endif
