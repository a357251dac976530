/* pass.c - reading passphrases from a descriptor, a file or the terminal,
 * into locked memory, never from argv. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sodium.h>
#include <zxcvbn.h>

#include "i18n.h"
#include "keys.h"

#define PASS_MAX 1023

/* Reads one line from fd into buf (PASS_MAX bytes + NUL), one byte at a time
 * so that nothing after the newline is consumed: the rest of a pipe may be
 * meant for someone else. Strips "\n" or "\r\n". */
static int
read_line(int fd, char *buf, size_t *len)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return CH_ERR_IO;
		if (r == 0 || c == '\n')
			break;
		if (n == PASS_MAX) {
			sodium_memzero(&c, sizeof(c));
			return CH_ERR_TOOBIG;
		}
		buf[n++] = c;
	}
	sodium_memzero(&c, sizeof(c));
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return n == 0 ? CH_ERR_VALUE : 0;
}

/* Prompts on the terminal with echo off and reads one line. A signal that
 * kills us between the two tcsetattr calls leaves echo off, as with
 * readpassphrase(3) without its signal dance; `stty echo` repairs it. */
static int
tty_read(int tty, const char *prompt, char *buf, size_t *len)
{
	struct termios old, noecho;
	int rc, restore = 0;

	if (prompt != NULL) {
		prompt = gettext(prompt);
		if (write(tty, prompt, strlen(prompt)) < 0)
			return CH_ERR_IO;
	}
	if (tcgetattr(tty, &old) == 0) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		if (tcsetattr(tty, TCSAFLUSH, &noecho) == 0)
			restore = 1;
	}
	rc = read_line(tty, buf, len);
	if (restore)
		(void)tcsetattr(tty, TCSAFLUSH, &old);
	/* The user's Enter was not echoed. */
	(void)!write(tty, "\n", 1);
	return rc;
}

int
keys_pass_read(const char *prompt, const char *path, int fd, int confirm,
    char **out, size_t *len)
{
	char *buf = NULL, *again = NULL;
	size_t n = 0, n2 = 0;
	int in = -1, rc;

	*out = NULL;
	*len = 0;
	if (sodium_init() < 0)
		return CH_ERR_NOMEM;
	if ((buf = sodium_malloc(PASS_MAX + 1)) == NULL)
		return CH_ERR_NOMEM;

	if (fd >= 0) {
		rc = read_line(fd, buf, &n);
	} else if (path != NULL) {
		/* A secret others may read is refused, as ssh refuses such a
		 * key (a credential systemd mounts is the service's alone). */
		struct stat st;
		if ((in = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			rc = CH_ERR_IO;
		else if (fstat(in, &st) != 0)
			rc = CH_ERR_IO;
		else if (st.st_mode & 077)
			rc = CH_ERR_MODE;
		else
			rc = read_line(in, buf, &n);
	} else if ((in = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		rc = CH_ERR_IO;
	} else {
		rc = tty_read(in, prompt, buf, &n);
		if (rc == 0 && confirm) {
			if ((again = sodium_malloc(PASS_MAX + 1)) == NULL)
				rc = CH_ERR_NOMEM;
			else
				rc = tty_read(in, prompt, again, &n2);
			if (rc == 0 && (n2 != n || sodium_memcmp(buf, again,
			    n) != 0))
				rc = CH_ERR_VALUE;
		}
	}
	if (in >= 0)
		close(in);
	if (again != NULL)
		sodium_free(again); /* sodium_free wipes */
	if (rc != 0) {
		sodium_free(buf);
		return rc;
	}
	*out = buf;
	*len = n;
	return 0;
}

double
keys_pass_bits(const char *pass, const char *const *words)
{
	const char *dict[9];
	size_t n = 0;
	for (; words && words[n] && n < 8; n++)
		dict[n] = words[n];
	dict[n] = NULL;
	return ZxcvbnMatch(pass, dict, NULL);
}

const char *
keys_pass_why(int rc, const char *path, char *buf, size_t n)
{
	if (rc == CH_ERR_MODE && path)
		snprintf(buf, n, _("%s may be read by others than its owner: chmod go-rwx %s"),
		    path, path);
	else if (rc == CH_ERR_IO && path)
		snprintf(buf, n, _("cannot read %s: %s"), path, strerror(errno));
	else if (rc == CH_ERR_IO)
		snprintf(buf, n, _("no terminal to ask on (give --passphrase-file FILE)"));
	else if (rc == CH_ERR_VALUE && path)
		snprintf(buf, n, _("%s holds no passphrase (its first line is empty)"), path);
	else if (rc == CH_ERR_VALUE)
		snprintf(buf, n, _("the passphrase is empty, or the two you typed differ"));
	else if (rc == CH_ERR_TOOBIG)
		snprintf(buf, n, _("the passphrase is longer than %d bytes"), PASS_MAX);
	else
		snprintf(buf, n, "%s", ch_strerror(rc));
	return buf;
}

void
keys_pass_free(char **p)
{
	if (p == NULL || *p == NULL)
		return;
	sodium_free(*p);
	*p = NULL;
}
