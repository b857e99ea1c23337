#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "frames/frame_stream.h"

/* Feeds all of buf in pieces of at most step bytes; collects the frames, each as its
 * length and its bytes, into out.  Returns the number of frames, or -1 when the stream
 * says it is malformed. */
static int feed_all(const uint8_t *buf, size_t len, size_t step, uint8_t *out, size_t *out_len)
{
	struct frame_stream *s = frame_stream_new();
	int frames = 0;
	size_t at = 0, o = 0;
	while (at < len) {
		size_t n = len - at < step ? len - at : step;
		long took = frame_stream_feed(s, buf + at, n);
		if (took < 0) {
			frame_stream_free(s);
			return -1;
		}
		at += (size_t)took;
		size_t flen;
		const uint8_t *f = frame_stream_frame(s, &flen);
		if (f) {
			out[o++] = (uint8_t)(flen >> 8);
			out[o++] = (uint8_t)flen;
			memcpy(out + o, f, flen);
			o += flen;
			frames++;
			frame_stream_next(s);
		} else {
			assert_int_equal(took, (long)n); /* no frame: it took all it was given */
		}
	}
	*out_len = o;
	frame_stream_free(s);
	return frames;
}

/* Whatever the pieces the stream arrives in, the frames come out whole and in order:
 * reframed, they are the stream again. */
static void test_any_split_gives_the_same_frames(void **state)
{
	(void)state;
	static uint8_t stream[3 * 2 + 1 + 1500 + 70000], out[sizeof(stream)];
	size_t len = 0;
	const size_t sizes[] = {1, 1500, 65535};
	for (size_t i = 0; i < 3; i++) {
		stream[len++] = (uint8_t)(sizes[i] >> 8);
		stream[len++] = (uint8_t)sizes[i];
		for (size_t j = 0; j < sizes[i]; j++)
			stream[len++] = (uint8_t)(i * 31 + j * 7);
	}
	const size_t steps[] = {1, 2, 3, 1499, 1502, 4096, 65537, sizeof(stream)};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		size_t out_len = 0;
		assert_int_equal(feed_all(stream, len, steps[i], out, &out_len), 3);
		assert_int_equal(out_len, len);
		assert_memory_equal(out, stream, len);
	}
}

/* A frame whole in the buffer is given where it is; one cut by the read is copied. */
static void test_whole_frame_not_copied(void **state)
{
	(void)state;
	const uint8_t buf[] = {0, 3, 'a', 'b', 'c', 0, 2, 'd', 'e'};
	struct frame_stream *s = frame_stream_new();
	size_t len;
	assert_int_equal(frame_stream_feed(s, buf, sizeof(buf)), 5);
	assert_ptr_equal(frame_stream_frame(s, &len), buf + 2);
	assert_int_equal(len, 3);
	/* Pending: nothing more is taken until next. */
	assert_int_equal(frame_stream_feed(s, buf + 5, 4), 0);
	frame_stream_next(s);
	assert_int_equal(frame_stream_feed(s, buf + 5, 3), 3);
	assert_null(frame_stream_frame(s, &len));
	assert_int_equal(len, 0);
	assert_int_equal(frame_stream_feed(s, buf + 8, 1), 1);
	const uint8_t *f = frame_stream_frame(s, &len);
	assert_int_equal(len, 2);
	assert_memory_equal(f, "de", 2);
	frame_stream_free(s);
}

/* A zero length is no frame: the stream is broken from there on. */
static void test_zero_length_is_malformed(void **state)
{
	(void)state;
	const uint8_t whole[] = {0, 1, 'x', 0, 0, 0, 1, 'y'};
	size_t out_len;
	uint8_t out[16];
	assert_int_equal(feed_all(whole, sizeof(whole), sizeof(whole), out, &out_len), -1);
	assert_int_equal(feed_all(whole, sizeof(whole), 1, out, &out_len), -1);
	struct frame_stream *s = frame_stream_new();
	assert_int_equal(frame_stream_feed(s, whole + 3, 2), -1);
	assert_int_equal(frame_stream_feed(s, whole + 5, 3), -1);
	frame_stream_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_any_split_gives_the_same_frames),
	    cmocka_unit_test(test_whole_frame_not_copied),
	    cmocka_unit_test(test_zero_length_is_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
