/* test_synth.c: the header tree made from the UAPI headers and a config. */
#include "check.h"
#include "error.h"
#include "headers.h"
#include "synth.h"
#include "owned.h"

#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256];
static char config[300];

static char *slurp(const char *root, const char *rel)
{
	static char buf[65536];
	char p[600];
	size_t n;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void setup(void)
{
	FILE *f;

	snprintf(tmp, sizeof(tmp), "/tmp/bcc-hello-test-synth.XXXXXX");
	CHECK(mkdtemp(tmp) != NULL);
	snprintf(config, sizeof(config), "%s/config", tmp);
	f = fopen(config, "w");
	CHECK(f != NULL);
	fputs("# comment\nCONFIG_BPF=y\nCONFIG_MOD=m\n# CONFIG_OFF is not set\n"
	      "CONFIG_HZ=250\nCONFIG_NAME=\"my kernel\"\n",
	      f);
	fclose(f);
}

TEST(autoconf_keeps_y_numbers_and_strings_and_leaves_modules_out)
{
	struct error err = {0};
	char out[512];
	const char *a;
	int hold = -1, dir;

	CHECK_INT(synth_tree(out, sizeof(out), &hold, tmp, config,
			     "/usr/include", "x86_64", &err),
		  0);
	/* held while the run lives, and only then abandoned */
	dir = open(tmp, O_RDONLY | O_DIRECTORY);
	CHECK(hold >= 0 && dir >= 0);
	CHECK(!owned_abandoned(dir, strrchr(out, '/') + 1));
	close(hold);
	CHECK(owned_abandoned(dir, strrchr(out, '/') + 1));
	close(dir);
	a = slurp(out, "include/generated/autoconf.h");
	CHECK(a != NULL);
	if (a) {
		CHECK(strstr(a, "#define CONFIG_BPF 1\n") != NULL);
		CHECK(strstr(a, "#define CONFIG_HZ 250\n") != NULL);
		CHECK(strstr(a, "#define CONFIG_NAME \"my kernel\"\n") != NULL);
		CHECK(strstr(a, "CONFIG_MOD") == NULL);
		CHECK(strstr(a, "CONFIG_OFF") == NULL);
	}
	CHECK(headers_tree_complete(out));
	a = slurp(out, "include/uapi/linux/bpf.h");
	CHECK(a != NULL && a[0] == '\0');
	a = slurp(out, "include/linux/types.h"); /* a link to the UAPI one */
	CHECK(a != NULL && strstr(a, "__u32") != NULL);
	a = slurp(out, "arch/x86/include/asm/page.h");
	CHECK(a != NULL && strstr(a, "PAGE_SIZE") != NULL);
	a = slurp(out, "arch/x86/include/uapi/asm/types.h");
	CHECK(a != NULL);
	a = slurp(out, "include/linux/kconfig.h");
	CHECK(a != NULL && strstr(a, "umode_t") != NULL);
	CHECK_INT(headers_remove_tree(out), 0);
	CHECK(access(out, F_OK) != 0);
	CHECK(access("/usr/include/linux/types.h", F_OK) == 0);
}

TEST(no_uapi_headers_is_an_error_that_names_the_package)
{
	struct error err = {0};
	char out[512];

	int hold = -1;

	CHECK_INT(synth_tree(out, sizeof(out), &hold, tmp, config, tmp,
			     "x86_64", &err),
		  -1);
	CHECK_INT(hold, -1);
	CHECK(strstr(err.msg, "linux-libc-dev") != NULL);
}

int main(void)
{
	setup();
	RUN(autoconf_keeps_y_numbers_and_strings_and_leaves_modules_out);
	RUN(no_uapi_headers_is_an_error_that_names_the_package);
	unlink(config);
	CHECK_INT(rmdir(tmp), 0);
	return CHECK_DONE();
}
