/* The one place that turns a failure's class into an exit status (sshdial(8), EXIT STATUS). */
#include "cmd/commands.h"

int exit_status_of(enum failure_class cls)
{
	switch (cls) {
	case FAILURE_PERMANENT:
		return EXIT_PERMANENT;
	case FAILURE_CONFIG:
		return EXIT_CONFIG;
	case FAILURE_SYSTEM:
		return EXIT_SYSTEM;
	case FAILURE_NONE:
	case FAILURE_TRANSIENT:
		break;
	}
	return EXIT_OK;
}
