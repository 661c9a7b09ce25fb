/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pcap_cmp: are two captures the same frames, in the same order? Compares
 * link type, each frame's captured bytes and wire length; timestamps are
 * ignored. Exit status: 0 identical, 1 different, 2 usage or read error.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

enum {
	EXIT_DIFFERENT = 1,
	EXIT_USAGE = 2,
};

struct first_diff {
	size_t frame; /* 1-based, 0 = none yet */
	size_t offset;
	char what[160];
};

static void usage(FILE *to)
{
	fputs("usage: pcap_cmp A.pcap B.pcap\n"
	      "\n"
	      "Compares the frames of two captures in order: link type, captured bytes and\n"
	      "wire length of each frame (timestamps ignored). Prints nothing but the frame\n"
	      "counts when they are identical; otherwise the first differing frame, the byte\n"
	      "offset, and how many frames differ.\n"
	      "Exit status: 0 identical, 1 different, 2 usage or read error.\n",
	      to);
}

static pcap_t *open_capture(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);

	if (!p)
		/* libpcap names the file in some errors only */
		fprintf(stderr, "pcap_cmp: %s%s%s\n", strncmp(err, path, strlen(path)) ? path : "",
			strncmp(err, path, strlen(path)) ? ": " : "", err);
	return p;
}

/* 1 a frame, 0 end of file, -1 error (reported). */
static int next_frame(pcap_t *p, const char *path, struct pcap_pkthdr **h, const u_char **data)
{
	int rc = pcap_next_ex(p, h, data);

	if (rc == 1)
		return 1;
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	fprintf(stderr, "pcap_cmp: %s: %s\n", path, pcap_geterr(p));
	return -1;
}

/* 1 when the frames differ, with the first difference described once. */
static int frames_differ(const struct pcap_pkthdr *ha, const u_char *a,
			 const struct pcap_pkthdr *hb, const u_char *b, size_t frame,
			 struct first_diff *fd)
{
	size_t n = ha->caplen < hb->caplen ? ha->caplen : hb->caplen;
	size_t off = 0;

	while (off < n && a[off] == b[off])
		off++;
	if (off == n && ha->caplen == hb->caplen && ha->len == hb->len)
		return 0;
	if (fd->frame)
		return 1;
	fd->frame = frame;
	fd->offset = off;
	if (off < n)
		snprintf(fd->what, sizeof(fd->what), "byte 0x%02x in A, 0x%02x in B", a[off],
			 b[off]);
	else if (ha->caplen != hb->caplen)
		snprintf(fd->what, sizeof(fd->what), "frame length %u in A, %u in B", ha->caplen,
			 hb->caplen);
	else
		snprintf(fd->what, sizeof(fd->what), "wire length %u in A, %u in B", ha->len,
			 hb->len);
	return 1;
}

int main(int argc, char **argv)
{
	struct first_diff fd = {0};
	size_t frames_a = 0, frames_b = 0, differing = 0;
	pcap_t *pa, *pb;
	int more_a = 1, more_b = 1, ret = EXIT_USAGE;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc != 3) {
		usage(stderr);
		return EXIT_USAGE;
	}
	pa = open_capture(argv[1]);
	pb = pa ? open_capture(argv[2]) : NULL;
	if (!pa || !pb)
		goto out;
	if (pcap_datalink(pa) != pcap_datalink(pb)) {
		printf("pcap_cmp: link types differ: %s in A, %s in B\n",
		       pcap_datalink_val_to_name(pcap_datalink(pa)),
		       pcap_datalink_val_to_name(pcap_datalink(pb)));
		ret = EXIT_DIFFERENT;
		goto out;
	}
	while (more_a || more_b) {
		struct pcap_pkthdr *ha = NULL, *hb = NULL;
		const u_char *a = NULL, *b = NULL;

		if (more_a && (more_a = next_frame(pa, argv[1], &ha, &a)) < 0)
			goto out;
		if (more_b && (more_b = next_frame(pb, argv[2], &hb, &b)) < 0)
			goto out;
		frames_a += more_a;
		frames_b += more_b;
		if (more_a && more_b && frames_differ(ha, a, hb, b, frames_a, &fd))
			differing++;
	}
	if (!fd.frame && frames_a != frames_b) {
		fd.frame = (frames_a < frames_b ? frames_a : frames_b) + 1;
		snprintf(fd.what, sizeof(fd.what), "present only in %s",
			 frames_a > frames_b ? "A" : "B");
	}
	if (!fd.frame) {
		printf("pcap_cmp: identical: %zu frames\n", frames_a);
		ret = 0;
		goto out;
	}
	printf("pcap_cmp: first difference: frame %zu, offset %zu: %s\n", fd.frame, fd.offset,
	       fd.what);
	printf("pcap_cmp: frames: %zu in A, %zu in B; %zu of the %zu common frames differ\n",
	       frames_a, frames_b, differing, frames_a < frames_b ? frames_a : frames_b);
	ret = EXIT_DIFFERENT;
out:
	if (pa)
		pcap_close(pa);
	if (pb)
		pcap_close(pb);
	return ret;
}
