package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The dial guard keeps the crawler from being turned against the network it runs
// in (SSRF): a source, a redirect or a DNS answer pointing at 127.0.0.1, 10.0.0.0/8
// or 169.254.169.254 is refused when the connection is made, after name resolution,
// on every connection (redirects included), not by looking at URLs.

// blockedRange is a range of addresses the crawler does not connect to, and why.
type blockedRange struct {
	prefix netip.Prefix
	reason string
}

// Reasons given by Classify.
const (
	reasonLoopback      = "loopback address"
	reasonPrivate       = "private address"
	reasonLinkLocal     = "link-local address"
	reasonMetadata      = "cloud metadata address"
	reasonMulticast     = "multicast address"
	reasonUnspecified   = "unspecified address"
	reasonSharedCGNAT   = "shared address space (carrier-grade NAT)"
	reasonBenchmarking  = "benchmarking address"
	reasonDocumentation = "documentation address"
	reasonReserved      = "reserved address"
	reasonBroadcast     = "broadcast address"
	reasonInvalid       = "invalid address"
)

// metadataAddrs are the instance metadata services of cloud providers. Most lie in
// ranges refused anyway; they are named so the error says what was at stake.
var metadataAddrs = map[netip.Addr]bool{
	netip.MustParseAddr("169.254.169.254"): true, // AWS, GCP, Azure, OpenStack, DigitalOcean…
	netip.MustParseAddr("169.254.170.2"):   true, // AWS ECS task metadata
	netip.MustParseAddr("fd00:ec2::254"):   true, // AWS over IPv6
	netip.MustParseAddr("100.100.100.200"): true, // Alibaba Cloud
	netip.MustParseAddr("168.63.129.16"):   true, // Azure WireServer (a public address)
	netip.MustParseAddr("192.0.0.192"):     true, // Oracle Cloud
}

// blockedRanges are refused whatever the address inside them; the first match names
// the reason. IPv4-mapped and IPv4-embedding IPv6 addresses are checked by the IPv4
// address inside them (see Classify).
var blockedRanges = func() []blockedRange {
	var out []blockedRange
	add := func(reason string, prefixes ...string) {
		for _, p := range prefixes {
			out = append(out, blockedRange{netip.MustParsePrefix(p), reason})
		}
	}
	// IPv4 (RFC 6890 and the IANA special-purpose registry).
	add(reasonUnspecified, "0.0.0.0/32")
	add(reasonReserved, "0.0.0.0/8") // "this network"
	add(reasonLoopback, "127.0.0.0/8")
	add(reasonPrivate, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
	add(reasonLinkLocal, "169.254.0.0/16")
	add(reasonSharedCGNAT, "100.64.0.0/10")
	add(reasonBenchmarking, "198.18.0.0/15")
	add(reasonDocumentation, "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
	add(reasonReserved, "192.0.0.0/24", "192.88.99.0/24") // IETF protocol assignments, 6to4 relay anycast
	add(reasonMulticast, "224.0.0.0/4")
	add(reasonBroadcast, "255.255.255.255/32")
	add(reasonReserved, "240.0.0.0/4")
	// IPv6.
	add(reasonUnspecified, "::/128")
	add(reasonLoopback, "::1/128")
	add(reasonReserved, "::/96") // IPv4-compatible (deprecated)
	add(reasonPrivate, "fc00::/7", "fec0::/10")
	add(reasonLinkLocal, "fe80::/10")
	add(reasonMulticast, "ff00::/8")
	add(reasonDocumentation, "2001:db8::/32", "3fff::/20")
	add(reasonBenchmarking, "2001:2::/48")
	add(reasonReserved, "100::/64", "2001:10::/28", "2001:20::/28") // discard-only, ORCHID
	return out
}()

// ipv4Embedding are IPv6 ranges that carry an IPv4 address a gateway may connect to
// (NAT64, 6to4): the address inside is classified as well.
var ipv4Embedding = []struct {
	prefix netip.Prefix
	at     int // byte offset of the IPv4 address
}{
	{netip.MustParsePrefix("64:ff9b::/96"), 12},   // NAT64 (RFC 6052)
	{netip.MustParsePrefix("64:ff9b:1::/48"), 12}, // local-use NAT64 (RFC 8215)
	{netip.MustParsePrefix("2002::/16"), 2},       // 6to4 (RFC 3056)
}

// Classify tells whether the crawler may connect to ip by default, and if not why:
// loopback, private (RFC 1918, fc00::/7), link-local, multicast, unspecified,
// carrier-grade NAT (100.64.0.0/10), benchmarking, documentation and other reserved
// ranges, broadcast, cloud metadata services (169.254.169.254, fd00:ec2::254,
// 100.100.100.200…), and IPv6 addresses that wrap any of these (::ffff:10.0.0.1,
// NAT64, 6to4). reason is "" when allowed. It only looks at the value; it never
// connects or resolves anything.
func Classify(ip netip.Addr) (allowed bool, reason string) {
	if !ip.IsValid() {
		return false, reasonInvalid
	}
	ip = ip.WithZone("") // a zoned address matches no prefix
	if ip.Is4In6() {
		if ok, why := Classify(ip.Unmap()); !ok {
			return false, why + " (IPv4-mapped)"
		}
		return true, ""
	}
	if metadataAddrs[ip] {
		return false, reasonMetadata
	}
	for _, b := range blockedRanges {
		if b.prefix.Contains(ip) {
			return false, b.reason
		}
	}
	if ip.Is6() {
		for _, e := range ipv4Embedding {
			if e.prefix.Contains(ip) {
				b := ip.As16()
				inner := netip.AddrFrom4([4]byte(b[e.at : e.at+4]))
				if ok, why := Classify(inner); !ok {
					return false, fmt.Sprintf("%s (%v inside %v)", why, inner, e.prefix)
				}
			}
		}
	}
	return true, ""
}

// AllowList names the hosts and addresses the crawler may connect to although
// Classify refuses them: the operator's exceptions (the --allow-hosts flag), such as
// a partner on a private network or the demo site on 127.0.0.1. The zero value and
// nil allow nothing.
type AllowList struct {
	entries  []string // as given, normalized, for String
	prefixes []allowedPrefix
	names    []allowedName
}

// allowedPrefix is an allowed address range, on one port or (port 0) any.
type allowedPrefix struct {
	prefix netip.Prefix
	port   uint16
}

// allowedName is an allowed host name (lower case, no trailing dot), on one port or
// (port 0) any.
type allowedName struct {
	name string
	port uint16
}

// ParseAllowList parses a list of hosts separated by commas or spaces. An entry is
// an IP address ("127.0.0.1", "::1", "[::1]"), a CIDR range ("127.0.0.0/8",
// "fd12:3456::/48"), or a host name ("localhost", "partner.example.org"), each
// optionally with a port ("partner.example.org:8443", "[::1]:8080") that limits it
// to that port. A host name is matched as the URL names it, before resolution:
// whatever addresses it resolves to are allowed. The empty string gives an empty list.
func ParseAllowList(s string) (*AllowList, error) {
	return NewAllowList(strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n'
	}))
}

// NewAllowList is ParseAllowList of entries already split.
func NewAllowList(entries []string) (*AllowList, error) {
	a := &AllowList{}
	var errs []error
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if err := a.add(e); err != nil {
			errs = append(errs, fmt.Errorf("allow-hosts entry %q: %w", e, err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return a, nil
}

func (a *AllowList) add(entry string) error {
	host, port, err := splitAllowEntry(entry)
	if err != nil {
		return err
	}
	suffix := ""
	if port != 0 {
		suffix = ":" + strconv.Itoa(int(port))
	}
	if p, err := netip.ParsePrefix(host); err == nil {
		p = p.Masked()
		a.prefixes = append(a.prefixes, allowedPrefix{p, port})
		a.entries = append(a.entries, bracket(p.String(), port)+suffix)
		return nil
	}
	if strings.Contains(host, "/") {
		return errors.New("not a CIDR range")
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Zone() != "" {
			return errors.New("an address with a zone")
		}
		ip = ip.Unmap()
		a.prefixes = append(a.prefixes, allowedPrefix{netip.PrefixFrom(ip, ip.BitLen()), port})
		a.entries = append(a.entries, bracket(ip.String(), port)+suffix)
		return nil
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if !validHostName(name) {
		return errors.New("not an IP address, CIDR range or host name")
	}
	a.names = append(a.names, allowedName{name, port})
	a.entries = append(a.entries, name+suffix)
	return nil
}

// splitAllowEntry splits "host", "host:port", "[v6]", "[v6]:port", "v6" and
// "cidr" entries into host and port (0 for none).
func splitAllowEntry(entry string) (host string, port uint16, err error) {
	if strings.HasPrefix(entry, "[") {
		end := strings.Index(entry, "]")
		if end < 0 {
			return "", 0, errors.New("missing ]")
		}
		host, rest := entry[1:end], entry[end+1:]
		if rest == "" {
			return host, 0, nil
		}
		p, ok := strings.CutPrefix(rest, ":")
		if !ok {
			return "", 0, errors.New("unexpected text after ]")
		}
		port, err := parsePort(p)
		return host, port, err
	}
	if strings.Count(entry, ":") != 1 { // a name, an IPv4 address, or a bare IPv6 address or range
		return entry, 0, nil
	}
	h, p, _ := strings.Cut(entry, ":")
	port, err = parsePort(p)
	return h, port, err
}

func parsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("bad port %q", s)
	}
	return uint16(n), nil
}

// bracket puts an IPv6 address in brackets when a port follows.
func bracket(host string, port uint16) string {
	if port != 0 && strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

// validHostName reports whether s is a plausible DNS name: labels of letters,
// digits, hyphens and underscores.
func validHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// String returns the entries, normalized, separated by commas.
func (a *AllowList) String() string {
	if a == nil {
		return ""
	}
	return strings.Join(a.entries, ",")
}

// Len is the number of entries.
func (a *AllowList) Len() int {
	if a == nil {
		return 0
	}
	return len(a.entries)
}

// AllowsAddr reports whether the list allows connecting to addr.
func (a *AllowList) AllowsAddr(addr netip.AddrPort) bool {
	if a == nil {
		return false
	}
	ip := addr.Addr().WithZone("").Unmap()
	for _, p := range a.prefixes {
		if p.prefix.Contains(ip) && (p.port == 0 || p.port == addr.Port()) {
			return true
		}
	}
	return false
}

// AllowsHost reports whether the list names host (a host name as a URL gives it, or
// an address) on port; port 0 matches only entries without a port.
func (a *AllowList) AllowsHost(host string, port uint16) bool {
	if a == nil {
		return false
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		return a.AllowsAddr(netip.AddrPortFrom(ip, port))
	}
	return slices.ContainsFunc(a.names, func(n allowedName) bool {
		return n.name == host && (n.port == 0 || n.port == port)
	})
}

// RefusedError is the error of a connection the dial guard refused.
type RefusedError struct {
	Addr   string // the address dialed, "ip:port"
	Reason string // why, as Classify says
}

// Error says which address was refused and why:
// "refused to connect to 127.0.0.2:8080: loopback address (not in --allow-hosts)".
func (e *RefusedError) Error() string {
	return fmt.Sprintf("refused to connect to %s: %s (not in --allow-hosts)", e.Addr, e.Reason)
}

// dialGuard dials only addresses Classify or the allow list allow.
type dialGuard struct {
	allow   *AllowList
	guarded *net.Dialer // checks every address it connects to
	open    *net.Dialer // for host names on the allow list
}

func newDialGuard(allow *AllowList) *dialGuard {
	g := &dialGuard{allow: allow}
	g.guarded = &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, Control: g.control}
	g.open = &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}
	return g
}

// DialContext dials addr ("host:port"). A host name on the allow list is dialed
// whatever it resolves to; any other connection is checked by control.
func (g *dialGuard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, p, err := net.SplitHostPort(addr); err == nil {
		if port, err := strconv.ParseUint(p, 10, 16); err == nil {
			if _, err := netip.ParseAddr(host); err != nil && g.allow.AllowsHost(host, uint16(port)) {
				return g.open.DialContext(ctx, network, addr)
			}
		}
	}
	return g.guarded.DialContext(ctx, network, addr)
}

// control runs before each connect(2), once names are resolved: address is the
// "ip:port" actually connected to.
func (g *dialGuard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &RefusedError{Addr: address, Reason: reasonInvalid}
	}
	if g.allow.AllowsAddr(ap) {
		return nil
	}
	if ok, why := Classify(ap.Addr()); !ok {
		return &RefusedError{Addr: address, Reason: why}
	}
	return nil
}

// Timeouts of the crawler's own transport.
const (
	dialTimeout           = 10 * time.Second
	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 30 * time.Second
	idleConnTimeout       = 90 * time.Second
	maxResponseHeaderSize = 256 << 10
)

// newGuardedTransport returns the crawler's default transport: net/http's default
// settings, with the dial guard, one connection per host, bounded headers and
// timeouts at every step, and no proxy from the environment (a proxy would connect
// on the crawler's behalf, past the guard).
func newGuardedTransport(allow *AllowList) *http.Transport {
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            newDialGuard(allow).DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    1,
		MaxConnsPerHost:        1,
		IdleConnTimeout:        idleConnTimeout,
		TLSHandshakeTimeout:    tlsHandshakeTimeout,
		ResponseHeaderTimeout:  responseHeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxResponseHeaderSize,
	}
}

// NewGuardedClient returns an HTTP client behind the crawler's dial guard (only
// public addresses, and those allow lets through), with timeout for a whole request
// and no redirects followed: for Ensemble's other outbound requests, such as webhooks.
func NewGuardedClient(allow *AllowList, timeout time.Duration) *http.Client {
	return &http.Client{
		Transport:     newGuardedTransport(allow),
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
