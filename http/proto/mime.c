// SPDX-License-Identifier: GPL-2.0
/*
 * mime.c - Content-Type of a static file from its extension.
 */
#include "http/proto/mime.h"

#ifndef ARRAY_SIZE
#endif

#define TEXT(t) "text/" t "; charset=utf-8"

struct mime_entry {
	const char *ext;
	const char *type;
};

/* Sorted by extension (strcmp order, lower case): binary-searched. */
static const struct mime_entry mime_table[] = {
	{ "7z", "application/x-7z-compressed" },
	{ "aac", "audio/aac" },
	{ "apng", "image/apng" },
	{ "avif", "image/avif" },
	{ "bmp", "image/bmp" },
	{ "bz2", "application/x-bzip2" },
	{ "css", TEXT("css") },
	{ "csv", TEXT("csv") },
	{ "epub", "application/epub+zip" },
	{ "flac", "audio/flac" },
	{ "gif", "image/gif" },
	{ "gz", "application/gzip" },
	{ "htm", TEXT("html") },
	{ "html", TEXT("html") },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "ics", TEXT("calendar") },
	{ "jpeg", "image/jpeg" },
	{ "jpg", "image/jpeg" },
	{ "js", TEXT("javascript") },
	{ "json", "application/json" },
	{ "jsonld", "application/ld+json" },
	{ "jxl", "image/jxl" },
	{ "log", TEXT("plain") },
	{ "m4a", "audio/mp4" },
	{ "map", "application/json" },
	{ "md", TEXT("markdown") },
	{ "mjs", TEXT("javascript") },
	{ "mov", "video/quicktime" },
	{ "mp3", "audio/mpeg" },
	{ "mp4", "video/mp4" },
	{ "mpeg", "video/mpeg" },
	{ "oga", "audio/ogg" },
	{ "ogg", "audio/ogg" },
	{ "ogv", "video/ogg" },
	{ "opus", "audio/ogg" },
	{ "otf", "font/otf" },
	{ "pdf", "application/pdf" },
	{ "png", "image/png" },
	{ "rss", "application/rss+xml" },
	{ "svg", "image/svg+xml" },
	{ "tar", "application/x-tar" },
	{ "tif", "image/tiff" },
	{ "tiff", "image/tiff" },
	{ "ttf", "font/ttf" },
	{ "txt", TEXT("plain") },
	{ "vtt", TEXT("vtt") },
	{ "wasm", "application/wasm" },
	{ "wav", "audio/wav" },
	{ "weba", "audio/webm" },
	{ "webm", "video/webm" },
	{ "webmanifest", "application/manifest+json" },
	{ "webp", "image/webp" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "xhtml", "application/xhtml+xml" },
	{ "xml", "application/xml" },
	{ "xz", "application/x-xz" },
	{ "yaml", "application/yaml" },
	{ "yml", "application/yaml" },
	{ "zip", "application/zip" },
	{ "zst", "application/zstd" },
};

/* Longer than the longest extension in the table, NUL included. */
#define MIME_EXT_SIZE 16

const char *http_mime_type(const char *name, size_t len)
{
	char ext[MIME_EXT_SIZE];
	size_t i, start = len, elen, lo, hi, mid;
	int cmp;

	for (i = len; i > 0 && name[i - 1] != '/'; i--) {
		if (name[i - 1] == '.') {
			start = i;
			break;
		}
	}
	elen = len - start;
	if (!elen || elen >= sizeof(ext))
		return HTTP_MIME_DEFAULT;
	for (i = 0; i < elen; i++) {
		ext[i] = name[start + i];
		if (!ext[i])
			return HTTP_MIME_DEFAULT;
		if (ext[i] >= 'A' && ext[i] <= 'Z')
			ext[i] |= 0x20;
	}
	ext[elen] = '\0';
	lo = 0;
	hi = ARRAY_SIZE(mime_table);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(ext, mime_table[mid].ext);
		if (!cmp)
			return mime_table[mid].type;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return HTTP_MIME_DEFAULT;
}
