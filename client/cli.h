/* cli.h - what the subcommands of cahier share: options, the provider's
 * home directory, the connection to the org's daemon, output helpers. */
#ifndef CAHIER_CLI_H
#define CAHIER_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "../keys/keys.h"
#include "../proto/entry.h"
#include "../proto/msg.h"
#include "i18n.h"

#define EXIT_NO 1
#define EXIT_ERR 2

typedef struct {
	const char *home;       /* provider's directory: key, cert, org card */
	const char *pass_file;
	int pass_fd;
	int json;
	int timeout_ms;
	keys_secret_t *keys;    /* unlocked on demand */
	uint8_t *cert;          /* our certificate */
	size_t certlen;
	uint8_t *card;          /* our org's card */
	size_t cardlen;
	char *endpoint;
	void *sock;
	void *monitor;          /* handshake events of sock (libzmq PAIR) */
} cli_t;

/* Prints "cahier: <message>" on stderr and exits with code. */
void cli_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* A path inside the home directory (malloc'd). */
char *cli_path(const cli_t *c, const char *name);
/* Loads cert, card and endpoint, unlocks the key and connects. */
void cli_open(cli_t *c);
void cli_close(cli_t *c);
/* The connection alone, for a cli_t whose cert, card, endpoint and keys are
 * loaded already (cli_open calls it): several connections may share them,
 * each with a cli_t of its own, each closed with cli_disconnect, which
 * leaves what they share to the one cli_close. */
void cli_connect(cli_t *c);
void cli_disconnect(cli_t *c);
/* A reply of the daemon: the whole frame it sent (malloc'd) and its length.
 * What is decoded from a reply borrows from p. A read reply holds the
 * decrypted bodies of entries: release every reply with cli_reply_free. */
typedef struct {
	uint8_t *p;
	size_t n;
} cli_reply_t;
/* Wipes all r->n bytes of r->p with sodium_memzero, frees them and empties
 * *r; safe on an empty reply. */
void cli_reply_free(cli_reply_t *r);
/* Sends one request and waits for its reply. Exits with a clear message on
 * timeout or on an error status. Fills *rep, which the caller releases with
 * cli_reply_free(); *body borrows from it. */
void cli_call(cli_t *c, uint8_t type, const uint8_t *req, size_t reqlen,
    cli_reply_t *rep, const uint8_t **body, size_t *bodylen);
/* A refusal of the daemon (the body of a reply whose status is not 0,
 * proto/refusal.h) in the provider's language: its English format and
 * every argument marked as a reason translated with tr (gettext; NULL:
 * English), a translation used only when its placeholders fit the
 * arguments (else the English), every argument escaped for a terminal
 * (escape.h). No format of the daemon's reaches printf. Returns the text
 * in malloc'd memory (the caller frees it), or NULL when the body does
 * not decode; exits when out of memory. */
typedef const char *(*cli_tr_fn)(const char *english);
char *cli_refusal_words(const uint8_t *body, size_t n, cli_tr_fn tr);
/* A read request of case id for action (CH_ACT_*) and purpose, with no
 * filter: the caller sets the filters it wants (msg.h). Purpose 0: the
 * reader named none, and cli_read gives the read the default purpose of
 * the reader's role and the kinds it reads (ch_purpose_default). */
void cli_readreq_init(ch_readreq_t *rq, const uint8_t id[16], uint8_t action,
    uint8_t purpose);
/* Stamps (time, nonce), signs and sends rq and decodes the reply into *rr
 * (release it with ch_readrep_clear, then rep with cli_reply_free(): the
 * items borrow from rep). The daemon records the read first. */
void cli_read(cli_t *c, ch_readreq_t *rq, cli_reply_t *rep, ch_readrep_t *rr);
/* Resolves a case id given in full hex or as a unique prefix. */
void cli_case_id(cli_t *c, const char *arg, uint8_t id[CH_CASE_LEN]);
/* A date given as YYYY-MM-DD (--since, --until): its local midnight, in ms
 * since 1970; exits with a message for anything else. */
uint64_t cli_date(const char *s);
/* Formats ms since the epoch as local "YYYY-MM-DD HH:MM". */
void cli_time(uint64_t ms, char out[32]);
/* An ISO 8601 UTC time for --json. */
void cli_time_iso(uint64_t ms, char out[32]);
/* Reads text for a post: the argument, or stdin when arg is "-" or NULL. */
char *cli_read_text(const char *arg);
/* A NUL-terminated copy of the bytes of s (malloc'd; exits when out of
 * memory). Free with free(), after wiping if it held decrypted text. */
char *cli_slice_dup(ch_slice_t s);

/* Prints help, a NULL-terminated list of paragraphs marked with N_() (the
 * first the usage lines), each translated, with a blank line between. */
void cli_help(FILE *f, const char *const *help);
/* Asks question (translated, one line, no hint) on stderr, with the
 * language's [y/N], and reads a line from stdin: 1 when it says yes (y,
 * yes, or the language's words: j, ja in Dutch, o, oui in French; any
 * case), 0 for anything else or nothing. The caller makes sure stdin is a
 * terminal, or was told --yes. */
int cli_ask_yes(const char *question);
/* A label before its value, in a column of labels: "label:" in the
 * language's way (French "label :"), padded with spaces to width columns
 * (display width, escape.h). cli_label_width: the columns "label:" takes;
 * a column is one more than the widest. label: translated, trusted text. */
size_t cli_label_width(const char *label);
void cli_label(FILE *f, const char *label, size_t width);

/* Makes jansson wipe every block it frees (--json copies decrypted text
 * into it). Call once, before any other jansson call. */
void cli_json_init(void);
/* Prints j on stdout as one line of compact JSON, with the characters a
 * terminal acts on that jansson leaves as they are (DEL, the C1 and the
 * bidirectional controls: escape.h) written as \uXXXX escapes too, so the
 * line holds no byte a terminal acts on. Does not take j's reference. */
void cli_json_print(json_t *j);


/* Subcommands: cmd_<name>(argc, argv) with argv[0] = name. */
int cmd_init(cli_t *c, int argc, char **argv);
int cmd_enroll(cli_t *c, int argc, char **argv);
int cmd_status(cli_t *c, int argc, char **argv);
int cmd_case(cli_t *c, int argc, char **argv);
int cmd_post(cli_t *c, int argc, char **argv);
int cmd_log(cli_t *c, int argc, char **argv);
int cmd_audit(cli_t *c, int argc, char **argv);
int cmd_show(cli_t *c, int argc, char **argv);
int cmd_watch(cli_t *c, int argc, char **argv);
int cmd_tasks(cli_t *c, int argc, char **argv);
int cmd_alerts(cli_t *c, int argc, char **argv);
int cmd_peers(cli_t *c, int argc, char **argv);
int cmd_verify(cli_t *c, int argc, char **argv);
int cmd_notify(cli_t *c, int argc, char **argv);
int cmd_export(cli_t *c, int argc, char **argv);
int cmd_network(cli_t *c, int argc, char **argv);

#endif
