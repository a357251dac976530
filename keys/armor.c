/* armor.c - the text armor around key files, cards, certificates and requests,
 * and the small-file helpers that read and create them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "keys.h"

#define ARMOR_MAX (1024u * 1024)
#define LABEL_MAX 32
#define B64_LINE 64

static int
label_ok(const char *label)
{
	size_t n = strlen(label);

	if (n == 0 || n > LABEL_MAX)
		return 0;
	for (; *label; label++)
		if (!((*label >= 'A' && *label <= 'Z') || *label == ' '))
			return 0;
	return 1;
}

int
keys_armor(const char *label, const char *comment, const uint8_t *p,
    size_t n, char **text)
{
	size_t clen = comment ? strlen(comment) : 0;
	size_t b64len, cap, off = 0;
	char *b64 = NULL, *t;

	*text = NULL;
	if (!label_ok(label) || n == 0 || n > ARMOR_MAX || clen > ARMOR_MAX)
		return CH_ERR_VALUE;
	if (sodium_init() < 0)
		return CH_ERR_NOMEM;
	b64len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	if ((b64 = malloc(b64len)) == NULL)
		return CH_ERR_NOMEM;
	/* Constant time: the armored bytes may be a sealed key. */
	sodium_bin2base64(b64, b64len, p, n, sodium_base64_VARIANT_ORIGINAL);
	b64len = strlen(b64);

	/* "# " comment "\n", two marker lines, the base64 with a newline
	 * every 64 characters, the NUL. */
	cap = 2 + clen + 1 + 2 * (sizeof("-----BEGIN CAHIER -----\n") +
	    LABEL_MAX) + b64len + b64len / B64_LINE + 2;
	if ((t = malloc(cap)) == NULL) {
		free(b64);
		return CH_ERR_NOMEM;
	}
	if (comment != NULL) {
		t[off++] = '#';
		t[off++] = ' ';
		/* One line only: a newline would end the comment early and
		 * let the rest pass for something else. */
		for (size_t i = 0; i < clen; i++)
			t[off++] = comment[i] == '\n' || comment[i] == '\r' ?
			    ' ' : comment[i];
		t[off++] = '\n';
	}
	off += (size_t)snprintf(t + off, cap - off, "-----BEGIN CAHIER %s-----\n",
	    label);
	for (size_t i = 0; i < b64len; i += B64_LINE) {
		size_t k = b64len - i < B64_LINE ? b64len - i : B64_LINE;
		memcpy(t + off, b64 + i, k);
		off += k;
		t[off++] = '\n';
	}
	off += (size_t)snprintf(t + off, cap - off, "-----END CAHIER %s-----\n",
	    label);
	sodium_memzero(b64, b64len);
	free(b64);
	*text = t;
	return 0;
}

/* Is line[0..n) the marker "-----<what> CAHIER <label>-----"? Returns 1 when
 * it is a marker for label, -1 for a marker with another label, 0 otherwise. */
static int
marker(const char *line, size_t n, const char *what, const char *label)
{
	size_t wl = strlen(what), ll = strlen(label);
	const char *q;

	if (n < 5 + wl + 8 + 5 || memcmp(line, "-----", 5) != 0 ||
	    memcmp(line + 5, what, wl) != 0 ||
	    memcmp(line + 5 + wl, " CAHIER ", 8) != 0 ||
	    memcmp(line + n - 5, "-----", 5) != 0)
		return 0;
	q = line + 5 + wl + 8;
	if ((size_t)(line + n - 5 - q) == ll && memcmp(q, label, ll) == 0)
		return 1;
	return -1;
}

int
keys_dearmor(const char *label, const char *text, size_t textlen,
    uint8_t **out, size_t *len)
{
	const char *end = text + textlen, *line = text, *nl, *b64end;
	char *b64 = NULL;
	uint8_t *bin = NULL;
	size_t b64len = 0, binlen, n;
	int state = 0, m, rc = CH_ERR_ENCODING;

	*out = NULL;
	*len = 0;
	if (!label_ok(label))
		return CH_ERR_VALUE;
	if (textlen > ARMOR_MAX)
		return CH_ERR_TOOBIG;
	if (sodium_init() < 0)
		return CH_ERR_NOMEM;
	if ((b64 = malloc(textlen + 1)) == NULL)
		return CH_ERR_NOMEM;

	/* state 0: before BEGIN (anything goes: comments, blank lines, the
	 * email the block was pasted from); 1: inside; 2: END seen. */
	while (line < end && state != 2) {
		nl = memchr(line, '\n', (size_t)(end - line));
		n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (state == 0) {
			m = marker(line, n, "BEGIN", label);
			if (m < 0) {
				rc = CH_ERR_MAGIC;
				goto out;
			}
			if (m > 0)
				state = 1;
		} else if (marker(line, n, "END", label) > 0) {
			state = 2;
		} else {
			for (size_t i = 0; i < n; i++) {
				if (line[i] == ' ' || line[i] == '\t')
					continue;
				b64[b64len++] = line[i];
			}
		}
		line = nl ? nl + 1 : end;
	}
	if (state != 2 || b64len == 0)
		goto out; /* CH_ERR_ENCODING */
	if ((bin = malloc(b64len / 4 * 3 + 3)) == NULL) {
		rc = CH_ERR_NOMEM;
		goto out;
	}
	if (sodium_base642bin(bin, b64len / 4 * 3 + 3, b64, b64len, NULL,
	    &binlen, &b64end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    b64end != b64 + b64len || binlen == 0) {
		sodium_memzero(bin, b64len / 4 * 3 + 3);
		free(bin);
		goto out;
	}
	*out = bin;
	*len = binlen;
	rc = 0;
out:
	sodium_memzero(b64, textlen + 1);
	free(b64);
	return rc;
}

int
keys_slurp(const char *path, char **out, size_t *len)
{
	char *buf = NULL, *nbuf;
	size_t n = 0, cap = 0;
	ssize_t r;
	int fd, rc = 0;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return CH_ERR_IO;
	for (;;) {
		if (n == cap) {
			if (cap > ARMOR_MAX) {
				rc = CH_ERR_TOOBIG;
				break;
			}
			cap = cap ? cap * 2 : 4096;
			if (cap > ARMOR_MAX + 1)
				cap = ARMOR_MAX + 1;
			if ((nbuf = malloc(cap + 1)) == NULL) {
				rc = CH_ERR_NOMEM;
				break;
			}
			/* Copy and wipe rather than realloc: the file may be a
			 * (sealed) key and realloc would leave copies behind. */
			if (buf != NULL) {
				memcpy(nbuf, buf, n);
				sodium_memzero(buf, n);
				free(buf);
			}
			buf = nbuf;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = CH_ERR_IO;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (rc == 0 && n > ARMOR_MAX)
		rc = CH_ERR_TOOBIG;
	if (rc != 0) {
		if (buf != NULL) {
			sodium_memzero(buf, n);
			free(buf);
		}
		return rc;
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return CH_ERR_NOMEM;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int
keys_write_new(const char *path, const char *text, size_t n, int mode)
{
	size_t off = 0;
	ssize_t r;
	int fd, saved;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    (mode_t)mode)) < 0)
		return errno == EEXIST ? CH_ERR_EXISTS : CH_ERR_IO;
	while (off < n) {
		r = write(fd, text + off, n - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto fail;
		off += (size_t)r;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	/* We created the file: do not leave a truncated key behind. */
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(path);
	errno = saved;
	return CH_ERR_IO;
}
