/* The dial seam (dial_driver.h): the real driver unless a unit test put its own in front. */
#include "link/dial_driver.h"

#include <stddef.h>

static const struct dial_driver real_driver = {
    .start = dial_start,
    .pid = dial_pid,
    .running = dial_running,
    .signal = dial_signal,
    .signalled = dial_signalled,
    .frames = dial_frames,
    .fell_back = dial_fell_back,
    .free = dial_free,
};
static const struct dial_driver *driver = &real_driver;

void link_set_dial_driver(const struct dial_driver *drv)
{
	driver = drv ? drv : &real_driver;
}

const struct dial_driver *link_dial_driver(void)
{
	return driver;
}
