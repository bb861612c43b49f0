/*
 * httpd: an HTTP/1.1 server on port 80 over lwIP's raw TCP API, serving generated documents.
 *
 * cmdline: doc=BYTES (size of `/` and `/doc`, default 102400), port=P (default 80), plus the
 * network words of denali_net_init (ip= netmask= gw=).
 *
 *   GET /doc?bytes=N   N bytes (0..1 GiB) of the document pattern (see doc_byte below)
 *   GET / or /doc      the same with N = doc=
 *   GET /status        a few lines of counters (text/plain)
 *   anything else      404; HEAD works wherever GET does; other methods 405 (then close)
 *
 * The document is the 64-byte line DOC_LINE repeated: byte i is DOC_LINE[i % 64]. Because
 * it repeats, it is sent by reference from one static buffer (lwIP's no-copy tcp_write):
 * a connection's unacknowledged data costs segment descriptors, not copies.
 *
 * Each connection keeps up to REQ_MAX bytes of unparsed requests; bytes beyond that stay in
 * lwIP with the receive window closed, so a client that pipelines more than that just waits.
 * Requests are answered strictly in order, one response at a time, each written as far as
 * tcp_sndbuf allows and continued from the sent callback (or, when lwIP ran out of segments
 * while nothing of ours was in flight, from the retry list that every ACK drains, or the
 * poll timer).
 */
#include <denali.h>
#include <denali_net.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/stats.h"
#include "lwip/tcp.h"

#define REQ_MAX 2048u
#define OUT_MAX 1024u
#define DOC_MAX (1u << 30)
#define DOC_PERIOD 64u
#define CHUNK_MAX TCP_SND_BUF
#define POLL_INTERVAL 2 /* lwIP poll ticks of 500 ms */

static const char DOC_LINE[DOC_PERIOD + 1] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+\n";
_Static_assert(sizeof DOC_LINE == DOC_PERIOD + 1, "the document line is 64 bytes");

/* DOC_LINE repeated, long enough that any CHUNK_MAX bytes of the document start in its first line. */
static char doc_buf[DOC_PERIOD + CHUNK_MAX];

struct conn {
    struct tcp_pcb *pcb;
    struct pbuf *in;  /* received, not yet moved into req (its window not yet reopened) */
    char req[REQ_MAX];
    uint32_t req_len;
    /* The response being sent: out[] (status line, headers, small body; copied into lwIP),
       then body_len bytes of the document pattern (by reference). */
    int active;
    char out[OUT_MAX];
    uint32_t out_len, out_off;
    uint32_t body_len, body_off;
    int close_after;  /* close once this response is queued */
    int peer_closed;  /* the client sent FIN */
    int stalled;      /* on the retry list */
    struct conn *next_stalled;
};

static struct {
    uint32_t default_doc, requests, open, total, refused, stalls;
    uint64_t body_bytes;
    struct conn *stalled;
} srv;

static err_t pump(struct conn *c);

static void conn_free(struct conn *c)
{
    if (c->stalled) {
        for (struct conn **l = &srv.stalled; *l; l = &(*l)->next_stalled)
            if (*l == c) {
                *l = c->next_stalled;
                break;
            }
    }
    if (c->in)
        pbuf_free(c->in);
    free(c);
    srv.open--;
}

/*
 * Detaches c from its pcb, closes the pcb (a FIN after everything queued) and frees c.
 * Returns ERR_ABRT if the pcb had to be aborted instead (callbacks must then say so to lwIP).
 */
static err_t conn_close(struct conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    err_t result = ERR_OK;
    tcp_arg(pcb, 0);
    tcp_recv(pcb, 0);
    tcp_sent(pcb, 0);
    tcp_err(pcb, 0);
    tcp_poll(pcb, 0, 0);
    /* Input never read would turn the close into a reset that discards the queued response. */
    if (c->in) {
        tcp_recved(pcb, c->in->tot_len);
        pbuf_free(c->in);
        c->in = 0;
    }
    if (tcp_close(pcb) != ERR_OK) {
        tcp_abort(pcb); /* no memory for the FIN: a reset is the only way left */
        result = ERR_ABRT;
    }
    conn_free(c);
    return result;
}

static void stall(struct conn *c)
{
    if (c->stalled)
        return;
    c->stalled = 1;
    c->next_stalled = srv.stalled;
    srv.stalled = c;
    srv.stalls++;
}

/*
 * Gives every connection that ran out of lwIP memory another try (memory may be free now),
 * except `busy`, the connection whose callback is running (its pcb must not go away here).
 */
static void retry_stalled(struct conn *busy)
{
    struct conn *list = srv.stalled, *keep = 0;
    srv.stalled = 0;
    while (list) {
        struct conn *c = list;
        list = c->next_stalled;
        if (c == busy) {
            keep = c;
            continue;
        }
        c->stalled = 0;
        pump(c);
    }
    if (keep) {
        keep->next_stalled = srv.stalled;
        srv.stalled = keep;
    }
}

static int append(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int append(struct conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->out + c->out_len, OUT_MAX - c->out_len, fmt, ap);
    va_end(ap);
    if (n > 0)
        c->out_len += (uint32_t)n < OUT_MAX - c->out_len ? (uint32_t)n : OUT_MAX - 1 - c->out_len;
    return n;
}

/* Starts a response; body is a small text (copied) or, with body == NULL, doc_len document bytes. */
static void respond(struct conn *c, int code, const char *reason, const char *body, uint32_t doc_len, int head_only)
{
    uint32_t len = body ? (uint32_t)strlen(body) : doc_len;
    c->out_len = c->out_off = 0;
    append(c,
           "HTTP/1.1 %d %s\r\nServer: denali-httpd\r\nContent-Type: text/plain\r\nContent-Length: %u\r\n"
           "Connection: %s\r\n\r\n",
           code, reason, len, c->close_after ? "close" : "keep-alive");
    if (body && !head_only)
        append(c, "%s", body);
    c->body_len = body || head_only ? 0 : doc_len;
    c->body_off = 0;
    c->active = 1;
    srv.requests++;
}

static int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch; }

/* Case-insensitive: does [s, s+n) contain the token tok (letters and '-') as a whole word? */
static int has_token(const char *s, uint32_t n, const char *tok)
{
    uint32_t t = (uint32_t)strlen(tok);
    for (uint32_t i = 0; i + t <= n; i++) {
        uint32_t k = 0;
        while (k < t && lower(s[i + k]) == tok[k])
            k++;
        int before = i == 0 || s[i - 1] == ' ' || s[i - 1] == ',' || s[i - 1] == '\t';
        int after = i + t == n || s[i + t] == ' ' || s[i + t] == ',' || s[i + t] == '\t' || s[i + t] == '\r';
        if (k == t && before && after)
            return 1;
    }
    return 0;
}

static int header_is(const char *line, uint32_t n, const char *name)
{
    uint32_t k = (uint32_t)strlen(name);
    if (n <= k || line[k] != ':')
        return 0;
    for (uint32_t i = 0; i < k; i++)
        if (lower(line[i]) != name[i])
            return 0;
    return 1;
}

/* Decimal u32 of exactly [s, s+n); -1 if not a number or above max. */
static int64_t parse_u32(const char *s, uint32_t n, uint32_t max)
{
    if (!n || n > 10)
        return -1;
    uint64_t v = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    return v <= max ? (int64_t)v : -1;
}

static void status_page(struct conn *c, int head_only)
{
    char body[512];
    uint64_t up_ms = denali_now_ns() / 1000000u;
    const struct denali_net_counters *k = denali_net_counters();
    snprintf(body, sizeof body,
             "vm_id %u\nuptime_ms %llu\nrequests %u\nconnections_open %u\nconnections_total %u\n"
             "connections_refused %u\nbody_bytes %llu\nrx_frames %u\ntx_frames %u\nrx_dropped %u\ntx_dropped %u\n",
             DENALI->vm_id, (unsigned long long)up_ms, srv.requests + 1, srv.open, srv.total, srv.refused,
             (unsigned long long)srv.body_bytes, k->rx_frames, k->tx_frames, k->rx_dropped, k->tx_dropped);
    respond(c, 200, "OK", body, 0, head_only);
}

/*
 * Parses one complete request at the front of req, if there is one, and starts its response.
 * Returns 1 if a response was started, 0 if the request is still incomplete.
 */
static int take_request(struct conn *c)
{
    uint32_t end = 0, skip = 0;
    for (uint32_t i = 0; i + 1 < c->req_len; i++) {
        if (c->req[i] == '\n' && c->req[i + 1] == '\n') {
            end = i + 2;
            break;
        }
        if (c->req[i] == '\n' && c->req[i + 1] == '\r' && i + 2 < c->req_len && c->req[i + 2] == '\n') {
            end = i + 3;
            break;
        }
    }
    if (!end) {
        if (c->req_len == REQ_MAX) {
            c->close_after = 1;
            respond(c, 431, "Request Header Fields Too Large", "request too large\n", 0, 0);
            c->req_len = 0;
            return 1;
        }
        return 0;
    }
    skip = end;
    /* Request line: METHOD SP TARGET SP HTTP/1.x */
    const char *r = c->req;
    uint32_t line_end = 0;
    while (r[line_end] != '\n')
        line_end++;
    uint32_t ll = line_end && r[line_end - 1] == '\r' ? line_end - 1 : line_end;
    uint32_t sp1 = 0;
    while (sp1 < ll && r[sp1] != ' ')
        sp1++;
    uint32_t sp2 = sp1 + 1;
    while (sp2 < ll && r[sp2] != ' ')
        sp2++;
    int head_only = sp1 == 4 && !memcmp(r, "HEAD", 4);
    int get = sp1 == 3 && !memcmp(r, "GET", 3);
    int http11 = ll - sp2 == 9 && !memcmp(r + sp2 + 1, "HTTP/1.1", 8);
    int http10 = ll - sp2 == 9 && !memcmp(r + sp2 + 1, "HTTP/1.0", 8);
    const char *target = r + sp1 + 1;
    uint32_t tlen = sp2 > sp1 + 1 && sp2 < ll ? sp2 - sp1 - 1 : 0;

    /* Headers: Connection decides keep-alive; a request body is not supported. */
    int conn_close_hdr = 0, conn_keep_hdr = 0, has_body = 0;
    for (uint32_t pos = line_end + 1; pos < end;) {
        uint32_t e = pos;
        while (e < end && r[e] != '\n')
            e++;
        uint32_t n = e > pos && r[e - 1] == '\r' ? e - 1 - pos : e - pos;
        if (header_is(r + pos, n, "connection")) {
            conn_close_hdr |= has_token(r + pos + 11, n - 11, "close");
            conn_keep_hdr |= has_token(r + pos + 11, n - 11, "keep-alive");
        } else if (header_is(r + pos, n, "transfer-encoding")) {
            has_body = 1;
        } else if (header_is(r + pos, n, "content-length")) {
            const char *v = r + pos + 15;
            uint32_t vn = n - 15;
            while (vn && (*v == ' ' || *v == '\t'))
                v++, vn--;
            while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
                vn--;
            if (parse_u32(v, vn, 0) != 0)
                has_body = 1;
        }
        pos = e + 1;
    }
    c->close_after = conn_close_hdr || (http10 && !conn_keep_hdr) || c->peer_closed;

    /* Remove the request from the buffer before responding (respond may reuse nothing of it). */
    char path[64];
    uint32_t plen = tlen < sizeof path - 1 ? tlen : sizeof path - 1;
    memcpy(path, target, plen);
    path[plen] = 0;
    int too_long = tlen >= sizeof path - 1;
    int bad = !(http11 || http10) || !tlen;
    int method_ok = get || head_only;
    memmove(c->req, c->req + skip, c->req_len - skip);
    c->req_len -= skip;

    if (bad) {
        c->close_after = 1;
        respond(c, 400, "Bad Request", "bad request\n", 0, 0);
    } else if (!method_ok) {
        c->close_after = 1;
        respond(c, 405, "Method Not Allowed", "method not allowed\n", 0, 0);
    } else if (has_body) {
        c->close_after = 1;
        respond(c, 400, "Bad Request", "request bodies are not supported\n", 0, 0);
    } else if (!too_long && (!strcmp(path, "/") || !strcmp(path, "/doc"))) {
        respond(c, 200, "OK", 0, srv.default_doc, head_only);
    } else if (!too_long && !strncmp(path, "/doc?bytes=", 11)) {
        int64_t n = parse_u32(path + 11, plen - 11, DOC_MAX);
        if (n < 0)
            respond(c, 400, "Bad Request", "bytes must be a decimal number from 0 to 1073741824\n", 0, head_only);
        else
            respond(c, 200, "OK", 0, (uint32_t)n, head_only);
    } else if (!too_long && !strcmp(path, "/status")) {
        status_page(c, head_only);
    } else {
        respond(c, 404, "Not Found", "not found\n", 0, head_only);
    }
    return 1;
}

/* Moves received bytes into req as far as it has room, reopening the window for them. */
static void feed(struct conn *c)
{
    while (c->in && c->req_len < REQ_MAX) {
        uint16_t n = c->in->tot_len;
        if (n > REQ_MAX - c->req_len)
            n = (uint16_t)(REQ_MAX - c->req_len);
        pbuf_copy_partial(c->in, c->req + c->req_len, n, 0);
        c->req_len += n;
        c->in = pbuf_free_header(c->in, n);
        tcp_recved(c->pcb, n);
    }
}

/*
 * Queues as much of the current response as lwIP takes; starts the next one when it is done.
 * May close or abort the connection (c is then freed); returns ERR_ABRT if it aborted the pcb.
 */
static err_t pump(struct conn *c)
{
    for (;;) {
        if (!c->active) {
            feed(c);
            if (take_request(c))
                continue;
            if (c->peer_closed)
                return conn_close(c); /* the client is gone and nothing is left to answer */
            break;
        }
        uint32_t room = tcp_sndbuf(c->pcb);
        if (!room)
            break;
        err_t err;
        if (c->out_off < c->out_len) {
            uint32_t n = c->out_len - c->out_off < room ? c->out_len - c->out_off : room;
            uint8_t more = c->out_off + n < c->out_len || c->body_len ? TCP_WRITE_FLAG_MORE : 0;
            err = tcp_write(c->pcb, c->out + c->out_off, (u16_t)n, TCP_WRITE_FLAG_COPY | more);
            if (err == ERR_OK)
                c->out_off += n;
        } else if (c->body_off < c->body_len) {
            uint32_t n = c->body_len - c->body_off;
            if (n > room)
                n = room;
            if (n > CHUNK_MAX)
                n = CHUNK_MAX;
            uint8_t more = c->body_off + n < c->body_len ? TCP_WRITE_FLAG_MORE : 0;
            err = tcp_write(c->pcb, doc_buf + c->body_off % DOC_PERIOD, (u16_t)n, more);
            if (err == ERR_OK) {
                c->body_off += n;
                srv.body_bytes += n;
            }
        } else {
            c->active = 0;
            if (c->close_after) {
                tcp_output(c->pcb);
                return conn_close(c);
            }
            continue;
        }
        if (err == ERR_MEM) {
            /* Out of segments or heap. With data of ours in flight its ACK will call us again;
               without, another connection's ACK (which frees memory) or the poll timer will. */
            if (!tcp_sndqueuelen(c->pcb))
                stall(c);
            break;
        }
        if (err != ERR_OK) {
            tcp_abort(c->pcb);
            conn_free(c);
            return ERR_ABRT;
        }
    }
    tcp_output(c->pcb);
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct conn *c = arg;
    (void)pcb;
    if (err != ERR_OK) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (!p) {
        c->peer_closed = 1;
        return c->active ? ERR_OK : pump(c); /* answers what is complete, then closes */
    }
    if (c->in)
        pbuf_cat(c->in, p);
    else
        c->in = p;
    if (c->active) {
        feed(c);
        return ERR_OK;
    }
    return pump(c);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb, (void)len;
    struct conn *c = arg;
    err_t r = pump(c);
    retry_stalled(r == ERR_OK ? c : 0); /* this ACK freed segments */
    return r;
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    (void)pcb;
    return pump(arg);
}

/* The pcb is already gone (reset, or too many retransmissions). */
static void on_err(void *arg, err_t err)
{
    (void)err;
    struct conn *c = arg;
    if (c)
        conn_free(c);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct conn *c = calloc(1, sizeof *c);
    if (!c) {
        srv.refused++;
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    c->pcb = pcb;
    srv.open++;
    srv.total++;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_poll(pcb, on_poll, POLL_INTERVAL);
    tcp_nagle_disable(pcb);
    return ERR_OK;
}

int main(const char *cmdline)
{
    srv.default_doc = denali_arg_u32(cmdline, "doc", 102400);
    uint32_t port = denali_arg_u32(cmdline, "port", 80);
    if (srv.default_doc > DOC_MAX || !port || port > 65535) {
        printf("httpd: bad arguments (doc=0..%u port=1..65535)\n", DOC_MAX);
        return 2;
    }
    for (uint32_t i = 0; i < sizeof doc_buf; i++)
        doc_buf[i] = DOC_LINE[i % DOC_PERIOD];
    if (denali_net_init(cmdline))
        return 2;
    struct tcp_pcb *pcb = tcp_new();
    if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, (u16_t)port) != ERR_OK || !(pcb = tcp_listen(pcb))) {
        printf("httpd: cannot listen on port %u\n", port);
        return 1;
    }
    tcp_accept(pcb, on_accept);
    printf("httpd: listening on port %u, doc %u bytes, up to %u connections\n", port, srv.default_doc,
           (unsigned)MEMP_NUM_TCP_PCB);
    denali_net_run();
}
