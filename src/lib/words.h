/* Splitting text into words the way ssh_config and pppd's options files do: whitespace
 * separates; "double" and 'single' quotes group and are removed; a backslash takes the
 * next character literally (outside single quotes), and a backslash before a newline
 * joins the lines; a word that starts with '#' begins a comment to the end of the line.
 * Newlines are whitespace too, so a whole pppd file can be read as one stream of words. */
#ifndef SSHDIAL_WORDS_H
#define SSHDIAL_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/strv.h"

struct words;

/* Reads text, which must outlive the reader; words are numbered from line first_line. */
struct words *words_new(const char *text, unsigned first_line);
/* Wipes the word buffer (it may have held a secret) and frees. */
void words_free(struct words *w);

/* 1: *word is the next word, valid until the next call; 0: no more words;
 * -1: malformed text, words_error() says why and words_line() where. */
int words_next(struct words *w, const char **word);

/* About the word just read (or the error): */
unsigned words_line(const struct words *w);      /* the line it starts on */
bool words_first_on_line(const struct words *w); /* no word before it on its line */
size_t words_start(const struct words *w);       /* its offsets in text, quotes included */
size_t words_end(const struct words *w);
const char *words_error(const struct words *w);

/* The words of one line, or NULL with *error set (a static string). */
struct strv *words_split(const char *line, const char **error);

#endif
