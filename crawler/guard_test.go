package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ensemble-be/ensemble/record"
	"github.com/ensemble-be/ensemble/sources"
)

// Address classification is tested on values only: nothing here dials an address
// outside 127.0.0.0/8 and ::1, even if the guard were broken.
func TestClassify(t *testing.T) {
	tests := []struct {
		ip         string
		wantOK     bool
		wantReason string // substring
	}{
		{"10.0.0.1", false, "private"},
		{"10.255.255.255", false, "private"},
		{"172.16.0.1", false, "private"},
		{"172.31.255.254", false, "private"},
		{"192.168.1.1", false, "private"},
		{"169.254.169.254", false, "cloud metadata"},
		{"169.254.170.2", false, "cloud metadata"},
		{"169.254.1.1", false, "link-local"},
		{"100.64.0.1", false, "carrier-grade NAT"},
		{"100.100.100.200", false, "cloud metadata"},
		{"168.63.129.16", false, "cloud metadata"},
		{"127.0.0.1", false, "loopback"},
		{"127.0.0.2", false, "loopback"},
		{"127.255.255.254", false, "loopback"},
		{"0.0.0.0", false, "unspecified"},
		{"0.1.2.3", false, "reserved"},
		{"224.0.0.1", false, "multicast"},
		{"239.255.255.250", false, "multicast"},
		{"255.255.255.255", false, "broadcast"},
		{"240.0.0.1", false, "reserved"},
		{"198.18.0.1", false, "benchmarking"},
		{"198.19.255.1", false, "benchmarking"},
		{"192.0.2.1", false, "documentation"},
		{"198.51.100.7", false, "documentation"},
		{"203.0.113.9", false, "documentation"},
		{"192.0.0.8", false, "reserved"},
		{"::1", false, "loopback"},
		{"::", false, "unspecified"},
		{"fd00::1", false, "private"},
		{"fc00::1", false, "private"},
		{"fd00:ec2::254", false, "cloud metadata"},
		{"fe80::1", false, "link-local"},
		{"fe80::1%eth0", false, "link-local"},
		{"ff02::1", false, "multicast"},
		{"2001:db8::1", false, "documentation"},
		{"::ffff:10.0.0.1", false, "private address (IPv4-mapped)"},
		{"::ffff:127.0.0.1", false, "loopback address (IPv4-mapped)"},
		{"::ffff:169.254.169.254", false, "cloud metadata address (IPv4-mapped)"},
		{"::127.0.0.1", false, "reserved"},       // IPv4-compatible
		{"64:ff9b::a00:1", false, "private"},     // NAT64 of 10.0.0.1
		{"64:ff9b::7f00:1", false, "loopback"},   // NAT64 of 127.0.0.1
		{"2002:a9fe:a9fe::1", false, "metadata"}, // 6to4 of 169.254.169.254
		// Public addresses: allowed as values (never dialed).
		{"8.8.8.8", true, ""},
		{"1.1.1.1", true, ""},
		{"172.32.0.1", true, ""},
		{"100.128.0.1", true, ""},
		{"193.191.245.1", true, ""},
		{"2001:4860:4860::8888", true, ""},
		{"2a02:2788::1", true, ""},
		{"::ffff:8.8.8.8", true, ""},
		{"64:ff9b::808:808", true, ""}, // NAT64 of 8.8.8.8
	}
	for _, tt := range tests {
		ip, err := netip.ParseAddr(tt.ip)
		if err != nil {
			t.Fatalf("ParseAddr(%q): %v", tt.ip, err)
		}
		ok, reason := Classify(ip)
		if ok != tt.wantOK || !strings.Contains(reason, tt.wantReason) || (ok && reason != "") {
			t.Errorf("Classify(%s) = %v, %q; want %v, %q", tt.ip, ok, reason, tt.wantOK, tt.wantReason)
		}
	}
	if ok, reason := Classify(netip.Addr{}); ok || reason != "invalid address" {
		t.Errorf("Classify(zero Addr) = %v, %q; want false, invalid address", ok, reason)
	}
}

func TestParseAllowList(t *testing.T) {
	tests := []struct {
		in         string
		wantString string
		wantErr    string
	}{
		{"", "", ""},
		{"127.0.0.1", "127.0.0.1", ""},
		{"127.0.0.1, localhost", "127.0.0.1,localhost", ""},
		{"127.0.0.0/8 [::1]", "127.0.0.0/8,::1", ""},
		{"::1", "::1", ""},
		{"10.1.2.3/8", "10.0.0.0/8", ""},
		{"fd12:3456::/48", "fd12:3456::/48", ""},
		{"Partner.Example.org.:8443", "partner.example.org:8443", ""},
		{"[::1]:8080,127.0.0.1:80", "[::1]:8080,127.0.0.1:80", ""},
		{"::ffff:127.0.0.1", "127.0.0.1", ""},
		{"127.0.0.1:0", "", `allow-hosts entry "127.0.0.1:0": bad port "0"`},
		{"host:http", "", `bad port "http"`},
		{"[::1", "", "missing ]"},
		{"[::1]x", "", "unexpected text after ]"},
		{"*.example.org", "", "not an IP address, CIDR range or host name"},
		{"http://example.org/", "", "bad port"},
		{"10.0.0.0/33", "", "not a CIDR range"},
		{"fe80::1%eth0", "", "zone"},
		{"ok.example, -bad-.example", "", `entry "-bad-.example"`},
	}
	for _, tt := range tests {
		a, err := ParseAllowList(tt.in)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseAllowList(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseAllowList(%q) error = %v, want none", tt.in, err)
		case tt.wantErr == "" && a.String() != tt.wantString:
			t.Errorf("ParseAllowList(%q) = %q, want %q", tt.in, a.String(), tt.wantString)
		}
	}
}

func TestAllowListAllows(t *testing.T) {
	a := mustAllowList("127.0.0.1, 10.0.0.0/8, [::1]:8080, partner.example.org:8443, localhost")
	addrs := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:80", true},
		{"127.0.0.2:80", false},
		{"10.20.30.40:443", true},
		{"[::ffff:10.0.0.1]:443", true},
		{"[::1]:8080", true},
		{"[::1]:8081", false},
		{"192.168.0.1:80", false},
	}
	for _, tt := range addrs {
		if got := a.AllowsAddr(netip.MustParseAddrPort(tt.addr)); got != tt.want {
			t.Errorf("AllowsAddr(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
	hosts := []struct {
		host string
		port uint16
		want bool
	}{
		{"partner.example.org", 8443, true},
		{"PARTNER.example.org.", 8443, true},
		{"partner.example.org", 443, false},
		{"other.example.org", 8443, false},
		{"localhost", 12345, true},
		{"127.0.0.1", 1, true},
		{"[::1]", 8080, true},
	}
	for _, tt := range hosts {
		if got := a.AllowsHost(tt.host, tt.port); got != tt.want {
			t.Errorf("AllowsHost(%s, %d) = %v, want %v", tt.host, tt.port, got, tt.want)
		}
	}
	var none *AllowList
	if none.AllowsAddr(netip.MustParseAddrPort("127.0.0.1:80")) || none.AllowsHost("localhost", 80) || none.Len() != 0 {
		t.Error("a nil AllowList allows something")
	}
}

// The guard's check, on address values as the dialer hands them after resolution.
func TestDialGuardControl(t *testing.T) {
	g := newDialGuard(mustAllowList("127.0.0.1, 10.1.0.0/16"))
	tests := []struct {
		addr    string
		wantErr string // "" when allowed
	}{
		{"127.0.0.1:8080", ""},
		{"10.1.2.3:80", ""},
		{"93.184.215.14:443", ""},
		{"[2001:4860:4860::8888]:443", ""},
		{"127.0.0.2:8080", "refused to connect to 127.0.0.2:8080: loopback address (not in --allow-hosts)"},
		{"10.2.0.1:80", "refused to connect to 10.2.0.1:80: private address (not in --allow-hosts)"},
		{"169.254.169.254:80", "cloud metadata address"},
		{"[fd00:ec2::254]:80", "cloud metadata address"},
		{"[::1]:80", "loopback address"},
		{"[fe80::1%eth0]:80", "link-local address"},
		{"[::ffff:192.168.1.1]:80", "private address (IPv4-mapped)"},
		{"not-an-address:80", "invalid address"},
	}
	for _, tt := range tests {
		err := g.control("tcp", tt.addr, nil)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("control(%s) = %v, want nil", tt.addr, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("control(%s) = %v, want an error containing %q", tt.addr, err, tt.wantErr)
		}
		var refused *RefusedError
		if err != nil && !errors.As(err, &refused) {
			t.Errorf("control(%s) = %T, want a *RefusedError", tt.addr, err)
		}
	}
}

// countingServer is an HTTP server on addr (a loopback address) that counts the TCP
// connections it accepts.
type countingServer struct {
	*httptest.Server
	conns atomic.Int32
}

func newCountingServer(t *testing.T, network, addr string, h http.Handler) *countingServer {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	s := &countingServer{}
	s.Server = httptest.NewUnstartedServer(h)
	s.Server.Listener.Close()
	s.Server.Listener = ln
	s.Server.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func listPage(title string) []byte {
	return fmt.Appendf(nil, `<ul><li class="groupe"><h2 class="titre">%s</h2><p class="lieu">1000 Bruxelles</p></li></ul>`, title)
}

// okHandler answers a one-listing page, 404 for robots.txt, and a redirect to the
// URL in "to" at /go.
func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if to := r.URL.Query().Get("to"); r.URL.Path == "/go" && to != "" {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(listPage("Groupe de parole"))
	})
}

// simpleDef is a one-page html source at url.
func simpleDef(id, url string) sources.Definition {
	def := agendaDef("")
	def.ID, def.URL = id, url
	def.HTML.Link, def.HTML.Next, def.HTML.Detail = "", "", nil
	return def
}

func TestGuardEndToEnd(t *testing.T) {
	allowed := newCountingServer(t, "tcp", "127.0.0.1:0", okHandler())
	other := newCountingServer(t, "tcp", "127.0.0.2:0", okHandler()) // Linux: all of 127/8 is local
	tests := []struct {
		name      string
		allow     string
		url       string
		wantErr   string // "" for an ok run
		wantConns *countingServer
	}{
		{"allowed address", "127.0.0.1", allowed.URL + "/", "", allowed},
		{"allowed range", "127.0.0.0/8", other.URL + "/", "", other},
		{"address not allowed", "127.0.0.1", other.URL + "/",
			"GET " + other.URL + "/: refused to connect to " + other.Listener.Addr().String() + ": loopback address (not in --allow-hosts)", nil},
		{"no allow list", "", allowed.URL + "/", "loopback address (not in --allow-hosts)", nil},
		{"other port not allowed", "127.0.0.1:1", allowed.URL + "/", "refused to connect", nil},
		{"redirect to an address not allowed", "127.0.0.1", allowed.URL + "/go?to=" + other.URL + "/",
			"redirected to " + other.URL + "/: refused to connect to " + other.Listener.Addr().String() + ": loopback address", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := other.conns.Load()
			opts := testOptions()
			opts.AllowHosts = mustAllowList(tt.allow)
			got := New(nil, opts).Fetch(context.Background(), simpleDef("guard", tt.url))
			if tt.wantErr == "" {
				if got.Run.Status != record.RunOK || len(got.Records) != 1 {
					t.Errorf("Fetch(%s): status %q, %d records, error %q; want ok, 1", tt.name, got.Run.Status, len(got.Records), got.Run.Error)
				}
				return
			}
			if got.Run.Status != record.RunFailed || !strings.Contains(got.Run.Error, tt.wantErr) {
				t.Errorf("Fetch(%s): status %q, error %q; want failed, %q", tt.name, got.Run.Status, got.Run.Error, tt.wantErr)
			}
			if len(got.Records) != 0 {
				t.Errorf("Fetch(%s): %d records, want none", tt.name, len(got.Records))
			}
			if n := other.conns.Load() - before; n != 0 {
				t.Errorf("Fetch(%s): 127.0.0.2 accepted %d connections, want none (refused before connecting)", tt.name, n)
			}
		})
	}
}

func TestGuardIPv6Loopback(t *testing.T) {
	s := newCountingServer(t, "tcp6", "[::1]:0", okHandler())
	for _, tt := range []struct {
		allow  string
		wantOK bool
	}{{"127.0.0.1", false}, {"::1", true}} {
		opts := testOptions()
		opts.AllowHosts = mustAllowList(tt.allow)
		got := New(nil, opts).Fetch(context.Background(), simpleDef("guard6", s.URL+"/"))
		if ok := got.Run.Status == record.RunOK; ok != tt.wantOK {
			t.Errorf("Fetch(%s) allowing %s: status %q, error %q; want ok %v", s.URL, tt.allow, got.Run.Status, got.Run.Error, tt.wantOK)
		}
		if !tt.wantOK && !strings.Contains(got.Run.Error, "refused to connect to [::1]:") {
			t.Errorf("Fetch(%s) allowing %s: error %q, want refused to connect to [::1]", s.URL, tt.allow, got.Run.Error)
		}
	}
	if n := s.conns.Load(); n != 1 {
		t.Errorf("[::1] server accepted %d connections, want 1 (the allowed fetch)", n)
	}
}

// A host name is checked after resolution, unless the allow list names it. The
// resolver here never asks a DNS server: "localhost" comes from /etc/hosts or fails.
func TestGuardHostNames(t *testing.T) {
	s := newCountingServer(t, "tcp", "127.0.0.1:0", okHandler())
	_, port, _ := net.SplitHostPort(s.Listener.Addr().String())
	noDNS := &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("no DNS in tests")
	}}
	tests := []struct {
		allow   string
		wantErr string
	}{
		{"localhost", ""},
		{"localhost:" + port, ""},
		{"127.0.0.1", ""},                      // the address it resolves to
		{"127.0.0.2", "refused to connect to"}, // the DNS answer is checked
		{"localhost:1", "refused to connect to"},
	}
	for _, tt := range tests {
		g := newDialGuard(mustAllowList(tt.allow))
		g.open.Resolver, g.guarded.Resolver = noDNS, noDNS
		conn, err := g.DialContext(context.Background(), "tcp4", net.JoinHostPort("localhost", port))
		if err != nil && strings.Contains(err.Error(), "no DNS in tests") {
			t.Skip("localhost is not in /etc/hosts")
		}
		if conn != nil {
			conn.Close()
		}
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("dial localhost allowing %q: %v, want a connection", tt.allow, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("dial localhost allowing %q: %v, want an error containing %q", tt.allow, err, tt.wantErr)
		}
	}
}

func FuzzParseAllowList(f *testing.F) {
	for _, seed := range []string{"127.0.0.1", "127.0.0.0/8, [::1]:8080", "localhost,partner.example.org:8443", "[::1", "::ffff:10.0.0.1/104", "a..b", "fe80::1%eth0"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAllowList(s) // must not panic
		if err != nil {
			return
		}
		again, err := ParseAllowList(a.String())
		if err != nil || again.String() != a.String() {
			t.Errorf("ParseAllowList(%q).String() = %q, which parses to %q, %v", s, a.String(), again.String(), err)
		}
	})
}
