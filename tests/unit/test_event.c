/* The event loop: timers in order, replacement and cancellation by key, descriptors,
 * signals. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/event.h"

struct trace {
	struct event_loop *loop;
	char order[16];
	size_t n;
};

static void mark(struct trace *t, char c)
{
	t->order[t->n++] = c;
	t->order[t->n] = 0;
}

static void fire_a(void *arg)
{
	mark(arg, 'a');
}

static void fire_b(void *arg)
{
	mark(arg, 'b');
}

static void fire_stop(void *arg)
{
	struct trace *t = arg;
	mark(t, '.');
	event_loop_exit(t->loop, 7);
}

static void timers_fire_in_order_and_replace(void **state)
{
	(void)state;
	struct trace t = {.loop = event_loop_new()};
	assert_non_null(t.loop);
	event_timer_set(t.loop, 30, fire_b, &t);
	event_timer_set(t.loop, 10, fire_a, &t);
	event_timer_set(t.loop, 50, fire_stop, &t);
	/* same (fn, arg): replaces the pending one instead of adding a second */
	event_timer_set(t.loop, 20, fire_a, &t);
	assert_int_equal(event_loop_run(t.loop), 7);
	assert_string_equal(t.order, "ab.");
	event_loop_free(t.loop);
}

static void cancel_all_of_an_object(void **state)
{
	(void)state;
	struct trace t = {.loop = event_loop_new()}, other = {.loop = t.loop};
	event_timer_set(t.loop, 10, fire_a, &t);
	event_timer_set(t.loop, 10, fire_b, &t);
	event_timer_set(t.loop, 20, fire_a, &other);
	event_timer_set(t.loop, 40, fire_stop, &other);
	event_timer_cancel_all(t.loop, &t);
	event_loop_run(t.loop);
	assert_string_equal(t.order, "");
	assert_string_equal(other.order, "a.");
	event_loop_free(t.loop);
}

static void on_readable(void *arg, int fd, uint32_t events)
{
	struct trace *t = arg;
	char c;
	assert_true(events & EPOLLIN);
	assert_int_equal(read(fd, &c, 1), 1);
	mark(t, c);
	event_fd_del(t->loop, fd);
	event_loop_exit(t->loop, 0);
}

static void descriptors(void **state)
{
	(void)state;
	struct trace t = {.loop = event_loop_new()};
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(event_fd_add(t.loop, p[0], EPOLLIN, on_readable, &t), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	event_loop_run(t.loop);
	assert_string_equal(t.order, "x");
	close(p[0]);
	close(p[1]);
	event_loop_free(t.loop);
}

static void on_writable(void *arg, int fd, uint32_t events)
{
	struct trace *t = arg;
	(void)fd;
	mark(t, events & EPOLLOUT ? 'w' : '?');
	event_loop_exit(t->loop, 0);
}

static void give_up(void *arg)
{
	struct trace *t = arg;
	mark(t, 't');
	event_loop_exit(t->loop, 0);
}

/* A watch changed in place: not writable-watched, then watched; the loop runs again
 * after an exit. */
static void descriptor_events_changed(void **state)
{
	(void)state;
	struct trace t = {.loop = event_loop_new()};
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(event_fd_add(t.loop, p[1], 0, on_writable, &t), 0);
	event_timer_set(t.loop, 50, give_up, &t);
	event_loop_run(t.loop);
	assert_string_equal(t.order, "t");
	assert_int_equal(event_fd_mod(t.loop, p[1], EPOLLOUT), 0);
	event_timer_set(t.loop, 5000, give_up, &t);
	event_loop_run(t.loop);
	event_timer_cancel(t.loop, give_up, &t);
	assert_string_equal(t.order, "tw");
	assert_int_equal(event_fd_mod(t.loop, p[0], EPOLLIN), -1);
	close(p[0]);
	close(p[1]);
	event_loop_free(t.loop);
}

static void on_signal(void *arg, int signo)
{
	struct trace *t = arg;
	mark(t, signo == SIGUSR2 ? 's' : '?');
	event_loop_exit(t->loop, 0);
}

static void signals_arrive_through_the_loop(void **state)
{
	(void)state;
	struct trace t = {.loop = event_loop_new()};
	assert_int_equal(event_signal_add(t.loop, SIGUSR2, on_signal, &t), 0);
	kill(getpid(), SIGUSR2); /* blocked: waits for the loop instead of killing the test */
	event_loop_run(t.loop);
	assert_string_equal(t.order, "s");
	event_loop_free(t.loop);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t fired_at[2];
static struct timespec turn_of[2]; /* the loop's time of the turn each fired in */

static void fire_aligned_a(void *arg)
{
	struct trace *t = arg;
	fired_at[0] = mono_ms();
	event_now(t->loop, &turn_of[0]);
}

static void fire_aligned_b(void *arg)
{
	struct trace *t = arg;
	fired_at[1] = mono_ms();
	event_now(t->loop, &turn_of[1]);
	event_loop_exit(t->loop, 0);
}

/* Two timers of one period set 20 ms apart fire on the same multiple of the period, in
 * the same turn of the loop (a plain relative timer would fire them 20 ms apart).  The
 * period is long (1 s) so that a loaded machine cannot push the second's setting past
 * the multiple; a late wake-up fires both late, still in one turn. */
static void aligned_timers_fire_together(void **state)
{
	(void)state;
	struct trace t = {.loop = event_loop_new()};
	while (mono_ms() % 1000 > 5)
		usleep(1000);
	uint64_t start = mono_ms();
	event_timer_set_aligned(t.loop, 1000, fire_aligned_a, &t);
	usleep(20000);
	event_timer_set_aligned(t.loop, 1000, fire_aligned_b, &t);
	event_loop_run(t.loop);
	assert_true(fired_at[0] != 0 && fired_at[1] >= fired_at[0]);
	assert_memory_equal(&turn_of[0], &turn_of[1], sizeof(turn_of[0]));
	/* at least half a period away: on the next multiple, not start + 0 */
	assert_true(fired_at[0] - start >= 500);
	event_loop_free(t.loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(timers_fire_in_order_and_replace),
	    cmocka_unit_test(cancel_all_of_an_object),
	    cmocka_unit_test(descriptors),
	    cmocka_unit_test(descriptor_events_changed),
	    cmocka_unit_test(signals_arrive_through_the_loop),
	    cmocka_unit_test(aligned_timers_fire_together),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
