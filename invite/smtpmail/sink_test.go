package smtpmail_test

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// sinkConfig says how a sink behaves.
type sinkConfig struct {
	// NoStartTLS hides STARTTLS; ImplicitTLS speaks TLS from the start.
	NoStartTLS  bool
	ImplicitTLS bool
	// User and Pass, when set, are the only credentials accepted, and
	// MAIL is refused without them. Mechs are the AUTH mechanisms
	// offered ("PLAIN LOGIN" when empty; "-" offers no AUTH).
	User, Pass string
	Mechs      string
	// Reject maps a command (MAIL, RCPT, DATA, or "." for the end of the
	// message) to the reply that refuses it.
	Reject map[string]string
	// Silent accepts connections and never greets.
	Silent bool
}

// received is one message a sink accepted.
type received struct {
	From string
	To   []string
	Data []byte
	TLS  bool   // the message came over TLS
	Auth string // the mechanism the client authenticated with
}

// sink is an SMTP server on 127.0.0.1 that keeps what it receives. It
// speaks enough of RFC 5321 for one client: EHLO, STARTTLS (RFC 3207),
// AUTH PLAIN and LOGIN (RFC 4954), MAIL, RCPT, DATA, RSET, NOOP and QUIT.
type sink struct {
	cfg  sinkConfig
	ln   net.Listener
	tls  *tls.Config
	Addr string
	// Roots trust the sink's certificate (for "127.0.0.1" and
	// "localhost").
	Roots *x509.CertPool

	mu    sync.Mutex
	msgs  []received
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// startSink starts a sink; it stops when the test ends.
func startSink(t testing.TB, cfg sinkConfig) *sink {
	t.Helper()
	s, err := newSink(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// newSink starts a sink; Close stops it.
func newSink(cfg sinkConfig) (*sink, error) {
	cert, roots, err := selfSigned()
	if err != nil {
		return nil, err
	}
	s := &sink{cfg: cfg, Roots: roots, conns: map[net.Conn]bool{},
		tls: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if cfg.ImplicitTLS {
		ln = tls.NewListener(ln, s.tls)
	}
	s.ln, s.Addr = ln, ln.Addr().String()
	s.wg.Go(s.serve)
	return s, nil
}

// Messages returns the messages accepted so far.
func (s *sink) Messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// Close closes the listener and every connection, and waits for them.
func (s *sink) Close() {
	_ = s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *sink) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Go(func() {
			defer func() {
				_ = c.Close()
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
			}()
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			if !s.cfg.Silent {
				s.session(c)
				return
			}
			_, _ = c.Read(make([]byte, 1)) // until the client or stop closes
		})
	}
}

// session speaks SMTP on c until QUIT or an error.
func (s *sink) session(c net.Conn) {
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	reply := func(lines ...string) bool {
		for _, l := range lines {
			w.WriteString(l + "\r\n")
		}
		return w.Flush() == nil
	}
	line := func() (string, bool) {
		l, err := r.ReadString('\n')
		return strings.TrimRight(l, "\r\n"), err == nil
	}
	isTLS := s.cfg.ImplicitTLS
	authed := ""
	var cur *received
	if !reply("220 sink ESMTP ready") {
		return
	}
	for {
		l, ok := line()
		if !ok {
			return
		}
		verb, arg, _ := strings.Cut(l, " ")
		verb = strings.ToUpper(verb)
		if rej, ok := s.cfg.Reject[verb]; ok {
			reply(rej)
			continue
		}
		switch verb {
		case "EHLO":
			ext := []string{"250-sink greets " + arg, "250-8BITMIME"}
			if !isTLS && !s.cfg.NoStartTLS {
				ext = append(ext, "250-STARTTLS")
			}
			switch s.cfg.Mechs {
			case "-":
			case "":
				ext = append(ext, "250-AUTH PLAIN LOGIN")
			default:
				ext = append(ext, "250-AUTH "+s.cfg.Mechs)
			}
			reply(append(ext, "250 SMTPUTF8")...)
		case "HELO":
			reply("250 sink")
		case "STARTTLS":
			if isTLS || s.cfg.NoStartTLS {
				reply("503 5.5.1 no STARTTLS here")
				continue
			}
			reply("220 2.0.0 go ahead")
			tc := tls.Server(c, s.tls)
			if tc.Handshake() != nil {
				return
			}
			c, isTLS, authed, cur = tc, true, "", nil
			r, w = bufio.NewReader(c), bufio.NewWriter(c)
		case "AUTH":
			mech, initial, _ := strings.Cut(arg, " ")
			var user, pass string
			switch strings.ToUpper(mech) {
			case "PLAIN":
				if initial == "" {
					reply("334 ")
					initial, _ = line()
				}
				b, _ := base64.StdEncoding.DecodeString(initial)
				parts := strings.Split(string(b), "\x00")
				if len(parts) == 3 {
					user, pass = parts[1], parts[2]
				}
			case "LOGIN":
				reply("334 " + base64.StdEncoding.EncodeToString([]byte("Username:")))
				u, _ := line()
				reply("334 " + base64.StdEncoding.EncodeToString([]byte("Password:")))
				p, _ := line()
				bu, _ := base64.StdEncoding.DecodeString(u)
				bp, _ := base64.StdEncoding.DecodeString(p)
				user, pass = string(bu), string(bp)
			default:
				reply("504 5.5.4 unknown mechanism")
				continue
			}
			if user == "" || user != s.cfg.User || pass != s.cfg.Pass {
				reply("535 5.7.8 authentication credentials invalid")
				continue
			}
			authed = strings.ToUpper(mech)
			reply("235 2.7.0 authenticated")
		case "MAIL":
			if s.cfg.User != "" && authed == "" {
				reply("530 5.7.0 authentication required")
				continue
			}
			cur = &received{From: addrArg(arg), TLS: isTLS, Auth: authed}
			reply("250 2.1.0 ok")
		case "RCPT":
			if cur == nil {
				reply("503 5.5.1 MAIL first")
				continue
			}
			cur.To = append(cur.To, addrArg(arg))
			reply("250 2.1.5 ok")
		case "DATA":
			if cur == nil || len(cur.To) == 0 {
				reply("503 5.5.1 RCPT first")
				continue
			}
			reply("354 end with <CRLF>.<CRLF>")
			var data bytes.Buffer
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, ".")) // undo dot-stuffing
			}
			if rej, ok := s.cfg.Reject["."]; ok {
				reply(rej)
				cur = nil
				continue
			}
			cur.Data = data.Bytes()
			s.mu.Lock()
			s.msgs = append(s.msgs, *cur)
			s.mu.Unlock()
			cur = nil
			reply("250 2.0.0 queued")
		case "RSET":
			cur = nil
			reply("250 2.0.0 ok")
		case "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("502 5.5.2 unknown command")
		}
	}
}

// addrArg is the address of "FROM:<a> PARAMS" or "TO:<a>".
func addrArg(arg string) string {
	_, a, _ := strings.Cut(arg, "<")
	a, _, _ = strings.Cut(a, ">")
	return a
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, and a pool
// that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "sink"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots, nil
}
