/* test_config.c - cahierd.conf: defaults, every key, bad lines refused with
 * the file and line named, write then load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "../daemon/config.h"
#include "../daemon/derr.h"

static char dir[64];

static void
write_conf(const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/cahierd.conf", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

static void
rm_conf(void)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/cahierd.conf", dir);
	unlink(path);
}

TEST(defaults_and_keys)
{
	config_t c;
	char err[256], want[128];
	write_conf("# comment\n\nname = CPAS d'Anderlecht — service social\n"
	    "peer_endpoint = tcp://127.0.0.1:7101\n  sync_interval_ms=250  \n");
	check_int(config_load(dir, &c, err, sizeof(err)), ==, 0);
	check_str(c.name, "CPAS d'Anderlecht — service social");
	check_str(c.peer_endpoint, "tcp://127.0.0.1:7101");
	check_str(c.peer_bind, "tcp://127.0.0.1:7101");
	snprintf(want, sizeof(want), "ipc://%s/client.sock", dir);
	check_str(c.client_endpoint, want);
	check(c.client_tcp == NULL);
	check_int(c.sync_interval_ms, ==, 250);
	check_int(c.log_level, ==, 2);
	check_int(c.max_open_cases, ==, 64);
	config_clear(&c);
	check(c.name == NULL);
}

TEST(bad_lines_name_file_and_line)
{
	config_t c;
	char err[256];
	write_conf("name = x\npeer_endpoint = tcp://127.0.0.1:1\nsync_interval_ms = fast\n");
	check_int(config_load(dir, &c, err, sizeof(err)), ==, DERR_CONFIG);
	check(strstr(err, "cahierd.conf:3: bad value for 'sync_interval_ms'") != NULL);
	write_conf("name = x\nbogus = 1\n");
	check_int(config_load(dir, &c, err, sizeof(err)), ==, DERR_CONFIG);
	check(strstr(err, ":2: unknown key 'bogus'") != NULL);
	write_conf("name x\n");
	check_int(config_load(dir, &c, err, sizeof(err)), ==, DERR_CONFIG);
	check(strstr(err, ":1: expected 'key = value'") != NULL);
	write_conf("name = only a name\n");
	check_int(config_load(dir, &c, err, sizeof(err)), ==, DERR_CONFIG);
	check(strstr(err, "'name' and 'peer_endpoint' are required") != NULL);
	write_conf("name = x\npeer_endpoint = tcp://127.0.0.1:1\nlog_level = 9\n");
	check_int(config_load(dir, &c, err, sizeof(err)), ==, DERR_CONFIG);
	rm_conf();
	check_int(config_load(dir, &c, err, sizeof(err)), ==, DERR_CONFIG);
	check(strstr(err, "run 'cahierd init' first") != NULL);
}

TEST(write_then_load)
{
	config_t w, c;
	char err[256];
	memset(&w, 0, sizeof(w));
	w.name = (char *)(uintptr_t)"Thuisverpleging Zuid";
	w.peer_endpoint = (char *)(uintptr_t)"tcp://10.0.0.5:7101";
	w.peer_bind = (char *)(uintptr_t)"tcp://0.0.0.0:7101";
	w.client_tcp = (char *)(uintptr_t)"tcp://127.0.0.1:7201";
	w.passphrase_file = (char *)(uintptr_t)"/run/credentials/cahierd/pass";
	w.sync_interval_ms = 500;
	rm_conf();
	check_int(config_write(dir, &w, err, sizeof(err)), ==, 0);
	/* Never overwritten. */
	check_int(config_write(dir, &w, err, sizeof(err)), ==, DERR_CONFIG);
	check_int(config_load(dir, &c, err, sizeof(err)), ==, 0);
	check_str(c.name, "Thuisverpleging Zuid");
	check_str(c.peer_bind, "tcp://0.0.0.0:7101");
	check_str(c.client_tcp, "tcp://127.0.0.1:7201");
	check_str(c.passphrase_file, "/run/credentials/cahierd/pass");
	check_int(c.sync_interval_ms, ==, 500);
	config_clear(&c);
}

int
main(void)
{
	if (!tap_tmpdir(dir, sizeof(dir), "test-config"))
		return 1;
	TAP_RUN(defaults_and_keys);
	TAP_RUN(bad_lines_name_file_and_line);
	TAP_RUN(write_then_load);
	rm_conf();
	rmdir(dir);
	return TAP_DONE();
}
