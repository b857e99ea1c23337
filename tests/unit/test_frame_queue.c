#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "frames/frame_queue.h"

static void add(struct frame_queue *q, const char *s, bool keep, uint64_t t)
{
	frame_queue_add(q, (const uint8_t *)s, strlen(s), true, keep, t);
}

static void expect_unwritten(struct frame_queue *q, const char *bytes, size_t len)
{
	size_t have;
	const uint8_t *p = frame_queue_unwritten(q, &have);
	assert_int_equal(have, len);
	assert_memory_equal(p, bytes, len);
}

static void frames_go_with_their_length_fields_and_count_when_whole(void **state)
{
	(void)state;
	struct frame_queue *q = frame_queue_new(1024, 16);
	frame_queue_add(q, (const uint8_t *)"HI\n", 3, false, true, 1);
	add(q, "abc", false, 2);
	add(q, "de", false, 3);
	assert_int_equal(frame_queue_count(q), 3);
	assert_int_equal(frame_queue_bytes(q), 3 + 5 + 4);
	assert_true(frame_queue_keeps(q));
	expect_unwritten(q, "HI\n\0\3abc\0\2de", 12);
	uint64_t frames = 0, bytes = 0;
	frame_queue_written(q, 3 + 4, &frames, &bytes); /* the magic and part of abc */
	assert_false(frame_queue_keeps(q));
	assert_int_equal(frames, 0);
	assert_int_equal(frame_queue_head_arrived(q), 2);
	frame_queue_written(q, 1 + 4, &frames, &bytes);
	assert_int_equal(frames, 2);
	assert_int_equal(bytes, 5);
	assert_int_equal(frame_queue_count(q), 0);
	assert_int_equal(frame_queue_bytes(q), 0);
	frame_queue_free(q);
}

static void the_candidate_is_behind_a_partly_written_head(void **state)
{
	(void)state;
	struct frame_queue *q = frame_queue_new(1024, 16);
	add(q, "abc", false, 10);
	add(q, "de", false, 20);
	add(q, "f", true, 30);
	uint64_t t, frames = 0, bytes = 0;
	bool keep;
	assert_true(frame_queue_candidate(q, &t, &keep));
	assert_int_equal(t, 10);
	frame_queue_written(q, 2, &frames, &bytes); /* abc's length field only */
	assert_true(frame_queue_candidate(q, &t, &keep));
	assert_int_equal(t, 20);
	assert_false(keep);
	frame_queue_drop_candidate(q);
	/* abc's rest, then f: de is gone, the head still cut where the pipe cut it */
	expect_unwritten(q, "abc\0\1f", 6);
	assert_int_equal(frame_queue_count(q), 2);
	assert_true(frame_queue_candidate(q, &t, &keep));
	assert_int_equal(t, 30);
	assert_true(keep);
	frame_queue_written(q, 6, &frames, &bytes);
	assert_int_equal(frames, 2);
	assert_int_equal(bytes, 4);
	assert_false(frame_queue_candidate(q, &t, &keep));
	frame_queue_free(q);
}

static void room_counts_bytes_and_entries_and_space_is_reused(void **state)
{
	(void)state;
	struct frame_queue *q = frame_queue_new(16, 16);
	add(q, "0123456", false, 1); /* 9 bytes */
	assert_true(frame_queue_room(q, 7));
	assert_false(frame_queue_room(q, 8));
	add(q, "abcde", false, 2); /* 7: 16 in all */
	uint64_t frames = 0, bytes = 0;
	frame_queue_written(q, 9, &frames, &bytes);
	assert_true(frame_queue_room(q, 9));
	add(q, "xyzuvw", false, 3); /* moved down to fit */
	expect_unwritten(q, "\0\5abcde\0\6xyzuvw", 15);
	assert_false(frame_queue_room(q, 2));
	frame_queue_free(q);
	q = frame_queue_new(1024, 2);
	add(q, "a", false, 1);
	add(q, "b", false, 2);
	assert_false(frame_queue_room(q, 3)); /* two entries */
	frame_queue_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(frames_go_with_their_length_fields_and_count_when_whole),
	    cmocka_unit_test(the_candidate_is_behind_a_partly_written_head),
	    cmocka_unit_test(room_counts_bytes_and_entries_and_space_is_reused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
