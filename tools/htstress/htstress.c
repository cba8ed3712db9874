// SPDX-License-Identifier: GPL-2.0
/*
 * htstress.c - HTTP/1.1 load generator: options, setup and the report.
 *
 * The work is done by worker.c (connections and accounting), parser.c
 * (response framing), hist.c (latency histogram) and url.c (addresses,
 * path patterns, random numbers).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "htstress.h"

#define DEFAULT_REQUESTS 1000

static const char usage_text[] =
"usage: htstress [options] URL\n"
"\n"
"HTTP/1.1 load generator (epoll, one thread per -t). URL is\n"
"http://HOST[:PORT]/path with HOST an IPv4 literal, [IPv6 literal] or\n"
"localhost (127.0.0.1); there is no name resolution.  The path may contain\n"
"{rand:A:B}, replaced in every request by a uniform random integer in\n"
"[A, B] (e.g. /fib/{rand:0:100000} for cache misses; a fixed path for hits).\n"
"\n"
"  -n, --requests N      total requests over all connections (default 1000\n"
"                        unless -d is given)\n"
"  -d, --duration SEC    run for SEC seconds (with -n: whichever ends first)\n"
"  -c, --connections C   concurrent connections (default 1)\n"
"  -t, --threads T       threads, at most C (default 1)\n"
"  -p, --pipeline D      requests in flight per connection (default 1)\n"
"      --close           one request per connection (Connection: close)\n"
"  -f, --file FILE       cycle through the paths (or http:// URLs, of\n"
"                        which the path is used) listed in FILE, one a\n"
"                        line; '#' starts a comment; patterns allowed\n"
"      --head            send HEAD instead of GET\n"
"  -H, --header LINE     add a request header line, e.g. 'Accept: */*'\n"
"      --timeout SEC     per-request timeout (default 10)\n"
"      --seed S          seed of the {rand} numbers (default: time)\n"
"      --expect-status N only status N is good (default: any 2xx or 3xx)\n"
"      --json            print one JSON object instead of the summary\n"
"      --allow-errors    exit 0 even if some requests were not good\n"
"  -h, --help            this help\n"
"\n"
"Every request ends as exactly one of:\n"
"  good      complete, well-framed response with a good status\n"
"  bad       complete response with another status, or a framing error:\n"
"            malformed status line, header or chunk; body shorter than its\n"
"            Content-Length when the connection closed; bytes past the end\n"
"            of the last response (a body longer than its Content-Length)\n"
"  error     connect/socket error, or connection closed before any byte\n"
"            of the response\n"
"  timeout   no complete response within --timeout\n"
"Requests queued behind a response that ends its connection are sent again\n"
"on a new connection; requests in flight when -d expires are 'unfinished'.\n"
"After an error, timeout or Connection: close, the connection is reopened.\n"
"Latency runs from queueing a request (including the connect for the first\n"
"requests of a connection) to the last byte of its response, for every\n"
"complete response; percentiles come from a log-linear histogram (<1.6%).\n"
"\n"
"Exit status: 0 if at least one request was made and all were good\n"
"(or --allow-errors), 1 if any was bad, an error or a timeout, or none\n"
"completed, 2 on a usage or setup error.\n";

enum {
	OPT_CLOSE = 256,
	OPT_HEAD,
	OPT_TIMEOUT,
	OPT_SEED,
	OPT_EXPECT,
	OPT_JSON,
	OPT_ALLOW,
};

static const struct option long_opts[] = {
	{ "requests", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, 'd' },
	{ "connections", required_argument, NULL, 'c' },
	{ "threads", required_argument, NULL, 't' },
	{ "pipeline", required_argument, NULL, 'p' },
	{ "file", required_argument, NULL, 'f' },
	{ "header", required_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ "close", no_argument, NULL, OPT_CLOSE },
	{ "head", no_argument, NULL, OPT_HEAD },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "expect-status", required_argument, NULL, OPT_EXPECT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "allow-errors", no_argument, NULL, OPT_ALLOW },
	{ NULL, 0, NULL, 0 },
};

static void __attribute__((noreturn)) die(const char *fmt, const char *arg)
{
	fprintf(stderr, "htstress: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(try htstress --help)\n");
	exit(2);
}

static uint64_t parse_count(const char *s, const char *what, uint64_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || !v || v > max)
		die("bad %s", what);
	return v;
}

static double parse_seconds(const char *s, const char *what)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v > 0) || v > 1e6)
		die("bad %s", what);
	return v;
}

static char *add_header(char *extra, const char *line)
{
	size_t old = extra ? strlen(extra) : 0;
	char *p;

	if (!strchr(line, ':') || strpbrk(line, "\r\n"))
		die("bad header line: %s", line);
	p = realloc(extra, old + strlen(line) + 3);
	if (!p)
		die("%s", "out of memory");
	sprintf(p + old, "%s\r\n", line);
	return p;
}

static void add_path(struct config *cfg, const char *path)
{
	struct pattern *p;
	char err[512];

	p = realloc(cfg->paths, (cfg->npaths + 1) * sizeof(*p));
	if (!p)
		die("%s", "out of memory");
	cfg->paths = p;
	if (pattern_compile(path, &p[cfg->npaths], err, sizeof(err)))
		die("%s", err);
	cfg->npaths++;
}

/* The path of an "http://host/path" line, or the line itself. */
static const char *line_path(const char *line)
{
	const char *p;

	if (strncmp(line, "http://", 7))
		return line;
	p = strchr(line + 7, '/');
	return p ? p : "/";
}

static void read_paths(struct config *cfg, const char *file)
{
	FILE *f = fopen(file, "r");
	char buf[4096], *s, *e;

	if (!f)
		die("cannot open %s", file);
	while (fgets(buf, sizeof(buf), f)) {
		for (s = buf; *s == ' ' || *s == '\t'; s++)
			;
		e = s + strcspn(s, "#");
		while (e > s && (unsigned char)e[-1] <= ' ')
			e--;
		*e = '\0';
		if (*s)
			add_path(cfg, strdup(line_path(s)));
	}
	fclose(f);
	if (!cfg->npaths)
		die("no paths in %s", file);
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
	const char *file = NULL, *path;
	char err[512];
	int o;

	while ((o = getopt_long(argc, argv, "n:d:c:t:p:f:H:h", long_opts,
				NULL)) != -1) {
		switch (o) {
		case 'n':
			cfg->requests = parse_count(optarg, "-n", UINT64_MAX / 2);
			break;
		case 'd':
			cfg->duration = parse_seconds(optarg, "-d");
			break;
		case 'c':
			cfg->conns = (unsigned int)parse_count(optarg, "-c", 100000);
			break;
		case 't':
			cfg->threads = (unsigned int)parse_count(optarg, "-t", 1024);
			break;
		case 'p':
			cfg->pipeline = (unsigned int)parse_count(optarg,
								  "--pipeline", 4096);
			break;
		case 'f':
			file = optarg;
			break;
		case 'H':
			cfg->extra = add_header((char *)cfg->extra, optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case OPT_CLOSE:
			cfg->close = true;
			break;
		case OPT_HEAD:
			cfg->head = true;
			break;
		case OPT_TIMEOUT:
			cfg->timeout = parse_seconds(optarg, "--timeout");
			break;
		case OPT_SEED:
			errno = 0;
			cfg->seed = strtoull(optarg, NULL, 0);
			break;
		case OPT_EXPECT:
			cfg->expect_status = (int)parse_count(optarg,
							      "--expect-status", 599);
			break;
		case OPT_JSON:
			cfg->json = true;
			break;
		case OPT_ALLOW:
			cfg->allow_errors = true;
			break;
		default:
			die("%s", "bad option");
		}
	}
	if (optind != argc - 1)
		die("%s", "expected exactly one URL");
	cfg->url = argv[optind];
	if (url_parse(cfg->url, &cfg->target, &path, err, sizeof(err)))
		die("%s", err);
	if (file)
		read_paths(cfg, file);
	else
		add_path(cfg, path);
}

static void finish_config(struct config *cfg)
{
	if (!cfg->extra)
		cfg->extra = "";
	if (!cfg->requests && !cfg->duration)
		cfg->requests = DEFAULT_REQUESTS;
	if (cfg->threads > cfg->conns)
		cfg->threads = cfg->conns;
	if (cfg->close)
		cfg->pipeline = 1;
	if (!cfg->seed)
		cfg->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct config *cfg, const struct stats *st,
		       double secs)
{
	uint64_t done = st->good + st->bad + st->errors + st->timeouts;
	const struct hist *h = &st->hist;
	const char *sep = "";
	unsigned int i;

	printf("{\"url\": ");
	json_string(cfg->url);
	printf(", \"connections\": %u, \"threads\": %u, "
	       "\"pipeline\": %u, \"keepalive\": %s, \"seed\": %" PRIu64 ", ",
	       cfg->conns, cfg->threads, cfg->pipeline,
	       cfg->close ? "false" : "true", cfg->seed);
	printf("\"requests\": %" PRIu64 ", \"good\": %" PRIu64
	       ", \"bad\": %" PRIu64 ", \"bad_status\": %" PRIu64
	       ", \"bad_framing\": %" PRIu64 ", \"errors\": %" PRIu64
	       ", \"timeouts\": %" PRIu64 ", \"unfinished\": %" PRIu64
	       ", \"connects\": %" PRIu64 ", ",
	       done, st->good, st->bad, st->bad_status, st->bad_framing,
	       st->errors, st->timeouts, st->unfinished, st->connects);
	printf("\"seconds\": %.6f, \"rps\": %.3f, \"good_rps\": %.3f, "
	       "\"bytes\": %" PRIu64 ", \"bytes_sent\": %" PRIu64
	       ", \"throughput\": %.3f, ",
	       secs, done / secs, st->good / secs, st->bytes_in,
	       st->bytes_out, st->bytes_in / secs);
	printf("\"latency_us\": {\"count\": %" PRIu64 ", \"mean\": %.1f, "
	       "\"p50\": %" PRIu64 ", \"p90\": %" PRIu64 ", \"p99\": %" PRIu64
	       ", \"p999\": %" PRIu64 ", \"max\": %" PRIu64 "}, \"status\": {",
	       h->count, h->count ? (double)h->sum / h->count : 0.0,
	       hist_percentile(h, 50), hist_percentile(h, 90),
	       hist_percentile(h, 99), hist_percentile(h, 99.9), h->max);
	for (i = 0; i < STATUS_MAX; i++) {
		if (!st->status[i])
			continue;
		printf("%s\"%u\": %" PRIu64, sep, i, st->status[i]);
		sep = ", ";
	}
	printf("}}\n");
}

static void print_human(const struct config *cfg, const struct stats *st,
			double secs)
{
	uint64_t done = st->good + st->bad + st->errors + st->timeouts;
	const struct hist *h = &st->hist;
	unsigned int i;

	printf("url:         %s\n", cfg->url);
	printf("load:        %u connections, %u threads, pipeline %u, %s\n",
	       cfg->conns, cfg->threads, cfg->pipeline,
	       cfg->close ? "Connection: close" : "keep-alive");
	printf("requests:    %" PRIu64 " in %.3f s, %.1f req/s\n", done, secs,
	       done / secs);
	printf("good:        %" PRIu64 "\n", st->good);
	printf("bad:         %" PRIu64 " (status %" PRIu64 ", framing %"
	       PRIu64 ")\n", st->bad, st->bad_status, st->bad_framing);
	printf("errors:      %" PRIu64 "\n", st->errors);
	printf("timeouts:    %" PRIu64 "\n", st->timeouts);
	if (st->unfinished)
		printf("unfinished:  %" PRIu64 "\n", st->unfinished);
	printf("connects:    %" PRIu64 "\n", st->connects);
	printf("received:    %" PRIu64 " bytes, %.1f KiB/s\n", st->bytes_in,
	       st->bytes_in / secs / 1024);
	printf("latency us:  p50 %" PRIu64 "  p90 %" PRIu64 "  p99 %" PRIu64
	       "  p99.9 %" PRIu64 "  max %" PRIu64 "  mean %.1f\n",
	       hist_percentile(h, 50), hist_percentile(h, 90),
	       hist_percentile(h, 99), hist_percentile(h, 99.9), h->max,
	       h->count ? (double)h->sum / h->count : 0.0);
	printf("status:     ");
	for (i = 0; i < STATUS_MAX; i++)
		if (st->status[i])
			printf(" %u: %" PRIu64, i, st->status[i]);
	printf("\n");
	if (st->last_bad)
		printf("last bad:    %s\n", st->last_bad);
	if (st->last_error)
		printf("last error:  %s\n", st->last_error);
}

static void on_signal(int sig)
{
	(void)sig;
	stop_now = 1;
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.conns = 1, .threads = 1, .pipeline = 1, .timeout = 10,
	};
	static struct stats st;
	double secs;
	uint64_t done;

	parse_args(argc, argv, &cfg);
	finish_config(&cfg);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (run_workers(&cfg, &st, &secs))
		return 2;
	if (secs <= 0)
		secs = 1e-9;
	if (cfg.json)
		print_json(&cfg, &st, secs);
	else
		print_human(&cfg, &st, secs);
	done = st.good + st.bad + st.errors + st.timeouts;
	if (cfg.allow_errors)
		return 0;
	return done && st.good == done ? 0 : 1;
}
