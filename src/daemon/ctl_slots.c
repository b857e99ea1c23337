#include "daemon/ctl_slots.h"

bool ctl_slots_admit(unsigned open, unsigned non_root, unsigned same_uid, bool root)
{
	if (open >= CTL_SLOTS_MAX)
		return false;
	if (root)
		return true;
	return same_uid < CTL_SLOTS_PER_UID && non_root < CTL_SLOTS_MAX - CTL_SLOTS_ROOT;
}
