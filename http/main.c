// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - khttpd module parameters, load and unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "server.h"

static ushort port = 8081;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "TCP port to listen on (default 8081)");

static ushort backlog = 128;
module_param(backlog, ushort, 0444);
MODULE_PARM_DESC(backlog, "listen() backlog (default 128)");

static struct khttpd_server server;

static int __init khttpd_init(void)
{
	int err = khttpd_server_start(&server, port, backlog);

	if (err) {
		pr_err("cannot listen on port %u: %d\n", port, err);
		return err;
	}
	pr_info("listening on port %u\n", port);
	return 0;
}

static void __exit khttpd_exit(void)
{
	khttpd_server_stop(&server);
	pr_info("unloaded\n");
}

module_init(khttpd_init);
module_exit(khttpd_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("in-kernel HTTP/1.1 server of Fibonacci numbers");
MODULE_AUTHOR("khttpd developers");
MODULE_VERSION("0.1");
