/* derr.c - names of the daemon's errors, chained to the store's and proto's. */
#include "derr.h"
#include "store.h"

const char *
derr_str(int err)
{
	switch (err) {
	case DERR_REFUSED: return N_("it breaks a rule of the notebook");
	case DERR_CONFIG: return N_("unusable configuration");
	case DERR_START: return N_("could not start serving");
	case DERR_ALLOW: return N_("could not write the allow-list");
	case DERR_NOTJOINED: return N_("no welcome into that case for this organization");
	case DERR_RESTORING: return N_("this daemon's store was put back from a copy, and it has not yet "
	    "learnt from the other members' daemons what this organization wrote in this case since: "
	    "it writes there again once one of them has told it (see 'cahier status')");
	default: return store_strerror(err);
	}
}
