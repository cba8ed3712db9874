// SPDX-License-Identifier: GPL-2.0
/*
 * idleconns - open many idle keep-alive connections and hold them, so that
 * the kernel memory a server spends per idle connection can be measured
 * (make bench, tools/bench/bench.py).  Statically linked: it runs in the
 * QEMU guest next to the servers.
 *
 *   idleconns -n COUNT [-a 127.0.0.1] [-p PORT] [-r PATH] [-H SEC]
 *   idleconns -n COUNT --self [-H SEC]
 *
 * Each connection is opened with a blocking connect(); with -r, one
 * "GET PATH" is sent on it and its response read whole (Content-Length
 * framing), so that the connection is a kept-alive one, not a new one.
 * Then the program prints "ready OPEN" and holds every connection for
 * SEC seconds (default 10), checks how many the server closed meanwhile,
 * prints "alive A closed C" and exits, resetting every connection (no
 * TIME_WAIT sockets are left behind for the next measurement).
 *
 * --self is the baseline: the program listens on an ephemeral loopback
 * port and accepts its own connections, so that the memory of COUNT plain
 * TCP socket pairs (no server state at all) can be subtracted.
 *
 * Exit status: 0 if every connection was opened (and answered), 1
 * otherwise, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int read_response(int fd)
{
	char buf[8192];
	size_t have = 0;
	long need = -1;

	for (;;) {
		ssize_t n = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
		char *end, *cl;

		if (n <= 0)
			return -1;
		have += n;
		buf[have] = 0;
		end = strstr(buf, "\r\n\r\n");
		if (end && need < 0) {
			cl = strcasestr(buf, "\r\ncontent-length:");
			if (!cl || cl > end)
				return -1;
			need = (end + 4 - buf) + strtol(cl + 17, NULL, 10);
		}
		if (need >= 0 && (long)have >= need)
			return strncmp(buf, "HTTP/1.1 200", 12) ? -1 : 0;
		if (have >= sizeof(buf) - 1)
			return -1;	/* only small bodies are expected */
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: idleconns -n COUNT [-a ADDR] [-p PORT] [-r PATH] [-H SEC]\n"
		"       idleconns -n COUNT --self [-H SEC]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "request", required_argument, NULL, 'r' },
		{ "hold", required_argument, NULL, 'H' },
		{ "self", no_argument, NULL, 's' },
		{ 0 }
	};
	const char *addr = "127.0.0.1", *path = NULL;
	int count = 0, port = 8081, hold = 10, self = 0, lfd = -1;
	int *fds, *peers, open_ok = 0, alive = 0, closed = 0, c, i;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct rlimit rl;
	char req[512];

	while ((c = getopt_long(argc, argv, "n:a:p:r:H:", opts, NULL)) != -1) {
		switch (c) {
		case 'n': count = atoi(optarg); break;
		case 'a': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'r': path = optarg; break;
		case 'H': hold = atoi(optarg); break;
		case 's': self = 1; break;
		default: usage();
		}
	}
	if (count <= 0 || optind != argc)
		usage();
	rl.rlim_cur = rl.rlim_max = 2 * (rlim_t)count + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		perror("idleconns: setrlimit");	/* may still be enough */
	fds = calloc(count, sizeof(int));
	peers = calloc(count, sizeof(int));
	if (!fds || !peers)
		return 1;
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		usage();
	sa.sin_port = htons(port);
	if (self) {
		socklen_t len = sizeof(sa);

		lfd = socket(AF_INET, SOCK_STREAM, 0);
		sa.sin_port = 0;
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
		    listen(lfd, 1024) ||
		    getsockname(lfd, (struct sockaddr *)&sa, &len)) {
			perror("idleconns: listen");
			return 1;
		}
	}
	if (path)
		snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: bench\r\n\r\n", path);
	for (i = 0; i < count; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

		fds[i] = peers[i] = -1;
		if (fd < 0) {
			perror("idleconns: socket");
			break;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			fprintf(stderr, "idleconns: connect #%d: %s\n", i,
				strerror(errno));
			close(fd);
			break;
		}
		fds[i] = fd;
		if (self) {
			peers[i] = accept(lfd, NULL, NULL);
			if (peers[i] < 0) {
				perror("idleconns: accept");
				break;
			}
		} else if (path) {
			if (send(fd, req, strlen(req), MSG_NOSIGNAL) !=
			    (ssize_t)strlen(req) || read_response(fd)) {
				fprintf(stderr, "idleconns: request #%d failed\n",
					i);
				break;
			}
		}
		open_ok++;
	}
	printf("ready %d\n", open_ok);
	fflush(stdout);
	sleep(hold);
	for (i = 0; i < open_ok; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN | POLLRDHUP };
		char b;

		if (poll(&p, 1, 0) > 0 &&
		    (p.revents & (POLLRDHUP | POLLHUP | POLLERR) ||
		     recv(fds[i], &b, 1, MSG_PEEK | MSG_DONTWAIT) <= 0))
			closed++;
		else
			alive++;
	}
	printf("alive %d closed %d\n", alive, closed);
	fflush(stdout);
	/* Reset, not FIN: no TIME_WAIT sockets linger into the next run. */
	for (i = 0; i < count; i++) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		if (fds[i] >= 0) {
			setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg,
				   sizeof(lg));
			close(fds[i]);
		}
		if (peers[i] >= 0) {
			setsockopt(peers[i], SOL_SOCKET, SO_LINGER, &lg,
				   sizeof(lg));
			close(peers[i]);
		}
	}
	return open_ok == count ? 0 : 1;
}
