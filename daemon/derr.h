/* derr.h - the daemon's error codes, in a range of their own below the
 * store's (ST_ERR_*, -100..) and proto's (CH_ERR_*, -1..). Every daemon
 * function that can fail returns 0 or one of the three kinds, and
 * derr_str() names any of them. */
#ifndef CAHIER_DERR_H
#define CAHIER_DERR_H

enum {
	DERR_REFUSED = -200,     /* the input broke a rule; logged, nothing kept */
	DERR_CONFIG = -201,      /* cahierd.conf is missing or unusable */
	DERR_START = -202,       /* a socket could not be bound, or the loop not started */
	DERR_ALLOW = -203,       /* the allow-list could not be written */
	DERR_NOTJOINED = -204,   /* a case offered by a peer that does not welcome us (yet) */
	DERR_RESTORING = -205,   /* after a restore, our feed of the case is not known yet (restore.h) */
};

/* A static description of a daemon, store or proto error; never NULL. */
const char *derr_str(int err);

#endif
