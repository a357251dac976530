/* err.h - error codes shared by proto/ and keys/ (0 is success, errors are negative). */
#ifndef CAHIER_ERR_H
#define CAHIER_ERR_H

#define CH_WUR __attribute__((warn_unused_result))

/* Marks English text that a client translates (xgettext -kN_, make pot):
 * the descriptions below, the daemon's reasons, which a refusal carries as
 * an argument for the client to translate (refusal.h, CH_REFUSAL_MSG).
 * Does nothing here; the client's i18n.h defines it the same way. */
#ifndef N_
#define N_(s) (s)
#endif

enum {
	CH_OK = 0,
	CH_ERR_TRUNCATED = -1,   /* input ended before the format said it would */
	CH_ERR_TRAILING = -2,    /* bytes left over after a complete message */
	CH_ERR_TOOBIG = -3,      /* a length above the format's limit */
	CH_ERR_MAGIC = -4,       /* not this kind of message */
	CH_ERR_VERSION = -5,     /* a version this build does not know */
	CH_ERR_VALUE = -6,       /* a field holds a value the format forbids */
	CH_ERR_SIG = -7,         /* a signature does not verify */
	CH_ERR_DECRYPT = -8,     /* authenticated decryption failed */
	CH_ERR_PASS = -9,        /* wrong passphrase (or damaged key file) */
	CH_ERR_NOMEM = -10,      /* allocation failed */
	CH_ERR_IO = -11,         /* a system call failed: see errno */
	CH_ERR_EXPIRED = -12,    /* outside a certificate's validity period */
	CH_ERR_HASH = -13,       /* a hash does not match what was signed */
	CH_ERR_ENCODING = -14,   /* bad base64 or text framing */
	CH_ERR_EXISTS = -15,     /* refusing to overwrite an existing file */
	CH_ERR_NOKEY = -16,      /* no key for this epoch/audience */
	CH_ERR_MODE = -17,       /* a secret's file may be read by others than its owner */
};

/* Returns a static, human-readable description of an error code; never NULL.
 * For CH_ERR_IO it is the system's (strerror(errno)): ask at once, before
 * another call changes errno, and name the file in the message. */
const char *ch_strerror(int err);

#endif
